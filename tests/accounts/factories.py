"""Small factories for accounts tests: users, tokens and KYC profiles through the services."""

import itertools
import uuid

from django.contrib.auth.models import User

from accounts import services
from accounts.models import KycProfile, KycStatus

PASSWORD = "amber-falcon-river-42"
_ips = itertools.count(1)


def unique_email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.com"


def unique_ip() -> str:
    n = next(_ips)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def make_user(*, email: str | None = None, password: str = PASSWORD) -> User:
    return services.register_user(email=email or unique_email(), password=password)


def bearer(token: str) -> dict:
    """Test-client keyword arguments that send `token` as a bearer token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def make_kyc(*, user: User, tier: str) -> KycProfile:
    return KycProfile.objects.create(user=user, tier_id=tier, status=KycStatus.APPROVED)
