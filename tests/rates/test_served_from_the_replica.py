"""On a regional node, rates and fees come from the local replica."""

import json

import pytest
from django.core.management import call_command

from rates.models import FeeSchedule


@pytest.fixture
def newer_rate_on_the_primary_only(committed_db, cluster, heartbeat, tmp_path):
    call_command("load_demo_data", verbosity=0)
    cluster.wait_until_caught_up()
    cluster.pause_replay()
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "source": "newer-feed",
                "generated_at": "2026-12-04T09:00:00Z",
                "rates": [{"base": "USD", "quote": "NGN", "rate": "1600"}],
            }
        )
    )
    call_command("refresh_rates", "--feed", str(feed), verbosity=0)
    FeeSchedule.objects.filter(provider="paystack").delete()
    yield
    cluster.resume_replay()
    cluster.wait_until_caught_up()


def usd_rate(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return next(r["rate"] for r in response.json()["rates"] if r["pair"] == "USD/NGN")


def test_rates_are_read_from_the_replica(client, newer_rate_on_the_primary_only):
    assert usd_rate(client, "/public/rates") == "1545.5"
    assert usd_rate(client, "/api/v1/rates") == "1545.5"
    assert usd_rate(client, "/public/rates", **{"X-Consistency": "strong"}) == "1600"


def test_fees_are_read_from_the_replica(client, newer_rate_on_the_primary_only):
    def providers(**headers):
        response = client.get("/public/fees", headers=headers)
        return {schedule["provider"] for schedule in response.json()["schedules"]}

    assert "paystack" in providers()
    assert "paystack" not in providers(**{"X-Consistency": "strong"})
