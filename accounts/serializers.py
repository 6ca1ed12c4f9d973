"""Input validation and output shapes (and so the OpenAPI schema) of the account
endpoints, one serializer per endpoint and direction. Business rules live in services.
"""

from django.core.validators import RegexValidator
from rest_framework import serializers

from aframp.api import DecimalStringField

# Emails are usernames, which Django caps at 150 characters.
EMAIL_MAX_LENGTH = 150
# Hashing is slow on purpose: a megabyte of password must not cost a megabyte of it.
PASSWORD_MAX_LENGTH = 128


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(trim_whitespace=False, max_length=PASSWORD_MAX_LENGTH)


class RegisterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()


class TokenInput(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    password = serializers.CharField(trim_whitespace=False, max_length=PASSWORD_MAX_LENGTH)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expires_at = serializers.DateTimeField()


class ProfileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    date_joined = serializers.DateTimeField()
    kyc_tier = serializers.CharField()
    kyc_status = serializers.CharField()


class KycInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField(help_text="The user must be 18 or older.")
    bvn = serializers.CharField(
        help_text="Bank Verification Number, 11 digits. Only its last 4 are kept.",
        validators=[RegexValidator(r"\A[0-9]{11}\Z", "A BVN is exactly 11 digits.")],
    )
    address = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Approval with an address reaches the standard tier, without it basic.",
    )


class KycLimitsOutput(serializers.Serializer):
    per_transaction_ngn = DecimalStringField(source="per_transaction_limit_ngn")
    daily_ngn = DecimalStringField(source="daily_limit_ngn")
    monthly_ngn = DecimalStringField(source="monthly_limit_ngn")


class KycDetailsOutput(serializers.Serializer):
    """What the user submitted; of the BVN, only its last four digits."""

    full_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    bvn_last4 = serializers.CharField()
    address = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="Null: never submitted.")


class KycOutput(serializers.Serializer):
    tier = serializers.CharField(source="tier_id")
    status = serializers.CharField()
    rejection_reason = serializers.CharField()
    limits = KycLimitsOutput(source="tier")
    details = KycDetailsOutput(source="*")
