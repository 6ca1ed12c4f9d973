"""System checks for configuration mistakes a human would make."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.database, Tags.security)
def check_regional_configuration(app_configs, **kwargs):
    problems = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        problems.append(
            Warning(
                "Development setup: embedded SQLite database, no replica and a "
                "development SECRET_KEY.",
                hint="Fine for trying Aframp out. A regional node sets DATABASE_URL, "
                "DATABASE_READ_REPLICA_URL and SECRET_KEY (see .env.example).",
                id="aframp.W001",
            )
        )
    replica = settings.DATABASES.get(settings.REPLICA_DATABASE_ALIAS)
    if replica and _same_server(replica, settings.DATABASES["default"]):
        problems.append(
            Error(
                "DATABASE_READ_REPLICA_URL points at the primary.",
                hint="Point it at this region's streaming replica, or leave it unset "
                "on a node that has none.",
                id="aframp.E001",
            )
        )
    if not settings.PAYMENT_WEBHOOK_SECRET:
        problems.append(
            Warning(
                "PAYMENT_WEBHOOK_SECRET is not set: payment webhooks will be refused.",
                hint="Set it to the secret the payment providers sign webhooks with.",
                id="aframp.W002",
            )
        )
    if settings.REPLICA_MAX_LAG_SECONDS <= 0:
        problems.append(
            Error(
                "REPLICA_MAX_LAG_SECONDS must be greater than zero.",
                id="aframp.E002",
            )
        )
    return problems


def _same_server(a: dict, b: dict) -> bool:
    keys = ("ENGINE", "HOST", "PORT", "NAME")
    return all(str(a.get(key) or "") == str(b.get(key) or "") for key in keys)
