from datetime import timedelta

from django.core.management.base import BaseCommand

from accounts.services import purge_tokens


class Command(BaseCommand):
    help = "Delete bearer tokens that expired or were revoked long ago. Run it on a schedule."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="gone for longer than this")

    def handle(self, *args, days: int, **options):
        deleted = purge_tokens(older_than=timedelta(days=days))
        self.stdout.write(f"{deleted} tokens purged")
