from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from rates.demo.data import CURRENCIES, SCHEDULES
from rates.models import Currency, FeeSchedule
from rates.services import create_fee_schedule


class Command(BaseCommand):
    help = (
        "Load demo currencies, rates and fee schedules. Safe to run again: it adds what is missing."
    )

    def handle(self, *args, **options):
        with transaction.atomic(using="default"):
            for code, name, minor_units in CURRENCIES:
                Currency.objects.using("default").update_or_create(
                    code=code, defaults={"name": name, "minor_units": minor_units}
                )
            created = 0
            for name, transaction_type, provider, method, tiers, *currency in SCHEDULES:
                if not FeeSchedule.objects.using("default").filter(name=name).exists():
                    create_fee_schedule(
                        name=name,
                        transaction_type=transaction_type,
                        provider=provider,
                        method=method,
                        currency=Currency.objects.using("default").get(
                            code=currency[0] if currency else "NGN"
                        ),
                        tiers=tiers,
                    )
                    created += 1
        self.stdout.write(f"{len(CURRENCIES)} currencies, {created} new fee schedules")
        call_command("refresh_rates", stdout=self.stdout, stderr=self.stderr)
