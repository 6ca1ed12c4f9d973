"""Rows every database must have: the KYC tiers and the minting roles.

Created after every `migrate` (and `flush`) by a post_migrate handler, as
django.contrib.sites creates its default site, so no database is ever without
them. Existing rows are left as staff edited them.
"""

from decimal import Decimal

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

# tier: (per transaction, daily, monthly), in NGN
DEFAULT_LIMITS = {
    "unverified": ("50000.00", "50000.00", "200000.00"),
    "basic": ("200000.00", "500000.00", "2000000.00"),
    "standard": ("1000000.00", "5000000.00", "20000000.00"),
    "enhanced": ("10000000.00", "50000000.00", "200000000.00"),
}

# The roles that approve minting, as groups whose members staff manage in the admin.
ROLES = ("mint operator", "compliance officer", "finance director")


def create_reference_data(app_config=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    KycTier = apps.get_model("accounts", "KycTier")
    Group = apps.get_model("auth", "Group")
    if not router.allow_migrate_model(using, KycTier):
        return
    for code, (per_transaction, daily, monthly) in DEFAULT_LIMITS.items():
        KycTier.objects.using(using).get_or_create(
            code=code,
            defaults={
                "per_transaction_limit_ngn": Decimal(per_transaction),
                "daily_limit_ngn": Decimal(daily),
                "monthly_limit_ngn": Decimal(monthly),
            },
        )
    for name in ROLES:
        Group.objects.using(using).get_or_create(name=name)
