"""Staff edit currencies, rates and fee schedules here.

The admin is on a strong path (the path table's default row), so it always
reads what it has just written. Fee schedules are checked by the same rules
as rates.services, before the database checks them again at commit.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from rates.fees import calculate_fees
from rates.models import Currency, ExchangeRate, ExchangeRateHistory, FeeSchedule, FeeTier
from rates.providers import ProviderRate
from rates.services import (
    RefreshReport,
    TierBounds,
    rate_problem,
    store_rate,
    validate_fee_tiers,
    validate_schedule_period,
)


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "minor_units"]
    search_fields = ["code", "name"]


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["base", "quote", "rate", "spread"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            problem = rate_problem(self.provider_rate(source="admin"))
            if problem:
                raise ValidationError(problem)
        return data

    def provider_rate(self, *, source: str) -> ProviderRate:
        # On the change page the pair is read-only: it is the instance's.
        base = self.cleaned_data.get("base") or self.instance.base
        quote = self.cleaned_data.get("quote") or self.instance.quote
        return ProviderRate(
            base=base.code,
            quote=quote.code,
            rate=self.cleaned_data["rate"],
            spread=self.cleaned_data["spread"],
            source=source[:64],
            source_time=timezone.now(),
        )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ["__str__", "rate", "inverse_rate", "spread", "source", "source_time"]
    list_filter = ["source", "base", "quote"]
    search_fields = ["base__code", "quote__code", "source"]
    readonly_fields = ["inverse_rate", "source", "source_time"]

    def get_readonly_fields(self, request, obj=None):
        # A pair is fixed once it exists; only its rate and spread change.
        return [*self.readonly_fields, "base", "quote"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """Store through the service, so that the inverse and the history stay right."""
        quote = form.provider_rate(source=f"admin:{request.user.get_username()}")
        store_rate(quote=quote, report=RefreshReport())
        stored = ExchangeRate.objects.using("default").get(base_id=quote.base, quote_id=quote.quote)
        obj.pk = stored.pk
        obj.refresh_from_db()


@admin.register(ExchangeRateHistory)
class ExchangeRateHistoryAdmin(admin.ModelAdmin):
    """History is append-only: staff read it, nobody edits it."""

    list_display = ["base", "quote", "rate", "spread", "source", "source_time", "recorded_at"]
    list_filter = ["base", "quote", "source"]
    date_hierarchy = "source_time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FeeTierFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each form's own errors first
        tiers = [
            TierBounds(form.cleaned_data["min_amount"], form.cleaned_data.get("max_amount"))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        validate_fee_tiers(tiers)


class FeeTierInline(admin.TabularInline):
    model = FeeTier
    formset = FeeTierFormSet
    extra = 0
    min_num = 1


class FeeScheduleForm(forms.ModelForm):
    class Meta:
        model = FeeSchedule
        fields = [
            "name",
            "transaction_type",
            "provider",
            "method",
            "currency",
            "effective_from",
            "effective_until",
        ]

    def clean(self):
        data = super().clean()
        keys = ["transaction_type", "provider", "method", "currency", "effective_from"]
        if all(data.get(key) for key in keys):
            validate_schedule_period(
                transaction_type=data["transaction_type"],
                provider=data["provider"],
                method=data["method"],
                currency_id=data["currency"].code,
                effective_from=data["effective_from"],
                effective_until=data.get("effective_until"),
                exclude_id=self.instance.pk,
            )
        return data


class EffectiveNowFilter(admin.SimpleListFilter):
    title = "in force now"
    parameter_name = "effective_now"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        current = FeeSchedule.objects.effective_at(timezone.now()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=current)
        if self.value() == "no":
            return queryset.exclude(pk__in=current)
        return queryset


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    form = FeeScheduleForm
    inlines = [FeeTierInline]
    list_display = [
        "name",
        "transaction_type",
        "provider",
        "method",
        "currency",
        "effective_from",
        "effective_until",
        "in_force_now",
    ]
    list_filter = ["transaction_type", "provider", "method", "currency", EffectiveNowFilter]
    search_fields = ["name", "provider", "method"]
    readonly_fields = ["fee_preview"]

    @admin.display(boolean=True, description="in force now")
    def in_force_now(self, schedule: FeeSchedule) -> bool:
        return schedule.is_effective_at(timezone.now())

    @admin.display(description="fee preview")
    def fee_preview(self, schedule: FeeSchedule) -> str:
        """What the saved tiers charge for a sample amount in each tier."""
        tiers = list(schedule.tiers.all()) if schedule.pk else []
        if not tiers:
            return "Save the schedule with its tiers to see a preview."
        rows = []
        for tier in tiers:
            amount = _sample_amount(tier).quantize(schedule.currency.minor_unit)
            fees = calculate_fees(
                schedule=schedule, tier=tier, currency=schedule.currency, amount=amount
            )
            rows.append(
                (
                    tier,
                    f"{amount:,}",
                    f"{fees.provider_fee:,}",
                    f"{fees.platform_fee:,}",
                    f"{fees.total_fee:,}",
                    f"{fees.amount_after_fees:,}",
                )
            )
        body = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        )
        return format_html(
            "<table><tr><th>tier</th><th>sample amount</th><th>provider fee</th>"
            "<th>platform fee</th><th>total fee</th><th>after fees</th></tr>{}</table>",
            body,
        )


def _sample_amount(tier: FeeTier) -> Decimal:
    if tier.max_amount is None:
        return max(tier.min_amount * 2, Decimal(1000))
    return (tier.min_amount + tier.max_amount) / 2
