from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rates.providers import FixedPegProvider, JsonFeedProvider
from rates.services import refresh_rates


class Command(BaseCommand):
    help = "Fetch exchange rates from the configured providers and store them, keeping history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--feed", default=None, help="JSON feed file or URL (default: RATE_FEED_URL)"
        )

    def handle(self, *args, feed: str | None, **options):
        providers = [FixedPegProvider(), JsonFeedProvider(feed or settings.RATE_FEED_URL)]
        report = refresh_rates(providers=providers)
        self.stdout.write(
            f"stored {len(report.stored)}, unchanged {len(report.unchanged)}, "
            f"rejected {len(report.rejected)}"
        )
        for line in report.rejected:
            self.stderr.write(f"rejected {line}")
        if report.failed_providers:
            raise CommandError("; ".join(report.failed_providers))
