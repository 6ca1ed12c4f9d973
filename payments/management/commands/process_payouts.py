from django.core.management.base import BaseCommand

from payments.services import process_pending_redemptions, retry_stuck_payouts


class Command(BaseCommand):
    help = (
        "Pay out pending redemptions, oldest first, and finish payouts left processing. "
        "Run it on a schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="redemptions per run")

    def handle(self, *args, limit: int, **options):
        for label, done in (
            ("redemptions paid out", process_pending_redemptions(limit=limit)),
            ("stuck payouts finished", retry_stuck_payouts()),
        ):
            completed = sum(1 for tx in done if tx.status == "completed")
            self.stdout.write(
                f"{len(done)} {label}: {completed} completed, "
                f"{len(done) - completed} failed and refunded"
            )
