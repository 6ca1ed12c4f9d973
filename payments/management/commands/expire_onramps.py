from datetime import timedelta

from django.core.management.base import BaseCommand

from payments.services import expire_stale_onramps


class Command(BaseCommand):
    help = "Expire on-ramps whose payment never arrived. Run it on a schedule."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="waiting longer than this")

    def handle(self, *args, hours: int, **options):
        expired = expire_stale_onramps(older_than=timedelta(hours=hours))
        self.stdout.write(f"{expired} on-ramps expired")
