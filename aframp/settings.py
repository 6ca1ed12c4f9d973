"""Settings for a regional Aframp node, read from the environment.

With nothing set, the node runs on an embedded SQLite database with no replica
and a development secret: that is the setup for trying it out. As soon as
DATABASE_URL names a real database, a real SECRET_KEY is required.
See `.env.example` for every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")

# --- Region and databases ----------------------------------------------------

REGION = env.str("REGION", default="local")

# Alias of the local streaming replica in DATABASES; routing lives in aframp.db_router.
REPLICA_DATABASE_ALIAS = "replica"
# Past this many seconds of replication lag, eventual reads go to the primary
# and /health/edge answers 503.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)

USING_EMBEDDED_DATABASE = "DATABASE_URL" not in env


def _database(url_var: str, default: str | None = None) -> dict:
    config = env.db_url(url_var, default=default)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # The primary may be an ocean away, where opening a connection costs
        # several round trips: each worker thread keeps its connection open
        # between requests, checks it before reusing it, and gives up quickly
        # on a server that does not answer. (psycopg's pool was tried and
        # dropped: its growing reconnect back-off kept requests failing for
        # seconds after the primary came back.)
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
        config["CONN_HEALTH_CHECKS"] = True
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 3)
        options.setdefault("application_name", f"aframp-{REGION}")
    return config


DATABASES = {
    "default": _database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if env.str("DATABASE_READ_REPLICA_URL", default=""):
    DATABASES[REPLICA_DATABASE_ALIAS] = _database("DATABASE_READ_REPLICA_URL")

DATABASE_ROUTERS = ["aframp.db_router.ConsistencyRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------

if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
    # A dead or frozen Redis must cost a request at most a second, never hang it.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
    CACHE_CONFIGURED = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CACHE_CONFIGURED = False

# --- Security ----------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not USING_EMBEDDED_DATABASE:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A node with DATABASE_URL is a real deployment "
            "and must be given its own secret (see .env.example)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY  # aframp.W001 says so at start-up

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

# TLS ends at CloudFront and the regional ALB, which set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Load balancers probe the health endpoints over plain HTTP inside the VPC.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Browsers treat localhost as a secure context, so these hold in development too.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"

# --- Application -------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # serves the docs page's assets from here, not a CDN
    "aframp.apps.AframpConfig",
    "health",
    "rates",
    "payments",
    "accounts",
]

MIDDLEWARE = [
    # Outermost: decides the request's consistency and stamps cache headers on
    # whatever response comes back, error responses included.
    "aframp.middleware.EdgePolicyMiddleware",
    "aframp.middleware.JsonErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "aframp.urls"
WSGI_APPLICATION = "aframp.wsgi.application"
ASGI_APPLICATION = "aframp.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project overrides of third-party templates (the docs page).
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Payment providers sign their webhooks with this (HMAC-SHA256 of the raw body).
# Without it, webhooks are refused (aframp.W002); development has a sandbox secret.
PAYMENT_WEBHOOK_SECRET = env.str(
    "PAYMENT_WEBHOOK_SECRET",
    default="sandbox-webhook-secret" if USING_EMBEDDED_DATABASE else "",
)

# Where `manage.py refresh_rates` reads market rates: a JSON feed file or URL.
RATE_FEED_URL = env.str("RATE_FEED_URL", default=str(BASE_DIR / "rates" / "demo" / "feed.json"))

CSRF_FAILURE_VIEW = "aframp.errors.csrf_failure"

# `manage.py test` runs the same pytest suite as `pytest`.
TEST_RUNNER = "tests.runner.PytestTestRunner"

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "aframp.errors.drf_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Bearer tokens from /account/token. Public endpoints set
    # `authentication_classes = []`, so they never look up a token or a user.
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.BearerTokenAuthentication"],
    "UNAUTHENTICATED_USER": None,
    # Proxies in front of the node that append to X-Forwarded-For (CloudFront and the
    # ALB: 2). Client IPs, which sign-in lockouts key on, are read past them; 0 trusts
    # only the socket's address.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Aframp API",
    "DESCRIPTION": (
        "Naira on-ramp and off-ramp. Amounts and rates are decimal strings. Every error "
        'is {"error": {"code", "message", "details"}}. Send X-Consistency: strong to read '
        "from the primary on any path."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs and schema are public: they authenticate nobody, like the rest of /public/.
    "SERVE_AUTHENTICATION": [],
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": f"%(asctime)s %(levelname)s %(name)s [{REGION}] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
