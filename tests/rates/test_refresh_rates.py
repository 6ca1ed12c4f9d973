"""Rates from providers: the peg, a JSON feed from a file or a URL, and history."""

import json
import threading
from decimal import Decimal as D
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command

from rates.models import Currency, ExchangeRate, ExchangeRateHistory
from rates.providers import FixedPegProvider, JsonFeedProvider, RateFeedError
from rates.services import refresh_rates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def currencies():
    for code, minor in [("NGN", 2), ("cNGN", 7), ("USD", 2), ("USDC", 7), ("XLM", 7)]:
        Currency.objects.create(code=code, name=code, minor_units=minor)


def write_feed(path, generated_at="2026-12-04T08:00:00Z", rates=None, source="test-feed"):
    rates = rates or [{"base": "USD", "quote": "NGN", "rate": "1545.50", "spread": "0.004"}]
    path.write_text(json.dumps({"source": source, "generated_at": generated_at, "rates": rates}))
    return str(path)


def test_the_peg_and_a_feed_file_are_stored_with_inverse_and_history(tmp_path):
    feed = write_feed(tmp_path / "feed.json")
    report = refresh_rates(providers=[FixedPegProvider(), JsonFeedProvider(feed)])
    assert report.stored == ["NGN/cNGN", "USD/NGN"]
    usd = ExchangeRate.objects.get(base="USD", quote="NGN")
    assert usd.rate == D("1545.5")
    assert usd.inverse_rate == D("0.000647039793")  # 1 / 1545.5 to 12 places
    assert usd.spread == D("0.004")
    assert usd.source == "test-feed"
    assert usd.source_time.isoformat() == "2026-12-04T08:00:00+00:00"
    peg = ExchangeRate.objects.get(base="NGN", quote="cNGN")
    assert (peg.rate, peg.inverse_rate, peg.source) == (1, 1, "fixed-peg")
    assert ExchangeRateHistory.objects.count() == 2


def test_a_newer_feed_replaces_the_rate_and_keeps_the_old_one_in_history(tmp_path):
    refresh_rates(providers=[JsonFeedProvider(write_feed(tmp_path / "a.json"))])
    newer = write_feed(
        tmp_path / "b.json",
        generated_at="2026-12-04T09:00:00Z",
        rates=[{"base": "USD", "quote": "NGN", "rate": "1550"}],
    )
    refresh_rates(providers=[JsonFeedProvider(newer)])
    assert ExchangeRate.objects.get(base="USD", quote="NGN").rate == D(1550)
    history = ExchangeRateHistory.objects.filter(base="USD").order_by("source_time")
    assert [h.rate for h in history] == [D("1545.5"), D(1550)]


def test_an_older_or_repeated_observation_never_replaces_a_newer_one(tmp_path):
    refresh_rates(providers=[JsonFeedProvider(write_feed(tmp_path / "a.json"))])
    older = write_feed(
        tmp_path / "old.json",
        generated_at="2026-12-03T08:00:00Z",
        rates=[{"base": "USD", "quote": "NGN", "rate": "1400"}],
    )
    report = refresh_rates(providers=[JsonFeedProvider(older)])
    assert report.unchanged == ["USD/NGN"]
    assert ExchangeRate.objects.get(base="USD", quote="NGN").rate == D("1545.5")
    assert ExchangeRateHistory.objects.count() == 1


def test_bad_rates_are_rejected_one_by_one(tmp_path):
    feed = write_feed(
        tmp_path / "feed.json",
        rates=[
            {"base": "USD", "quote": "NGN", "rate": "1545.50"},
            {"base": "EUR", "quote": "NGN", "rate": "1700"},
            {"base": "XLM", "quote": "NGN", "rate": "0"},
            {"base": "USDC", "quote": "NGN", "rate": "-3"},
            {"base": "NGN", "quote": "NGN", "rate": "1"},
        ],
    )
    report = refresh_rates(providers=[JsonFeedProvider(feed)])
    assert report.stored == ["USD/NGN"]
    assert [line.split(":")[0] for line in report.rejected] == [
        "EUR/NGN",
        "XLM/NGN",
        "USDC/NGN",
        "NGN/NGN",
    ]
    assert ExchangeRate.objects.count() == 1


def test_feed_numbers_become_decimals_not_floats(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(
        '{"generated_at": "2026-12-04T08:00:00Z", '
        '"rates": [{"base": "XLM", "quote": "NGN", "rate": 412.35000000000001}]}'
    )
    (rate,) = JsonFeedProvider(str(path)).fetch()
    assert rate.rate == D("412.35000000000001")


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"rates": []}',
        '{"generated_at": "yesterday", "rates": []}',
        '{"generated_at": "2026-12-04T08:00:00", "rates": []}',
        '{"generated_at": "2026-12-04T08:00:00Z", "rates": [{"base": "USD"}]}',
        '{"generated_at": "2026-12-04T08:00:00Z", "rates": [{"base": "USD", "quote": "NGN", '
        '"rate": "lots"}]}',
    ],
)
def test_a_malformed_feed_is_a_clear_error(tmp_path, content):
    path = tmp_path / "feed.json"
    path.write_text(content)
    with pytest.raises(RateFeedError):
        JsonFeedProvider(str(path)).fetch()


def test_the_command_fails_loudly_when_a_provider_fails_but_keeps_the_others(tmp_path):
    with pytest.raises(CommandError, match="cannot read rate feed"):
        call_command("refresh_rates", "--feed", str(tmp_path / "missing.json"))
    assert ExchangeRate.objects.filter(base="NGN", quote="cNGN").exists()


def test_a_feed_is_read_from_a_url():
    body = json.dumps(
        {
            "source": "http-feed",
            "generated_at": "2026-12-04T10:00:00Z",
            "rates": [{"base": "USDC", "quote": "NGN", "rate": "1543.20"}],
        }
    ).encode()

    class Feed(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/rates.json"
        call_command("refresh_rates", "--feed", url)
    finally:
        server.shutdown()
    stored = ExchangeRate.objects.get(base="USDC", quote="NGN")
    assert (stored.rate, stored.source) == (D("1543.2"), "http-feed")
