"""glueweb settings: one module, every value from the environment.

Two modes. The embedded default needs no server: SQLite in WAL mode, a
file-based Celery broker and an in-process channel layer fed from stored
events. Production mode is chosen by DATABASE_URL (PostgreSQL) and REDIS_URL
(Celery broker and channel layer). docs/configuration.md lists every setting.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from glueweb.env import (
    ConfigError,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

GLUEWEB_HOME = env_path("GLUEWEB_HOME", BASE_DIR / "var", base=BASE_DIR)
LAKE_DIR = GLUEWEB_HOME / "lake"
LOG_DIR = GLUEWEB_HOME / "logs"
# Local paths that crawlers and jobs may read and write; anything else is refused.
DATA_ROOTS = [Path(p).expanduser().resolve() for p in env_list("GLUEWEB_DATA_ROOTS", [str(LAKE_DIR)])]
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in GLUEWEB_HOME."""
    configured = env_str("GLUEWEB_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ConfigError("GLUEWEB_SECRET_KEY", "must be at least 32 characters long")
        return configured
    key_file = GLUEWEB_HOME / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    try:
        GLUEWEB_HOME.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.touch(mode=0o600)
        key_file.write_text(key)
    except OSError as exc:
        raise ConfigError("GLUEWEB_HOME", f"cannot write {key_file}: {exc.strerror}") from None
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("GLUEWEB_DEBUG", False)
ALLOWED_HOSTS = env_list("GLUEWEB_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("GLUEWEB_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "glueweb.apps.GluewebConfig",
    "catalog",
    "crawlers",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "glueweb.urls"
ASGI_APPLICATION = "glueweb.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
EMBEDDED = not DATABASE_URL
if DATABASE_URL:
    DATABASES = {
        "default": database_config(DATABASE_URL, conn_max_age=env_int("GLUEWEB_DB_CONN_MAX_AGE", 60, minimum=0))
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": GLUEWEB_HOME / "glueweb.sqlite3",
            # WAL lets the web process read while a worker writes; the init
            # command and busy timeout keep concurrent writers from failing.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, channel layer ----------------------------------------------------
REDIS_URL = redis_url(env_str("REDIS_URL")) if env_str("REDIS_URL") else ""
BROKER_DIR = GLUEWEB_HOME / "broker"

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env_str("GLUEWEB_CHANNEL_PREFIX", "glueweb"),
                # One channel per web process carries every live event it fans out
                # (glueweb/live/hub.py): a run's burst must not hit the default 100.
                "channel_capacity": {"glueweb-hub.*": 10_000},
            },
        }
    }
else:
    # kombu warns about a URL without a host; the host means nothing to this transport.
    CELERY_BROKER_URL = "glueweb-fs://localhost/"  # kombu's filesystem transport with atomic writes: glueweb/broker.py
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # How often an idle worker looks for new messages: the floor of dispatch latency.
        "polling_interval": env_int("GLUEWEB_BROKER_POLL_MS", 20, minimum=1) / 1000,
    }
    # Workers are other processes: the event pump reads their stored events and
    # hands them to this web process's event hub directly (glueweb/live/); the
    # in-memory layer carries only what the web process itself publishes.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Several installations may share one Redis: each names its own queue.
CELERY_TASK_DEFAULT_QUEUE = env_str("GLUEWEB_QUEUE", "glueweb")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes a task's database connection before and after every task unless this is
# set; reconnecting to PostgreSQL costs several ms per task (a third of the live-event
# latency). Connections are kept, and glueweb/workers.py drops broken or old ones
# before each task as Django does between requests.
CELERY_DB_REUSE_MAX = 1000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# A worker counts as alive while its heartbeat is younger than this.
WORKER_HEARTBEAT_SECONDS = env_int("GLUEWEB_WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
WORKER_STALE_SECONDS = 3 * WORKER_HEARTBEAT_SECONDS

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("GLUEWEB_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client that is not signed in is answered 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["glueweb.roles.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "glueweb.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "glueweb API",
    "DESCRIPTION": "Data catalog, crawlers, ETL jobs and runs.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI's assets come from the sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Job runs, node runs, crawlers and crawler runs each have a `state` with its own choices.
    "ENUM_NAME_OVERRIDES": {
        "RunStateEnum": "jobs.models.JobRun.State",
        "NodeRunStateEnum": "jobs.models.NodeRun.State",
        "CrawlerStateEnum": "crawlers.models.CrawlerState",
        "CrawlerRunStateEnum": "crawlers.models.CrawlerRunState",
    },
}

# --- Static files and the single-page app -------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = GLUEWEB_HOME / "static"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
# Serve straight from the finders: no collectstatic step in `make run`.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GLUEWEB_LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
