from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models


class Tier(models.TextChoices):
    """KYC tiers, lowest first. Their limits live in KycTier rows, edited by staff."""

    UNVERIFIED = "unverified", "Unverified"
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    ENHANCED = "enhanced", "Enhanced"


class KycStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


def _ngn_field(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=20, decimal_places=2, validators=[MinValueValidator(0)]
    )


class KycTier(models.Model):
    """How much a user of a tier may move, in NGN. One row per Tier, loaded by a migration."""

    code = models.CharField(max_length=16, primary_key=True, choices=Tier.choices)
    per_transaction_limit_ngn = _ngn_field("per-transaction limit (NGN)")
    daily_limit_ngn = _ngn_field("daily limit (NGN)")
    monthly_limit_ngn = _ngn_field("monthly limit (NGN)")

    class Meta:
        ordering = ["per_transaction_limit_ngn"]
        verbose_name = "KYC tier"

    def __str__(self) -> str:
        return self.get_code_display()

    def clean(self) -> None:
        if not (self.per_transaction_limit_ngn <= self.daily_limit_ngn <= self.monthly_limit_ngn):
            raise ValidationError(
                "The daily limit must be at least the per-transaction one, and the monthly "
                "limit at least the daily one."
            )


class KycProfile(models.Model):
    """A user's identity verification. Created by their first submission (or by staff);
    a user without one is unverified.

    The BVN is never stored: only its last four digits, to show the user which one
    they submitted.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kyc_profile"
    )
    tier = models.ForeignKey(KycTier, on_delete=models.PROTECT, default=Tier.UNVERIFIED)
    status = models.CharField(
        max_length=16, choices=KycStatus.choices, default=KycStatus.NOT_SUBMITTED
    )
    full_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    bvn_last4 = models.CharField("BVN (last 4 digits)", max_length=4, blank=True)
    address = models.TextField(blank=True)
    rejection_reason = models.CharField(max_length=200, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "KYC profile"

    def __str__(self) -> str:
        return f"{self.user} ({self.tier_id}, {self.status})"


class AccessToken(models.Model):
    """A bearer token. Only the SHA-256 of the token is kept; the token itself is
    shown once, when it is issued.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"token of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
