"""The rates admin: who may use it, what staff see in it, and what it refuses."""

import html
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aframp.paths import PRIVATE
from rates.demo.data import SCHEDULES
from rates.models import Currency, ExchangeRate, ExchangeRateHistory, FeeSchedule, FeeTier
from rates.services import create_fee_schedule

pytestmark = pytest.mark.django_db

FLUTTERWAVE_CARD = "On-ramp · Flutterwave card"
DEMO_SCHEDULES = {name for name, *_ in SCHEDULES}
# The inline formset's prefix: FeeTier.schedule's related_name
# (test_the_tier_inline_posts_under_the_tiers_prefix checks the page agrees).
TIERS = "tiers"
TIER_FIELDS = [
    "min_amount",
    "max_amount",
    "provider_percent",
    "provider_flat",
    "provider_cap",
    "platform_percent",
    "platform_flat",
    "min_total",
    "max_total",
]


@pytest.fixture(autouse=True)
def demo_data():
    call_command("load_demo_data", verbosity=0)
    # As if it had been committed before the test: the database's deferred checks of
    # these rows run now, not together with those of the test's own writes.
    assert_database_accepts_pending_writes()


@pytest.fixture
def superuser():
    return User.objects.create_user(
        "boss", "boss@example.com", "unused-password-1", is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def staff_user(username: str, *codenames: str) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.com", "unused-password-1", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="rates", codename__in=codenames)
    )
    assert user.user_permissions.count() == len(codenames)
    return user


def demo_names(**match: str) -> set[str]:
    """Names of the demo schedules whose type, provider and method are as given."""
    found = set()
    for name, transaction_type, provider, method, *_ in SCHEDULES:
        values = {"transaction_type": transaction_type, "provider": provider, "method": method}
        if all(values[key] == value for key, value in match.items()):
            found.add(name)
    assert found, f"no demo schedule has {match}"
    return found


def flutterwave_card() -> FeeSchedule:
    return FeeSchedule.objects.get(name=FLUTTERWAVE_CARD)


def usd_ngn() -> ExchangeRate:
    return ExchangeRate.objects.get(base_id="USD", quote_id="NGN")


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def counts() -> tuple[int, int]:
    return FeeSchedule.objects.count(), FeeTier.objects.count()


# --- Who may enter --------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/rates/feeschedule/"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


@pytest.mark.parametrize("path", ["/admin/", "/admin/rates/feeschedule/"])
def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, path):
    client.force_login(User.objects.create_user("customer", "c@example.com", "unused-password-1"))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"


def admin_pages() -> dict[str, str]:
    schedule = flutterwave_card()
    history = ExchangeRateHistory.objects.filter(base_id="USD", quote_id="NGN").first()
    return {
        "index": reverse("admin:index"),
        "rates app": reverse("admin:app_list", args=["rates"]),
        "currency list": reverse("admin:rates_currency_changelist"),
        "currency add": reverse("admin:rates_currency_add"),
        "currency change": reverse("admin:rates_currency_change", args=["NGN"]),
        "rate list": reverse("admin:rates_exchangerate_changelist"),
        "rate add": reverse("admin:rates_exchangerate_add"),
        "rate change": reverse("admin:rates_exchangerate_change", args=[usd_ngn().pk]),
        "history list": reverse("admin:rates_exchangeratehistory_changelist"),
        "history row (read only)": reverse(
            "admin:rates_exchangeratehistory_change", args=[history.pk]
        ),
        "schedule list": reverse("admin:rates_feeschedule_changelist"),
        "schedule add": reverse("admin:rates_feeschedule_add"),
        "schedule change": reverse("admin:rates_feeschedule_change", args=[schedule.pk]),
        "schedule history": reverse("admin:rates_feeschedule_history", args=[schedule.pk]),
    }


def test_a_superuser_gets_every_rates_admin_page(admin_client):
    for name, path in admin_pages().items():
        response = admin_client.get(path)
        assert response.status_code == 200, f"{name}: {path} answered {response.status_code}"


def test_the_lists_show_the_demo_data(admin_client):
    currencies = admin_client.get(reverse("admin:rates_currency_changelist"))
    assert {c.code for c in currencies.context["cl"].result_list} == {
        "NGN",
        "USD",
        "USDC",
        "XLM",
        "cNGN",
    }
    rates = admin_client.get(reverse("admin:rates_exchangerate_changelist"))
    assert {str(r) for r in rates.context["cl"].result_list} == {
        "NGN/cNGN 1.000000000000",
        "USD/NGN 1545.500000000000",
        "USDC/NGN 1543.200000000000",
        "XLM/NGN 412.350000000000",
    }
    history = admin_client.get(reverse("admin:rates_exchangeratehistory_changelist"))
    assert len(history.context["cl"].result_list) == 4


def test_the_schedule_change_page_edits_its_tiers_inline(admin_client):
    response = admin_client.get(
        reverse("admin:rates_feeschedule_change", args=[flutterwave_card().pk])
    )
    text = page_text(response)
    assert f'name="{TIERS}-TOTAL_FORMS" value="3"' in text
    for index, existing in enumerate(flutterwave_card().tiers.all()):
        assert f'name="{TIERS}-{index}-id" value="{existing.pk}"' in text


def test_the_tier_inline_posts_under_the_tiers_prefix(admin_client):
    response = admin_client.get(reverse("admin:rates_feeschedule_add"))
    text = page_text(response)
    for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
        assert f'name="{TIERS}-{name}"' in text
    assert f'name="{TIERS}-0-min_amount"' in text  # min_num=1: one empty tier to fill in


def test_staff_without_the_permission_are_refused_the_change_page(client):
    client.force_login(staff_user("clerk"))  # staff, but no rates permission at all
    schedule = flutterwave_card()
    assert (
        client.get(reverse("admin:rates_feeschedule_change", args=[schedule.pk])).status_code == 403
    )
    assert client.get(reverse("admin:rates_feeschedule_changelist")).status_code == 403
    assert (
        client.get(reverse("admin:rates_exchangerate_change", args=[usd_ngn().pk])).status_code
        == 403
    )


def test_staff_who_may_only_view_schedules_cannot_save_them(client):
    client.force_login(staff_user("auditor", "view_feeschedule", "view_feetier"))
    schedule = flutterwave_card()
    url = reverse("admin:rates_feeschedule_change", args=[schedule.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, change_form_data(schedule, name="Renamed by an auditor"))
    assert response.status_code == 403
    assert flutterwave_card().name == FLUTTERWAVE_CARD


def test_staff_with_the_permissions_edit_a_schedule_and_its_history_shows_it(client):
    client.force_login(
        staff_user(
            "pricing", "view_feeschedule", "change_feeschedule", "view_feetier", "change_feetier"
        )
    )
    schedule = flutterwave_card()
    response = client.post(
        reverse("admin:rates_feeschedule_change", args=[schedule.pk]),
        change_form_data(schedule, name="On-ramp · Flutterwave card (2027)"),
    )
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == reverse("admin:rates_feeschedule_changelist")
    schedule.refresh_from_db()
    assert schedule.name == "On-ramp · Flutterwave card (2027)"
    assert schedule.tiers.count() == 3  # saving it again kept its own period and tiers

    history = client.get(reverse("admin:rates_feeschedule_history", args=[schedule.pk]))
    assert history.status_code == 200
    assert "Changed Name." in page_text(history)


# --- Exchange rate history is append-only ----------------------------------------------


def test_nobody_adds_edits_or_deletes_rate_history(admin_client):
    row = ExchangeRateHistory.objects.filter(base_id="USD", quote_id="NGN").get()
    assert admin_client.get(reverse("admin:rates_exchangeratehistory_add")).status_code == 403
    change_url = reverse("admin:rates_exchangeratehistory_change", args=[row.pk])
    view = admin_client.get(change_url)
    assert view.status_code == 200
    assert 'name="_save"' not in page_text(view)  # shown read-only, even to a superuser
    edit = admin_client.post(change_url, {"rate": "1", "spread": "0", "source": "forged"})
    assert edit.status_code == 403
    delete_url = reverse("admin:rates_exchangeratehistory_delete", args=[row.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert (row.rate, row.source) == (D("1545.5"), "aframp-demo-feed")


# --- Fee schedule list filters -----------------------------------------------------------


def listed(client, query: str) -> set[str]:
    response = client.get(f"{reverse('admin:rates_feeschedule_changelist')}?{query}")
    assert response.status_code == 200
    # An invalid filter makes the admin redirect with ?e=1; a 200 with results is a real filter.
    return {schedule.name for schedule in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("query", "match"),
    [
        # The parameters of the filter sidebar's links,
        ("transaction_type__exact=onramp", {"transaction_type": "onramp"}),
        ("provider__exact=paystack", {"provider": "paystack"}),
        ("method__exact=card", {"method": "card"}),
        # and the plain field names, alone and together.
        ("provider=paystack", {"provider": "paystack"}),
        ("transaction_type=onramp&method=card", {"transaction_type": "onramp", "method": "card"}),
    ],
)
def test_the_schedule_list_filters_by_type_provider_and_method(admin_client, query, match):
    expected = demo_names(**match)
    assert expected < DEMO_SCHEDULES  # the filter must leave some out
    assert listed(admin_client, query) == expected


def test_the_schedule_list_filters_on_the_demo_facts(admin_client):
    assert listed(admin_client, "transaction_type__exact=onramp&provider__exact=paystack") == {
        "On-ramp · Paystack card"
    }
    assert listed(admin_client, "method__exact=card") == {
        "On-ramp · Flutterwave card",
        "On-ramp · Paystack card",
    }


def test_the_schedule_list_searches_names_providers_and_methods(admin_client):
    assert listed(admin_client, "q=Paystack") == demo_names(provider="paystack")
    assert listed(admin_client, "q=ussd") == demo_names(method="ussd")
    assert listed(admin_client, "q=treasury") == {"Mint · Aframp treasury"}


def test_the_sidebar_offers_the_filters(admin_client):
    text = page_text(admin_client.get(reverse("admin:rates_feeschedule_changelist")))
    for query in (
        "?transaction_type__exact=onramp",
        "?provider__exact=paystack",
        "?method__exact=card",
        "?effective_now=yes",
        "?effective_now=no",
    ):
        assert f'href="{query}"' in text


def test_the_in_force_now_filter_splits_current_from_ended_and_future_schedules(admin_client):
    ngn = Currency.objects.get(code="NGN")
    now = timezone.now()
    tiers = [{"min_amount": D(1000), "max_amount": None}]
    create_fee_schedule(
        name="Off-ramp · Paystack USSD (ended)",
        transaction_type="offramp",
        provider="paystack",
        method="ussd",
        currency=ngn,
        tiers=tiers,
        effective_from=now - timedelta(days=30),
        effective_until=now - timedelta(days=1),
    )
    create_fee_schedule(
        name="Off-ramp · Paystack USSD (next)",
        transaction_type="offramp",
        provider="paystack",
        method="ussd",
        currency=ngn,
        tiers=tiers,
        effective_from=now + timedelta(days=1),
    )
    assert listed(admin_client, "effective_now=yes") == DEMO_SCHEDULES
    assert listed(admin_client, "effective_now=no") == {
        "Off-ramp · Paystack USSD (ended)",
        "Off-ramp · Paystack USSD (next)",
    }
    assert len(listed(admin_client, "")) == len(DEMO_SCHEDULES) + 2


# --- The fee preview ------------------------------------------------------------------------


def test_the_change_page_previews_the_fees_of_a_sample_amount_in_each_tier(admin_client):
    response = admin_client.get(
        reverse("admin:rates_feeschedule_change", args=[flutterwave_card().pk])
    )
    text = page_text(response)
    row = "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
    # [1,000, 50,000): midpoint 25,500.00; provider 1.4 % × 25,500 + 100 = 457.00 (under the
    # 2,000 cap); platform 0.5 % × 25,500 = 127.50; total 584.50; 25,500 − 584.50 = 24,915.50.
    assert (
        row.format("[1,000, 50,000)", "25,500.00", "457.00", "127.50", "584.50", "24,915.50")
        in text
    )
    # [50,000, 500,000): 275,000.00; 1.4 % + 100 = 3,950, capped at 2,000.00; 0.3 % = 825.00.
    assert (
        row.format(
            "[50,000, 500,000)", "275,000.00", "2,000.00", "825.00", "2,825.00", "272,175.00"
        )
        in text
    )
    # [500,000, 10,000,000): 5,250,000.00; capped 2,000.00; 0.2 % = 10,500.00.
    assert (
        row.format(
            "[500,000, 10,000,000)",
            "5,250,000.00",
            "2,000.00",
            "10,500.00",
            "12,500.00",
            "5,237,500.00",
        )
        in text
    )


def test_the_preview_of_an_unbounded_tier_uses_twice_its_minimum(admin_client):
    mint = FeeSchedule.objects.get(name="Mint · Aframp treasury")  # one free tier [1, ∞)
    text = page_text(admin_client.get(reverse("admin:rates_feeschedule_change", args=[mint.pk])))
    # max(1 × 2, 1,000) = 1,000.00, with no fee at all.
    assert "<tr><td>[1, ∞)</td><td>1,000.00</td><td>0.00</td><td>0.00</td><td>0.00</td>" in text


def test_the_add_page_explains_that_the_preview_comes_after_saving(admin_client):
    text = page_text(admin_client.get(reverse("admin:rates_feeschedule_add")))
    assert "Save the schedule with its tiers to see a preview." in text


# --- Adding fee schedules -------------------------------------------------------------------


def tier(low, high, **fees) -> dict:
    return {"min_amount": low, "max_amount": "" if high is None else high, **fees}


def split_datetime(prefix: str, moment) -> dict:
    if moment is None:
        return {f"{prefix}_0": "", f"{prefix}_1": ""}
    moment = timezone.localtime(moment)
    return {f"{prefix}_0": f"{moment:%Y-%m-%d}", f"{prefix}_1": f"{moment:%H:%M:%S.%f}"}


def tier_data(index: int, values: dict) -> dict:
    defaults = {
        "provider_percent": "0",
        "provider_flat": "0",
        "platform_percent": "0",
        "platform_flat": "0",
    }
    values = {**defaults, **values}
    return {f"{TIERS}-{index}-{name}": values.get(name, "") for name in TIER_FIELDS}


def add_form_data(tiers: list[dict], **schedule) -> dict:
    values = {
        "name": "Off-ramp · Paystack USSD",
        "transaction_type": "offramp",
        "provider": "paystack",
        "method": "ussd",
        "currency": "NGN",
        "effective_from": timezone.now(),
        "effective_until": None,
        **schedule,
    }
    data = {
        key: values[key] for key in ("name", "transaction_type", "provider", "method", "currency")
    }
    data |= split_datetime("effective_from", values["effective_from"])
    data |= split_datetime("effective_until", values["effective_until"])
    data |= {
        f"{TIERS}-TOTAL_FORMS": str(len(tiers)),
        f"{TIERS}-INITIAL_FORMS": "0",
        f"{TIERS}-MIN_NUM_FORMS": "1",
        f"{TIERS}-MAX_NUM_FORMS": "1000",
    }
    for index, values_of_tier in enumerate(tiers):
        data |= tier_data(index, values_of_tier)
    return data


def change_form_data(schedule: FeeSchedule, **changes) -> dict:
    """What the change page posts back for `schedule` when staff edit only `changes`."""
    tiers = list(schedule.tiers.all())
    data = add_form_data(
        [
            {
                name: "" if getattr(t, name) is None else str(getattr(t, name))
                for name in TIER_FIELDS
            }
            for t in tiers
        ],
        name=schedule.name,
        transaction_type=schedule.transaction_type,
        provider=schedule.provider,
        method=schedule.method,
        currency=schedule.currency_id,
        effective_from=schedule.effective_from,
        effective_until=schedule.effective_until,
    )
    data[f"{TIERS}-INITIAL_FORMS"] = str(len(tiers))
    # effective_from has a callable default, so the page also posts its initial value.
    data |= {
        f"initial-{key}": value for key, value in data.items() if key.startswith("effective_from_")
    }
    for index, existing in enumerate(tiers):
        data[f"{TIERS}-{index}-id"] = str(existing.pk)
        data[f"{TIERS}-{index}-schedule"] = str(schedule.pk)
    data.update(changes)
    return data


def assert_database_accepts_pending_writes():
    """Fire the deferred constraint triggers now, as the commit would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.mark.parametrize(
    "tiers",
    [
        [
            tier("1000", "50000", provider_percent="1.0", provider_flat="10"),
            tier("50000", None, platform_percent="0.5"),
        ],
        # Listed in any order; a fractional bound shared exactly is contiguous.
        [
            tier("49999.99", None, platform_percent="0.5"),
            tier("1000", "49999.99", provider_flat="10"),
        ],
    ],
    ids=["whole-bound", "fractional-bound-in-any-order"],
)
def test_staff_add_a_schedule_with_contiguous_tiers(admin_client, tiers):
    schedules, tier_rows = counts()
    response = admin_client.post(reverse("admin:rates_feeschedule_add"), add_form_data(tiers))
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == reverse("admin:rates_feeschedule_changelist")
    assert counts() == (schedules + 1, tier_rows + 2)
    added = FeeSchedule.objects.get(name="Off-ramp · Paystack USSD")
    assert (added.transaction_type, added.provider, added.method, added.currency_id) == (
        "offramp",
        "paystack",
        "ussd",
        "NGN",
    )
    assert added.is_effective_at(timezone.now())
    expected = sorted(
        (D(t["min_amount"]), None if t["max_amount"] == "" else D(t["max_amount"])) for t in tiers
    )
    stored = [(t.min_amount, t.max_amount) for t in added.tiers.order_by("min_amount")]
    assert stored == expected
    assert_database_accepts_pending_writes()


REFUSED = {
    "overlapping tiers": (
        [tier("1000", "60000"), tier("50000", None)],
        {},
        "Tiers overlap: [1,000, 60,000) and the tier from 50,000.",
    ),
    "gap between tiers": (
        [tier("1000", "40000"), tier("50000", None)],
        {},
        "Gap between tiers: no tier covers [40,000, 50,000).",
    ),
    "fractional gap between tiers": (
        [tier("1000", "49999.99"), tier("50000", None)],
        {},
        "Gap between tiers: no tier covers [49,999.99, 50,000).",
    ),
    "unbounded tier that is not last": (
        [tier("1000", None), tier("50000", "100000")],
        {},
        "The tier from 1,000 is unbounded but another starts at 50,000: "
        "only the last tier may have no maximum.",
    ),
    "provider percentage over 100": (
        [tier("1000", None, provider_percent="100.5")],
        {},
        "Ensure this value is less than or equal to 100.",
    ),
    "platform percentage over 100": (
        [tier("1000", None, platform_percent="101")],
        {},
        "Ensure this value is less than or equal to 100.",
    ),
    "maximum below minimum": (
        [tier("50000", "1000")],
        {},
        "The tier's maximum amount must be above its minimum.",
    ),
    "maximum equal to minimum": (
        [tier("1000", "1000"), tier("1000", None)],
        {},
        "The tier's maximum amount must be above its minimum.",
    ),
    "minimum total above maximum total": (
        [tier("1000", None, min_total="500", max_total="100")],
        {},
        "The minimum total fee must not exceed the maximum.",
    ),
    "no tier at all": ([], {}, "A fee schedule needs at least one tier."),
    "period overlapping the demo schedule": (
        [tier("1000", None)],
        {"transaction_type": "onramp", "method": "card"},
        "“On-ramp · Paystack card” covers the same type, provider, method and currency "
        "in an overlapping period; end it first.",
    ),
    "period that ends before it starts": (
        [tier("1000", None)],
        {
            "effective_from": timezone.now() + timedelta(days=2),
            "effective_until": timezone.now() + timedelta(days=1),
        },
        "A schedule must end after it starts.",
    ),
}


@pytest.mark.parametrize(("tiers", "schedule", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_staff_cannot_add_an_inconsistent_schedule(admin_client, tiers, schedule, message):
    before = counts()
    response = admin_client.post(
        reverse("admin:rates_feeschedule_add"), add_form_data(tiers, **schedule)
    )
    assert response.status_code == 200  # the form again, not a redirect
    text = page_text(response)
    assert "Please correct the error" in text
    assert message in text
    assert counts() == before


def test_a_later_schedule_is_accepted_once_the_current_one_ends(admin_client):
    """The overlap check is about periods: ending the demo schedule makes room."""
    current = FeeSchedule.objects.get(name="On-ramp · Paystack card")
    switch = timezone.now() + timedelta(days=7)
    ended = admin_client.post(
        reverse("admin:rates_feeschedule_change", args=[current.pk]),
        change_form_data(current, **split_datetime("effective_until", switch)),
    )
    assert ended.status_code == 302, page_text(ended)
    data = add_form_data(
        [tier("1000", None, provider_percent="1.2")],
        name="On-ramp · Paystack card (new pricing)",
        transaction_type="onramp",
        method="card",
        effective_from=switch,
    )
    response = admin_client.post(reverse("admin:rates_feeschedule_add"), data)
    assert response.status_code == 302, page_text(response)
    assert (
        FeeSchedule.objects.get(name="On-ramp · Paystack card (new pricing)").effective_from
        == switch
    )
    assert_database_accepts_pending_writes()


def test_removing_a_middle_tier_on_the_change_page_is_refused(admin_client):
    schedule = flutterwave_card()
    data = change_form_data(schedule)
    data[f"{TIERS}-1-DELETE"] = "on"  # [50,000, 500,000)
    response = admin_client.post(
        reverse("admin:rates_feeschedule_change", args=[schedule.pk]), data
    )
    assert response.status_code == 200
    # The page posts the bounds as it shows them, with the column's seven places.
    assert "Gap between tiers: no tier covers [50,000" in page_text(response)
    assert schedule.tiers.count() == 3


# --- Exchange rates ---------------------------------------------------------------------------


def test_editing_a_rate_stores_it_with_its_inverse_source_and_a_history_row(admin_client):
    rate = usd_ngn()
    history = ExchangeRateHistory.objects.count()
    started = timezone.now()
    response = admin_client.post(
        reverse("admin:rates_exchangerate_change", args=[rate.pk]),
        {"rate": "1600", "spread": "0.004"},
    )
    assert response.status_code == 302, page_text(response)
    rate.refresh_from_db()
    assert rate.rate == D("1600")
    assert rate.inverse_rate == D("0.000625")  # 1 / 1600
    assert rate.spread == D("0.004")
    assert rate.source == "admin:boss"
    assert rate.source_time >= started
    assert ExchangeRateHistory.objects.count() == history + 1
    newest = ExchangeRateHistory.objects.filter(base_id="USD", quote_id="NGN").first()
    assert (newest.rate, newest.inverse_rate, newest.source, newest.source_time) == (
        D("1600"),
        D("0.000625"),
        "admin:boss",
        rate.source_time,
    )


@pytest.mark.parametrize("value", ["0", "-1545.5"])
def test_a_rate_that_is_not_positive_is_refused(admin_client, value):
    rate = usd_ngn()
    history = ExchangeRateHistory.objects.count()
    response = admin_client.post(
        reverse("admin:rates_exchangerate_change", args=[rate.pk]),
        {"rate": value, "spread": "0.004"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert f"rate {value} is not a positive number" in text
    assert usd_ngn().rate == D("1545.5")
    assert ExchangeRateHistory.objects.count() == history


def test_staff_add_a_new_pair_with_its_inverse_and_a_history_row(admin_client):
    history = ExchangeRateHistory.objects.count()
    response = admin_client.post(
        reverse("admin:rates_exchangerate_add"),
        {"base": "XLM", "quote": "USD", "rate": "0.3", "spread": "0"},
    )
    assert response.status_code == 302, page_text(response)
    xlm_usd = ExchangeRate.objects.get(base_id="XLM", quote_id="USD")
    assert (xlm_usd.rate, xlm_usd.inverse_rate, xlm_usd.source) == (
        D("0.3"),
        D("3.333333333333"),  # 1 / 0.3 to the column's 12 places
        "admin:boss",
    )
    assert ExchangeRateHistory.objects.count() == history + 1


def test_a_pair_stored_the_other_way_round_cannot_be_added(admin_client):
    response = admin_client.post(
        reverse("admin:rates_exchangerate_add"),
        {"base": "NGN", "quote": "USD", "rate": "0.00065", "spread": "0"},
    )
    assert response.status_code == 200
    assert "stored the other way round as USD/NGN" in page_text(response)
    assert not ExchangeRate.objects.filter(base_id="NGN", quote_id="USD").exists()


# --- Routing ----------------------------------------------------------------------------------


def test_admin_pages_read_the_primary_and_are_never_stored(client, superuser):
    anonymous = client.get("/admin/")
    client.force_login(superuser)
    signed_in = client.get(reverse("admin:rates_exchangerate_changelist"))
    saved = client.post(
        reverse("admin:rates_exchangerate_change", args=[usd_ngn().pk]),
        {"rate": "1600", "spread": "0"},
    )
    for response in (anonymous, signed_in, saved):
        assert response["X-Route-Primary"] == "true"
        assert response["Cache-Control"] == PRIVATE
        assert "ETag" not in response
