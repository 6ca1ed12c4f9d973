"""Fee tiers neither overlap nor leave gaps: in the service and in the database."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rates.models import Currency, FeeSchedule, FeeTier
from rates.services import create_fee_schedule

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ngn():
    return Currency.objects.create(code="NGN", name="Naira", minor_units=2)


def schedule(ngn, tiers, **overrides):
    values = {
        "name": "Test schedule",
        "transaction_type": "onramp",
        "provider": "paystack",
        "method": "ussd",
        "currency": ngn,
        "tiers": tiers,
        **overrides,
    }
    return create_fee_schedule(**values)


def tier(low, high, **fees):
    return {"min_amount": D(low), "max_amount": None if high is None else D(high), **fees}


def refused(ngn, tiers, **overrides) -> str:
    """The service's message for a refused schedule, having checked it changed nothing."""
    before = (FeeSchedule.objects.count(), FeeTier.objects.count())
    with pytest.raises(ValidationError) as error:
        schedule(ngn, tiers, **overrides)
    assert (FeeSchedule.objects.count(), FeeTier.objects.count()) == before
    return " ".join(error.value.messages)


def test_contiguous_tiers_are_accepted(ngn):
    created = schedule(ngn, [tier(1000, "50000"), tier("50000", None, platform_percent=D("0.3"))])
    assert [str(t) for t in created.tiers.order_by("min_amount")] == [
        "[1,000, 50,000)",
        "[50,000, ∞)",
    ]


def test_overlapping_tiers_are_refused(ngn):
    assert "Tiers overlap" in refused(ngn, [tier(1000, 60000), tier(50000, None)])


def test_a_gap_between_tiers_is_refused(ngn):
    assert "Gap between tiers" in refused(ngn, [tier(1000, 40000), tier(50000, None)])


def test_a_fractional_gap_between_tiers_is_refused(ngn):
    message = refused(ngn, [tier(1000, "49999.99"), tier(50000, None)])
    assert "no tier covers [49,999.99, 50,000)" in message


def test_only_the_last_tier_may_be_unbounded(ngn):
    assert "only the last tier" in refused(ngn, [tier(1000, None), tier(50000, 90000)])


def test_a_schedule_needs_a_tier(ngn):
    assert "at least one tier" in refused(ngn, [])


def test_percent_out_of_range_and_inverted_bounds_are_refused(ngn):
    assert "100" in refused(ngn, [tier(1000, None, provider_percent=D(101))])
    assert "above its minimum" in refused(ngn, [tier(5000, 1000)])
    assert "must not exceed" in refused(ngn, [tier(0, None, min_total=D(10), max_total=D(5))])


def test_two_schedules_in_force_at_once_are_refused(ngn):
    now = timezone.now()
    first = schedule(
        ngn, [tier(0, None)], effective_from=now, effective_until=now + timedelta(days=30)
    )
    message = refused(
        ngn, [tier(0, None)], name="Overlapping", effective_from=now + timedelta(days=10)
    )
    assert "overlapping period" in message
    # Starting where the first ends is fine.
    schedule(ngn, [tier(0, None)], name="Next", effective_from=first.effective_until)


def test_the_database_refuses_overlapping_tiers_written_behind_the_service(ngn):
    created = schedule(ngn, [tier(0, 1000), tier(1000, None)])
    with pytest.raises(IntegrityError, match="overlap or leave a gap"), transaction.atomic():
        FeeTier.objects.create(schedule=created, min_amount=D(500), max_amount=D(1500))
    assert created.tiers.count() == 2


def test_the_database_refuses_a_gap_written_behind_the_service(ngn):
    created = schedule(ngn, [tier(0, 1000), tier(1000, 2000), tier(2000, None)])
    with pytest.raises(IntegrityError, match="overlap or leave a gap"), transaction.atomic():
        created.tiers.get(min_amount=1000).delete()
    assert created.tiers.count() == 3


def test_the_database_accepts_tiers_rewritten_in_one_transaction(ngn):
    created = schedule(ngn, [tier(0, 1000), tier(1000, None)])
    with transaction.atomic():  # checked at commit, not row by row
        created.tiers.all().delete()
        FeeTier.objects.create(schedule=created, min_amount=D(0), max_amount=D(5000))
        FeeTier.objects.create(schedule=created, min_amount=D(5000), max_amount=None)
    assert created.tiers.count() == 2


def test_the_database_refuses_overlapping_schedules_written_behind_the_service(ngn):
    schedule(ngn, [tier(0, None)])
    with pytest.raises(IntegrityError, match="overlaps another"), transaction.atomic():
        FeeSchedule.objects.create(
            name="Sneaky",
            transaction_type="onramp",
            provider="paystack",
            method="ussd",
            currency=ngn,
        )


def test_the_database_refuses_a_percentage_over_100(ngn):
    created = schedule(ngn, [tier(0, None)])
    with pytest.raises(IntegrityError), transaction.atomic():
        created.tiers.update(platform_percent=D(150))
