"""Request and response shapes of the payment endpoints (and their OpenAPI schema).

Requests are validated here; amounts are parsed by aframp.money.parse_amount
in the views, so that every amount error has the same code.
"""

from rest_framework import serializers

from aframp.api import AmountField, DecimalStringField
from payments.minting import required_roles
from payments.models import MintRequest, Transaction, TransactionStatus

STAGES = {
    TransactionStatus.AWAITING_PAYMENT: "Waiting for your payment to reach the provider.",
    TransactionStatus.PENDING: "Queued; you can still cancel it.",
    TransactionStatus.PROCESSING: "Paying out to your bank account.",
    TransactionStatus.COMPLETED: "Done.",
    TransactionStatus.FAILED: "Failed; any money on hold was returned.",
    TransactionStatus.CANCELLED: "Cancelled; the money on hold was returned.",
    TransactionStatus.EXPIRED: "Expired before the payment arrived.",
}


# --- Requests --------------------------------------------------------------------


class QuoteRequest(serializers.Serializer):
    amount = AmountField(help_text="Decimal string: NGN for on-ramp, cNGN for off-ramp.")
    provider = serializers.ChoiceField(["flutterwave", "paystack"])
    method = serializers.ChoiceField(["card", "bank_transfer", "ussd"])


class OfframpQuoteRequest(QuoteRequest):
    method = serializers.ChoiceField(["bank_transfer"], default="bank_transfer")


class OnrampInitiateRequest(serializers.Serializer):
    quote_id = serializers.UUIDField()


class BankAccountRequest(serializers.Serializer):
    bank_code = serializers.CharField(max_length=10)
    account_number = serializers.CharField(max_length=20, help_text="10-digit NUBAN")
    account_name = serializers.CharField(max_length=200)


class OfframpInitiateRequest(BankAccountRequest):
    quote_id = serializers.UUIDField()


class RedemptionRequest(BankAccountRequest):
    amount = AmountField(help_text="cNGN to redeem, decimal string")


class RecipientRequest(serializers.Serializer):
    """Exactly one of email and account id names the other user."""

    def validate(self, data):
        given = [name for name in self.recipient_fields if data.get(name) not in (None, "")]
        if len(given) != 1:
            raise serializers.ValidationError(
                f"Give exactly one of {' and '.join(self.recipient_fields)}."
            )
        return data


class TransferRequest(RecipientRequest):
    recipient_fields = ("recipient_email", "recipient_account_id")
    recipient_email = serializers.EmailField(required=False)
    recipient_account_id = serializers.IntegerField(required=False, min_value=1)
    amount = AmountField(help_text="Decimal string")
    currency = serializers.CharField(default="cNGN")


class MintRequestRequest(RecipientRequest):
    recipient_fields = ("destination_email", "destination_account_id")
    destination_email = serializers.EmailField(required=False)
    destination_account_id = serializers.IntegerField(required=False, min_value=1)
    amount = AmountField(help_text="cNGN to issue, decimal string")
    reference = serializers.CharField(max_length=120, help_text="The treasury deposit backing it.")


class DecisionRequest(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


# --- Responses -----------------------------------------------------------------


class QuoteResponse(serializers.Serializer):
    id = serializers.UUIDField()
    direction = serializers.CharField()
    provider = serializers.CharField()
    method = serializers.CharField()
    amount_in = DecimalStringField()
    currency_in = serializers.CharField(source="currency_in_id")
    rate = DecimalStringField(normalize=True)
    provider_fee = DecimalStringField()
    platform_fee = DecimalStringField()
    amount_out = DecimalStringField()
    currency_out = serializers.CharField(source="currency_out_id")
    expires_at = serializers.DateTimeField()


class BalanceResponse(serializers.Serializer):
    currency = serializers.CharField()
    available = DecimalStringField()
    on_hold = DecimalStringField()


class BalancesResponse(serializers.Serializer):
    balances = BalanceResponse(many=True)


class EventResponse(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


def _masked(account_number: str) -> str:
    return "******" + account_number[-4:]


class TransactionResponse(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    status = serializers.CharField()
    stage = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField(help_text="in or out, for the viewer")
    amount = DecimalStringField()
    currency = serializers.CharField(source="currency_id")
    fee = DecimalStringField()
    counterparty = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()
    timeline = EventResponse(many=True, source="events.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_stage(self, tx: Transaction) -> str:
        return STAGES[tx.status]

    def get_direction(self, tx: Transaction) -> str:
        viewer = self.context["viewer"]
        if tx.type == "transfer":
            return "out" if tx.user_id == viewer.pk else "in"
        return "out" if tx.type in ("offramp", "redemption") else "in"

    def get_counterparty(self, tx: Transaction) -> str | None:
        if tx.type != "transfer":
            return None
        viewer = self.context["viewer"]
        other = tx.counterparty if tx.user_id == viewer.pk else tx.user
        return other.email

    def get_details(self, tx: Transaction) -> dict:
        details = dict(tx.details)
        if "bank" in details:  # never a full account number in a response
            details["bank"] = {
                **details["bank"],
                "account_number": _masked(details["bank"]["account_number"]),
            }
        if tx.type == "transfer" and tx.counterparty_id == self.context["viewer"].pk:
            details.pop("fee", None)  # the sender's fee is the sender's business
        return details


class TransactionPageResponse(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TransactionResponse(many=True)


class MintDecisionResponse(serializers.Serializer):
    decided_by = serializers.EmailField(source="decided_by.email")
    role = serializers.CharField()
    approved = serializers.BooleanField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class MintRequestResponse(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    amount = DecimalStringField()
    currency = serializers.SerializerMethodField()
    reference = serializers.CharField()
    requested_by = serializers.EmailField(source="requested_by.email")
    destination = serializers.EmailField(source="destination.email")
    required_roles = serializers.SerializerMethodField()
    decisions = MintDecisionResponse(many=True, source="decisions.all")
    transaction_id = serializers.UUIDField(allow_null=True)
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_currency(self, mint: MintRequest) -> str:
        return "cNGN"

    def get_required_roles(self, mint: MintRequest) -> list[str]:
        return list(required_roles(mint.amount))
