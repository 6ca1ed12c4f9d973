from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, tokens and KYC"

    def ready(self) -> None:
        from accounts import schema  # noqa: F401  (registers the bearer scheme with the schema)
        from accounts.reference_data import create_reference_data

        post_migrate.connect(create_reference_data, sender=self)
