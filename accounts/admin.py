from django.contrib import admin

from accounts.models import AccessToken, KycProfile, KycTier


@admin.register(KycTier)
class KycTierAdmin(admin.ModelAdmin):
    """Staff edit the limits; the four tiers themselves are fixed by the code."""

    list_display = ["code", "per_transaction_limit_ngn", "daily_limit_ngn", "monthly_limit_ngn"]
    readonly_fields = ["code"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(KycProfile)
class KycProfileAdmin(admin.ModelAdmin):
    """Staff may change a user's tier and status; the details are what the user submitted."""

    list_display = ["user", "tier", "status", "full_name", "bvn_last4", "submitted_at"]
    list_filter = ["tier", "status"]
    search_fields = ["user__email", "full_name"]
    list_select_related = ["user", "tier"]
    raw_id_fields = ["user"]
    readonly_fields = [
        "full_name",
        "date_of_birth",
        "bvn_last4",
        "address",
        "rejection_reason",
        "submitted_at",
    ]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    """Tokens can be looked at and deleted (which revokes them), never made or edited here."""

    list_display = ["user", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "expires_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
