"""Where rates come from: providers behind one small interface.

A provider returns ProviderRate values; rates.services.refresh_rates stores
them. Add a provider by writing a class with a `name` and a `fetch()`.
"""

import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from django.utils import timezone
from django.utils.dateparse import parse_datetime

FEED_TIMEOUT_SECONDS = 10


class RateFeedError(Exception):
    """A provider could not produce rates; the message says why."""


@dataclass(frozen=True)
class ProviderRate:
    base: str
    quote: str
    rate: Decimal
    source: str
    source_time: datetime
    spread: Decimal = Decimal(0)


class RateProvider(Protocol):
    name: str

    def fetch(self) -> list[ProviderRate]: ...


class FixedPegProvider:
    """Pairs pegged by design, such as cNGN, which is backed 1:1 by naira."""

    name = "fixed-peg"
    PEGS = (("NGN", "cNGN", Decimal(1)),)

    def fetch(self) -> list[ProviderRate]:
        now = timezone.now()
        return [ProviderRate(base, quote, rate, self.name, now) for base, quote, rate in self.PEGS]


class JsonFeedProvider:
    """A JSON feed read from a file or an http(s) URL:

    {"source": "...", "generated_at": "2026-12-04T08:00:00Z",
     "rates": [{"base": "USD", "quote": "NGN", "rate": "1545.50", "spread": "0.005"}, ...]}
    """

    name = "json-feed"

    def __init__(self, location: str):
        self.location = location

    def fetch(self) -> list[ProviderRate]:
        feed = self._load()
        try:
            source = str(feed.get("source") or self.name)
            produced = parse_datetime(str(feed["generated_at"]))
            if produced is None or timezone.is_naive(produced):
                raise RateFeedError("generated_at must be an ISO 8601 time with a time zone")
            return [
                ProviderRate(
                    base=str(entry["base"]),
                    quote=str(entry["quote"]),
                    rate=Decimal(str(entry["rate"])),
                    spread=Decimal(str(entry.get("spread", "0"))),
                    source=source,
                    source_time=produced,
                )
                for entry in feed["rates"]
            ]
        except (KeyError, TypeError, AttributeError, InvalidOperation, ValueError) as exc:
            raise RateFeedError(f"malformed rate feed {self.location}: {exc!r}") from exc

    def _load(self) -> dict:
        try:
            if self.location.startswith(("http://", "https://")):
                with urllib.request.urlopen(self.location, timeout=FEED_TIMEOUT_SECONDS) as reply:  # noqa: S310
                    text = reply.read().decode()
            else:
                text = Path(self.location).read_text()
            # Numbers become Decimal, never float.
            return json.loads(text, parse_float=Decimal)
        except (OSError, ValueError) as exc:
            raise RateFeedError(f"cannot read rate feed {self.location}: {exc}") from exc
