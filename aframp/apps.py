from django.apps import AppConfig


class AframpConfig(AppConfig):
    name = "aframp"
    verbose_name = "Aframp regional node"

    def ready(self) -> None:
        from aframp import checks  # noqa: F401  (registers the system checks)
