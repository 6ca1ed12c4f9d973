"""The money flows: on-ramp, off-ramp, transfers and redemptions.

Everything here reads and writes the primary, inside one
`transaction.atomic(using="default")` per change, and moves money only
through payments.ledger. Each flow is a state machine (TRANSITIONS): an
illegal step is a 409 INVALID_TRANSITION, and the database refuses a status
reached twice.

How the ledger sees each flow (NGN and cNGN each sum to zero):
  on-ramp paid:     provider clearing −(amount − provider fee), reserve +net,
                    platform fees +platform fee; issuance −net cNGN, wallet +net cNGN
  off-ramp / redemption: wallet → hold (cNGN) at the start; when paid out,
                    hold → issuance (cNGN burned), reserve −gross NGN,
                    platform fees +platform fee, payouts in flight +rest;
                    when the payout fails, hold → wallet (refund)
  transfer:         sender −(amount + fee), recipient +amount, platform fees +fee
"""

import hmac
import json
import logging
import re
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from hashlib import sha256
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.services import check_kyc_limits
from aframp.errors import ApiError
from aframp.money import money
from payments import ledger
from payments.banks import BANKS
from payments.models import (
    AccountKind,
    Quote,
    Transaction,
    TransactionEvent,
    TransactionStatus,
    TransactionType,
    WebhookEvent,
)
from payments.providers import adapter
from rates import selectors as rate_selectors
from rates.fees import FeeBreakdown
from rates.models import Currency

logger = logging.getLogger(__name__)
S = TransactionStatus

QUOTE_TTL = timedelta(seconds=180)
# Limits are counted per day and month as Nigerian customers live them.
LIMITS_TIME_ZONE = ZoneInfo("Africa/Lagos")
STABLECOIN = "cNGN"
NAIRA = "NGN"
KOBO = Decimal("0.01")

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    TransactionType.ONRAMP: {S.AWAITING_PAYMENT: {S.COMPLETED, S.FAILED, S.EXPIRED}},
    TransactionType.OFFRAMP: {S.PROCESSING: {S.COMPLETED, S.FAILED}},
    TransactionType.REDEMPTION: {
        S.PENDING: {S.PROCESSING, S.CANCELLED},
        S.PROCESSING: {S.COMPLETED, S.FAILED},
    },
    TransactionType.TRANSFER: {},
    TransactionType.MINT: {},
}


def move_to(tx: Transaction, status: str, note: str = "") -> None:
    """Take `tx` to `status` (it must be locked by the caller), or refuse with 409."""
    if status not in TRANSITIONS[tx.type].get(tx.status, set()):
        raise ApiError(
            f"A {tx.type} that is {tx.status} cannot become {status}.",
            code="INVALID_TRANSITION",
            status=409,
            details={"from": tx.status, "to": status},
        )
    tx.status = status
    tx.updated_at = timezone.now()
    tx.save(using="default", update_fields=["status", "updated_at"])
    TransactionEvent.objects.using("default").create(transaction=tx, status=status, note=note)


def _start(tx: Transaction, note: str) -> Transaction:
    tx.save(using="default", force_insert=True)
    TransactionEvent.objects.using("default").create(transaction=tx, status=tx.status, note=note)
    return tx


def _locked(tx_id, *, user, types: tuple[str, ...]) -> Transaction:
    """The user's own transaction, locked; anyone else's is a 404, not a 403."""
    tx = (
        Transaction.objects.using("default")
        .select_for_update()
        .filter(pk=tx_id, user=user, type__in=types)
        .first()
    )
    if tx is None:
        raise ApiError("No such transaction.", code="NOT_FOUND", status=404)
    return tx


# --- Limits --------------------------------------------------------------------


def enforce_kyc_limits(*, user, amount_ngn: Decimal) -> None:
    now = timezone.now().astimezone(LIMITS_TIME_ZONE)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    counted = (
        Transaction.objects.using("default")
        .filter(user=user, created_at__gte=month_start)
        .exclude(status__in=[S.FAILED, S.CANCELLED, S.EXPIRED])
    )
    totals = counted.aggregate(
        month=Sum("amount_ngn"), today=Sum("amount_ngn", filter=Q(created_at__gte=day_start))
    )
    check_kyc_limits(
        user=user,
        amount_ngn=amount_ngn.quantize(KOBO),
        spent_today_ngn=totals["today"] or Decimal(0),
        spent_this_month_ngn=totals["month"] or Decimal(0),
    )


def _fees(
    *, transaction_type: str, provider: str, method: str, currency: Currency, amount
) -> FeeBreakdown:
    schedules = rate_selectors.effective_fee_schedules(
        at=timezone.now(), transaction_type=transaction_type, currency=currency
    )
    matching = [s for s in schedules if s.provider == provider and s.method == method]
    quotes = rate_selectors.fee_quotes(schedules=matching, amount=amount)
    if not quotes:
        raise ApiError(
            f"No {transaction_type} fee schedule covers {money(amount)} {currency.code} "
            f"through {provider} by {method}.",
            code="NO_FEE_SCHEDULE",
            details={"provider": provider, "method": method, "amount": money(amount)},
        )
    return quotes[0]


# --- Quotes --------------------------------------------------------------------


def create_quote(*, user, direction: str, amount: Decimal, provider: str, method: str) -> Quote:
    """Price an on-ramp (NGN in, cNGN out) or off-ramp (cNGN in, NGN out) for 180 s."""
    naira = rate_selectors.currency(code=NAIRA)
    stablecoin = rate_selectors.currency(code=STABLECOIN)
    if direction == Quote.Direction.ONRAMP:
        fees = _fees(
            transaction_type="onramp",
            provider=provider,
            method=method,
            currency=naira,
            amount=amount,
        )
        rate = rate_selectors.rate(base=NAIRA, quote=STABLECOIN).rate
        amount_out = (fees.amount_after_fees * rate).quantize(
            stablecoin.minor_unit, rounding=ROUND_DOWN
        )
        currency_in, currency_out = naira, stablecoin
    else:
        rate = rate_selectors.rate(base=STABLECOIN, quote=NAIRA).rate
        gross = (amount * rate).quantize(naira.minor_unit, rounding=ROUND_DOWN)
        fees = _fees(
            transaction_type="offramp",
            provider=provider,
            method=method,
            currency=naira,
            amount=gross,
        )
        amount_out = fees.amount_after_fees
        currency_in, currency_out = stablecoin, naira
    if amount_out <= 0:
        raise ApiError("The amount does not cover the fees.", code="AMOUNT_TOO_SMALL")
    return Quote.objects.using("default").create(
        user=user,
        direction=direction,
        provider=provider,
        method=method,
        amount_in=amount,
        currency_in=currency_in,
        rate=rate,
        provider_fee=fees.provider_fee,
        platform_fee=fees.platform_fee,
        amount_out=amount_out,
        currency_out=currency_out,
        expires_at=timezone.now() + QUOTE_TTL,
    )


def _consume_quote(*, user, quote_id, direction: str) -> Quote:
    quote = (
        Quote.objects.using("default")
        .select_for_update()
        .filter(pk=quote_id, user=user, direction=direction)
        .first()
    )
    if quote is None:
        raise ApiError("No such quote.", code="QUOTE_NOT_FOUND", status=404)
    if quote.consumed_at is not None:
        raise ApiError("This quote has been used already.", code="QUOTE_ALREADY_USED", status=409)
    if quote.expires_at <= timezone.now():
        raise ApiError(
            "This quote has expired; ask for a new one.", code="QUOTE_EXPIRED", status=409
        )
    quote.consumed_at = timezone.now()
    quote.save(using="default", update_fields=["consumed_at"])
    return quote


def _quote_details(quote: Quote) -> dict:
    return {
        "quote_id": str(quote.pk),
        "provider": quote.provider,
        "method": quote.method,
        "rate": money(quote.rate.normalize()),
        "provider_fee": money(quote.provider_fee.quantize(KOBO)),
        "platform_fee": money(quote.platform_fee.quantize(KOBO)),
        "amount_out": money(quote.amount_out.quantize(quote.currency_out.minor_unit)),
        "currency_out": quote.currency_out_id,
    }


# --- On-ramp -------------------------------------------------------------------


def initiate_onramp(*, user, quote_id) -> Transaction:
    """Turn a quote into a payment awaiting the provider's confirmation."""
    with transaction.atomic(using="default"):
        quote = _consume_quote(user=user, quote_id=quote_id, direction=Quote.Direction.ONRAMP)
        enforce_kyc_limits(user=user, amount_ngn=quote.amount_in)
        instructions = adapter(quote.provider).collect(
            amount=money(quote.amount_in), currency=NAIRA, method=quote.method
        )
        return _start(
            Transaction(
                type=TransactionType.ONRAMP,
                status=S.AWAITING_PAYMENT,
                user=user,
                currency_id=NAIRA,
                amount=quote.amount_in,
                fee=quote.provider_fee + quote.platform_fee,
                amount_ngn=quote.amount_in,
                provider_reference=instructions.reference,
                details={
                    **_quote_details(quote),
                    "payment_instructions": {
                        "reference": instructions.reference,
                        **instructions.details,
                    },
                },
            ),
            "Waiting for the payment.",
        )


def verify_webhook_signature(*, raw_body: bytes, signature: str) -> None:
    secret = settings.PAYMENT_WEBHOOK_SECRET
    if not secret:
        raise ApiError(
            "Webhooks are not configured on this node.", code="WEBHOOK_NOT_CONFIGURED", status=503
        )
    expected = hmac.new(secret.encode(), raw_body, sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise ApiError(
            "The webhook signature does not match.", code="INVALID_SIGNATURE", status=401
        )


def handle_payment_webhook(*, provider: str, raw_body: bytes, signature: str) -> str:
    """Apply a provider's payment event once; a repeated event changes nothing.

    Returns what happened: "completed", "failed" or "duplicate".
    """
    adapter(provider)
    verify_webhook_signature(raw_body=raw_body, signature=signature)
    try:
        event = json.loads(raw_body)
        event_id, kind = str(event["id"]), event["type"]
        reference = str(event["data"]["reference"])
        paid = Decimal(str(event["data"]["amount"]))
    except (ValueError, KeyError, TypeError, ArithmeticError):
        raise ApiError("The webhook body is not a payment event.", code="MALFORMED_EVENT") from None
    if kind not in ("payment.succeeded", "payment.failed"):
        raise ApiError(f"Unknown event type {kind!r}.", code="UNKNOWN_EVENT_TYPE")

    with transaction.atomic(using="default"):
        try:
            with transaction.atomic(using="default"):
                WebhookEvent.objects.using("default").create(provider=provider, event_id=event_id)
        except IntegrityError:
            return "duplicate"
        tx = (
            Transaction.objects.using("default")
            .select_for_update()
            .filter(type=TransactionType.ONRAMP, provider_reference=reference)
            .first()
        )
        if tx is None:
            raise ApiError("No payment has this reference.", code="UNKNOWN_REFERENCE", status=404)
        if kind == "payment.failed":
            move_to(tx, S.FAILED, "The provider reports the payment failed.")
            return "failed"
        if paid != tx.amount:
            raise ApiError(
                "The amount paid differs from the amount due.",
                code="AMOUNT_MISMATCH",
                status=409,
                details={"due": money(tx.amount), "paid": money(paid)},
            )
        move_to(tx, S.COMPLETED, "Payment confirmed; cNGN credited.")
        _credit_onramp(tx)
        return "completed"


def _credit_onramp(tx: Transaction) -> None:
    details = tx.details
    provider_fee, platform_fee = Decimal(details["provider_fee"]), Decimal(details["platform_fee"])
    net = tx.amount - provider_fee - platform_fee
    credited = Decimal(details["amount_out"])
    ledger.post(
        kind="onramp",
        memo=f"on-ramp {tx.pk}",
        for_transaction=tx,
        lines=[
            (
                ledger.account(kind=AccountKind.PROVIDER_CLEARING, currency=NAIRA),
                -(net + platform_fee),
            ),
            (ledger.account(kind=AccountKind.PLATFORM_FEES, currency=NAIRA), platform_fee),
            (ledger.account(kind=AccountKind.RESERVE, currency=NAIRA), net),
            (ledger.account(kind=AccountKind.ISSUANCE, currency=STABLECOIN), -credited),
            (
                ledger.account(kind=AccountKind.USER_WALLET, currency=STABLECOIN, user=tx.user),
                credited,
            ),
        ],
    )


def expire_stale_onramps(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Expire on-ramps whose payment never came."""
    expired = 0
    cutoff = timezone.now() - older_than
    stale = Transaction.objects.using("default").filter(
        type=TransactionType.ONRAMP, status=S.AWAITING_PAYMENT, created_at__lt=cutoff
    )
    for tx_id in stale.values_list("pk", flat=True):
        with transaction.atomic(using="default"):
            tx = Transaction.objects.using("default").select_for_update().get(pk=tx_id)
            if tx.status == S.AWAITING_PAYMENT:
                move_to(tx, S.EXPIRED, "No payment arrived in time.")
                expired += 1
    return expired


# --- Payouts: off-ramp and redemption -----------------------------------------


def validate_bank_account(*, bank_code: str, account_number: str, account_name: str) -> dict:
    if bank_code not in BANKS:
        raise ApiError("Unknown bank code.", code="INVALID_BANK", details={"bank_code": bank_code})
    if not re.fullmatch(r"[0-9]{10}", account_number):  # ASCII digits only
        raise ApiError(
            "A NUBAN account number has exactly 10 digits.", code="INVALID_ACCOUNT_NUMBER"
        )
    name = " ".join(account_name.split())
    if not 2 <= len(name) <= 100:
        raise ApiError("Give the account holder's name.", code="INVALID_ACCOUNT_NAME")
    return {
        "bank_code": bank_code,
        "bank_name": BANKS[bank_code],
        "account_number": account_number,
        "account_name": name,
    }


def _hold(tx: Transaction, amount: Decimal) -> None:
    _shift(tx, amount, AccountKind.USER_WALLET, AccountKind.USER_HOLD, kind="hold", why="on hold")


def _release(tx: Transaction, amount: Decimal, why: str) -> None:
    _shift(tx, amount, AccountKind.USER_HOLD, AccountKind.USER_WALLET, kind="release", why=why)


def _shift(tx: Transaction, amount: Decimal, source: str, target: str, *, kind: str, why: str):
    """Move `amount` between two of the transaction owner's own accounts."""
    ledger.post(
        kind=kind,
        memo=f"{tx.type} {tx.pk}: {why}",
        for_transaction=tx,
        lines=[
            (ledger.account(kind=source, currency=tx.currency, user=tx.user), -amount),
            (ledger.account(kind=target, currency=tx.currency, user=tx.user), amount),
        ],
    )


def _settle_payout(tx: Transaction) -> None:
    """The bank was paid: burn the held cNGN and pay the naira out of the reserve."""
    details = tx.details
    gross = Decimal(details["gross_ngn"])
    platform_fee = Decimal(details["platform_fee"])
    ledger.post(
        kind=f"{tx.type}_payout",
        memo=f"{tx.type} {tx.pk}: paid out",
        for_transaction=tx,
        lines=[
            (
                ledger.account(kind=AccountKind.USER_HOLD, currency=tx.currency, user=tx.user),
                -tx.amount,
            ),
            (ledger.account(kind=AccountKind.ISSUANCE, currency=STABLECOIN), tx.amount),
            (ledger.account(kind=AccountKind.RESERVE, currency=NAIRA), -gross),
            (ledger.account(kind=AccountKind.PLATFORM_FEES, currency=NAIRA), platform_fee),
            (
                ledger.account(kind=AccountKind.PAYOUTS_IN_FLIGHT, currency=NAIRA),
                gross - platform_fee,
            ),
        ],
    )


def pay_out(tx_id) -> Transaction:
    """Pay a processing off-ramp or redemption out through its provider, then
    settle it or refund the hold. The provider is called outside any transaction.
    """
    tx = Transaction.objects.using("default").get(pk=tx_id)
    bank = tx.details["bank"]
    result = adapter(tx.details["provider"]).pay_out(
        reference=f"aframp-payout-{tx.pk}",
        amount=tx.details["amount_out"],
        currency=NAIRA,
        bank_code=bank["bank_code"],
        account_number=bank["account_number"],
    )
    with transaction.atomic(using="default"):
        tx = Transaction.objects.using("default").select_for_update().get(pk=tx_id)
        if tx.status != S.PROCESSING:
            return tx  # settled by a concurrent worker
        tx.details = {**tx.details, "payout_reference": result.reference}
        tx.save(using="default", update_fields=["details"])
        if result.succeeded:
            move_to(tx, S.COMPLETED, "Paid out to the bank account.")
            _settle_payout(tx)
        else:
            move_to(tx, S.FAILED, f"Payout failed: {result.reason} The cNGN was returned.")
            _release(tx, tx.amount, "payout failed, refunded")
    return tx


def initiate_offramp(*, user, quote_id, bank: dict) -> Transaction:
    """Put the quoted cNGN on hold; the payout follows (see pay_out)."""
    with transaction.atomic(using="default"):
        quote = _consume_quote(user=user, quote_id=quote_id, direction=Quote.Direction.OFFRAMP)
        gross = (quote.amount_out + quote.provider_fee + quote.platform_fee).quantize(KOBO)
        enforce_kyc_limits(user=user, amount_ngn=gross)
        tx = _start(
            Transaction(
                type=TransactionType.OFFRAMP,
                status=S.PROCESSING,
                user=user,
                currency_id=STABLECOIN,
                amount=quote.amount_in,
                fee=quote.provider_fee + quote.platform_fee,
                amount_ngn=gross,
                details={**_quote_details(quote), "gross_ngn": money(gross), "bank": bank},
            ),
            "cNGN on hold; paying out.",
        )
        _hold(tx, tx.amount)
        return tx


# --- Redemptions ---------------------------------------------------------------

REDEMPTION_PROVIDER, REDEMPTION_METHOD = "flutterwave", "bank_transfer"


def request_redemption(*, user, amount: Decimal, bank: dict) -> Transaction:
    """Hold cNGN to be burned and paid to a bank account; cancellable while pending."""
    naira = rate_selectors.currency(code=NAIRA)
    rate = rate_selectors.rate(base=STABLECOIN, quote=NAIRA).rate
    gross = (amount * rate).quantize(naira.minor_unit, rounding=ROUND_DOWN)
    fees = _fees(
        transaction_type="redemption",
        provider=REDEMPTION_PROVIDER,
        method=REDEMPTION_METHOD,
        currency=naira,
        amount=gross,
    )
    if fees.amount_after_fees <= 0:
        raise ApiError("The amount does not cover the fees.", code="AMOUNT_TOO_SMALL")
    with transaction.atomic(using="default"):
        enforce_kyc_limits(user=user, amount_ngn=gross)
        tx = _start(
            Transaction(
                type=TransactionType.REDEMPTION,
                status=S.PENDING,
                user=user,
                currency_id=STABLECOIN,
                amount=amount,
                fee=fees.total_fee,
                amount_ngn=gross,
                details={
                    "provider": REDEMPTION_PROVIDER,
                    "method": REDEMPTION_METHOD,
                    "rate": money(rate.normalize()),
                    "gross_ngn": money(gross),
                    "provider_fee": money(fees.provider_fee),
                    "platform_fee": money(fees.platform_fee),
                    "amount_out": money(fees.amount_after_fees),
                    "currency_out": NAIRA,
                    "bank": bank,
                },
            ),
            "Redemption requested; cNGN on hold.",
        )
        _hold(tx, amount)
        return tx


def cancel_redemption(*, user, tx_id) -> Transaction:
    with transaction.atomic(using="default"):
        tx = _locked(tx_id, user=user, types=(TransactionType.REDEMPTION,))
        move_to(tx, S.CANCELLED, "Cancelled by the customer; cNGN returned.")
        _release(tx, tx.amount, "cancelled, released")
        return tx


def process_pending_redemptions(*, limit: int = 100) -> list[Transaction]:
    """Start the payout of pending redemptions, oldest first (run by a job)."""
    processed = []
    pending = Transaction.objects.using("default").filter(
        type=TransactionType.REDEMPTION, status=S.PENDING
    )
    for tx_id in pending.order_by("created_at").values_list("pk", flat=True)[:limit]:
        with transaction.atomic(using="default"):
            tx = (
                Transaction.objects.using("default")
                .select_for_update(skip_locked=True)
                .filter(pk=tx_id, status=S.PENDING)
                .first()
            )
            if tx is None:
                continue  # cancelled meanwhile, or taken by another worker
            move_to(tx, S.PROCESSING, "Paying out.")
        processed.append(pay_out(tx_id))
    return processed


def retry_stuck_payouts(*, older_than: timedelta = timedelta(minutes=5)) -> list[Transaction]:
    """Finish payouts left processing, e.g. by a provider call that never returned.

    Safe to repeat: a payout carries its transaction's reference, which the
    provider pays once, and pay_out settles a transaction only once.
    """
    stuck = Transaction.objects.using("default").filter(
        type__in=[TransactionType.OFFRAMP, TransactionType.REDEMPTION],
        status=S.PROCESSING,
        updated_at__lt=timezone.now() - older_than,
    )
    return [pay_out(tx_id) for tx_id in stuck.values_list("pk", flat=True)]


# --- Transfers -----------------------------------------------------------------

TRANSFER_PROVIDER, TRANSFER_METHOD = "aframp", "wallet"


def find_recipient(*, email: str | None, account_id: int | None):
    users = get_user_model().objects.using("default").filter(is_active=True)
    recipient = None
    if email:
        recipient = users.filter(email__iexact=email.strip()).first()
    elif account_id is not None:
        recipient = users.filter(pk=account_id).first()
    if recipient is None:
        raise ApiError("No user matches that recipient.", code="RECIPIENT_NOT_FOUND", status=404)
    return recipient


def transfer(*, sender, recipient, amount: Decimal, currency: Currency) -> Transaction:
    """Move money between two users' wallets at once, with the transfer fee."""
    if recipient.pk == sender.pk:
        raise ApiError("You cannot transfer to yourself.", code="SELF_TRANSFER")
    fees = _fees(
        transaction_type="transfer",
        provider=TRANSFER_PROVIDER,
        method=TRANSFER_METHOD,
        currency=currency,
        amount=amount,
    )
    amount_ngn = _in_naira(amount, currency)
    with transaction.atomic(using="default"):
        enforce_kyc_limits(user=sender, amount_ngn=amount_ngn)
        tx = _start(
            Transaction(
                type=TransactionType.TRANSFER,
                status=S.COMPLETED,
                user=sender,
                counterparty=recipient,
                currency=currency,
                amount=amount,
                fee=fees.total_fee,
                amount_ngn=amount_ngn,
                details={"fee": money(fees.total_fee)},
            ),
            "Transferred.",
        )
        ledger.post(
            kind="transfer",
            memo=f"transfer {tx.pk}",
            for_transaction=tx,
            lines=[
                (
                    ledger.account(kind=AccountKind.USER_WALLET, currency=currency, user=sender),
                    -(amount + fees.total_fee),
                ),
                (
                    ledger.account(kind=AccountKind.USER_WALLET, currency=currency, user=recipient),
                    amount,
                ),
                (ledger.account(kind=AccountKind.PLATFORM_FEES, currency=currency), fees.total_fee),
            ],
        )
        return tx


def _in_naira(amount: Decimal, currency: Currency) -> Decimal:
    if currency.code == NAIRA:
        return amount
    rate = rate_selectors.rate(base=currency.code, quote=NAIRA).rate
    return (amount * rate).quantize(KOBO)
