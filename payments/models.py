"""The double-entry ledger and the money flows built on it.

Every movement of money is a Movement: a balanced set of Postings between
LedgerAccounts, summing to zero in each currency, so money is never created
or lost. Accounts keep their balance, updated in the same transaction as the
postings under a row lock; a user's accounts never go below zero. Postings
and movements are never changed or deleted: a correction is a new movement.
On PostgreSQL the database enforces all of this again (see migration 0002).
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rates.models import AMOUNT_DIGITS, Currency, TransactionType


class AccountKind(models.TextChoices):
    USER_WALLET = "user_wallet", "User wallet (available)"
    USER_HOLD = "user_hold", "User funds on hold"
    PLATFORM_FEES = "platform_fees", "Platform fee income"
    PROVIDER_CLEARING = "provider_clearing", "Payment provider clearing"
    PAYOUTS_IN_FLIGHT = "payouts_in_flight", "Payouts in flight"
    ISSUANCE = "issuance", "cNGN issuance"
    RESERVE = "reserve", "Naira reserve backing cNGN"
    TREASURY = "treasury", "Treasury deposits for minting"


USER_KINDS = (AccountKind.USER_WALLET, AccountKind.USER_HOLD)


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=24, choices=AccountKind.choices)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    balance = models.DecimalField(**AMOUNT_DIGITS, default=Decimal(0))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "currency", "user"],
                nulls_distinct=False,
                name="one_ledger_account_per_kind_currency_user",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=USER_KINDS) | Q(balance__gte=0),
                name="user_balance_never_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=USER_KINDS, user__isnull=False)
                | (~Q(kind__in=USER_KINDS) & Q(user__isnull=True)),
                name="user_accounts_have_a_user",
            ),
        ]

    def __str__(self) -> str:
        owner = f" of {self.user}" if self.user_id else ""
        return f"{self.get_kind_display()}{owner} ({self.currency_id})"


class Movement(models.Model):
    """One balanced journal entry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32)
    memo = models.CharField(max_length=200)
    transaction = models.ForeignKey(
        "Transaction", null=True, on_delete=models.PROTECT, related_name="movements"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind}: {self.memo}"


class Posting(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(**AMOUNT_DIGITS, help_text="Positive in, negative out.")

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="posting_not_zero")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class TransactionStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment"
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Transaction(models.Model):
    """What a user sees of a money flow: one row per on-ramp, off-ramp, transfer,
    redemption or mint, with its status; its movements are in the ledger.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=16, choices=TransactionType.choices)
    status = models.CharField(max_length=24, choices=TransactionStatus.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transactions"
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_transactions",
    )
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**AMOUNT_DIGITS)
    fee = models.DecimalField(**AMOUNT_DIGITS, default=Decimal(0))
    # NGN value counted against the user's KYC limits.
    amount_ngn = models.DecimalField(**AMOUNT_DIGITS)
    details = models.JSONField(default=dict, blank=True)
    provider_reference = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"]),
            models.Index(fields=["counterparty", "-created_at", "-id"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="tx_amount_positive")]

    def __str__(self) -> str:
        return f"{self.type} {self.amount} {self.currency_id} ({self.status})"


class TransactionEvent(models.Model):
    """The timeline of a transaction: every status it reached, when and why."""

    transaction = models.ForeignKey(Transaction, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=24, choices=TransactionStatus.choices)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # Nothing reaches a state twice.
            models.UniqueConstraint(fields=["transaction", "status"], name="status_reached_once")
        ]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M:%S}"


class Quote(models.Model):
    """A priced offer for an on-ramp or off-ramp, valid for a few minutes and used once."""

    class Direction(models.TextChoices):
        ONRAMP = "onramp"
        OFFRAMP = "offramp"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    provider = models.CharField(max_length=32)
    method = models.CharField(max_length=32)
    amount_in = models.DecimalField(**AMOUNT_DIGITS)
    currency_in = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=28, decimal_places=12)
    provider_fee = models.DecimalField(**AMOUNT_DIGITS)
    platform_fee = models.DecimalField(**AMOUNT_DIGITS)
    amount_out = models.DecimalField(**AMOUNT_DIGITS)
    currency_out = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    consumed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.direction} quote {self.amount_in} {self.currency_in_id}"


class IdempotencyRecord(models.Model):
    """The answer given to a money-moving request, kept with the movement it made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_record_per_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key}"


class WebhookEvent(models.Model):
    """A provider event already handled: a repeated delivery changes nothing."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=128)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class MintRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        ISSUED = "issued"
        REJECTED = "rejected"
        EXPIRED = "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    destination = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(**AMOUNT_DIGITS)
    reference = models.CharField(max_length=120, help_text="The treasury deposit it is backed by.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    transaction = models.OneToOneField(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="mint_amount_positive")
        ]

    def __str__(self) -> str:
        return f"mint {self.amount} cNGN ({self.status})"


class MintDecision(models.Model):
    """One approval or rejection of a mint request: the audit trail."""

    request = models.ForeignKey(MintRequest, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=32)
    approved = models.BooleanField()
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "decided_by"], name="one_decision_per_person"
            )
        ]

    def __str__(self) -> str:
        verdict = "approved" if self.approved else "rejected"
        return f"{verdict} by {self.decided_by} as {self.role}"
