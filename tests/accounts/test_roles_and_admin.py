"""The minting roles, and the admin pages of accounts."""

import pytest
from django.contrib.auth.models import Group, User

from accounts import services
from accounts.models import KycTier
from tests.accounts.factories import make_kyc

pytestmark = pytest.mark.django_db


def test_the_minting_roles_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"mint operator", "compliance officer", "finance director"} <= names


@pytest.fixture
def staff_client(client, user):
    make_kyc(user=user, tier="basic")
    services.create_token(user=user)
    admin = User.objects.create_superuser("admin", "admin@example.com", "unused-password-1")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["kyctier", "kycprofile", "accesstoken"])
def test_admin_lists_render(staff_client, model):
    assert staff_client.get(f"/admin/accounts/{model}/").status_code == 200


def test_staff_edit_tier_limits_in_the_admin(staff_client):
    response = staff_client.post(
        "/admin/accounts/kyctier/basic/change/",
        {
            "per_transaction_limit_ngn": "250000.00",
            "daily_limit_ngn": "500000.00",
            "monthly_limit_ngn": "2000000.00",
        },
    )
    assert response.status_code == 302
    assert str(KycTier.objects.get(code="basic").per_transaction_limit_ngn) == "250000.00"
