"""Settings shared by every environment. Everything that differs between machines comes from the
environment (12-factor); see docs/configuration.md for the variables."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("BANSOS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "bansos.core",
    "bansos.regions",
    "bansos.accounts",
    "bansos.registry",
    "bansos.programs",
    "bansos.lookup",
    "bansos.cases",
    "bansos.notices",
    "bansos.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bansos" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://user@host:5432/name or sqlite:///path). The embedded default is
# SQLite under var/. PostgreSQL connections use psycopg's pool when DATABASE_POOL=true.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bansos.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Cache: REDIS_URL switches the cache to Redis (shared by every app server); local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Outgoing messages. E-mail through Django's backends (console by default; set EMAIL_BACKEND/EMAIL_HOST in
# production); SMS through bansos.core.sms (console, file or a provider's class).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "").lower() in {"1", "true", "yes", "on"}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bansos <noreply@bansos.local>")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "bansos.core.sms.ConsoleBackend")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))

# Background work (Django's Tasks API, django-tasks backport). Production: tasks stored in the database and
# run by `bansos db_worker` processes. TASKS_BACKEND=immediate runs them in the enqueuing process (demo).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[os.environ.get("TASKS_BACKEND", "database")]}}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "bansos" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Protected identifiers (NIK, KK). BANSOS_FIELD_KEYS: comma-separated "id:base64key" pairs, the first
# encrypts, all decrypt (rotation). BANSOS_BLIND_INDEX_KEY: base64 key for the keyed hash used for lookup.
BANSOS_FIELD_KEYS = os.environ.get("BANSOS_FIELD_KEYS", "")
BANSOS_BLIND_INDEX_KEY = os.environ.get("BANSOS_BLIND_INDEX_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_identifiers": {"()": "bansos.core.logging.RedactIdentifiersFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_identifiers"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Casework (bansos.cases): uploads live outside the web root and are served only to authorised officers.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("BANSOS_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
CASES_UPLOAD_MAX_BYTES = int(os.environ.get("BANSOS_UPLOAD_MAX_BYTES", str(5_000_000)))
OBJECTION_DECISION_DAYS = 14
CASES_CONTACT_RATE_PER_IP = (10, 3600)  # public contact form posts per client address and window (s)
# Absolute address used in links sent by e-mail/SMS.
SITE_URL = os.environ.get("BANSOS_SITE_URL", "http://127.0.0.1:8000")

# Announcements, subscriptions and their delivery (bansos.notices; docs/adr/0008-notices-and-fanout.md).
NOTICES_BATCH_SIZE = int(os.environ.get("BANSOS_NOTICES_BATCH_SIZE", "1000"))  # recipients per task
NOTICES_MAX_ATTEMPTS = int(os.environ.get("BANSOS_NOTICES_MAX_ATTEMPTS", "4"))  # per delivery
NOTICES_RETRY_SECONDS = 60  # first retry after; doubles each attempt (when the task backend can defer)
NOTICES_PUSH_TTL = 86400  # seconds a push service keeps an undelivered push
NOTICES_SUBSCRIBE_RATE_PER_IP = (10, 3600)  # public subscription posts per client address and window (s)
# Channel name -> class (bansos.notices.channels); "inbox" needs NOTICES_INBOX_DELIVER (accounts).
NOTICES_CHANNELS = {
    "email": "bansos.notices.channels.EmailChannel",
    "sms": "bansos.notices.channels.SmsChannel",
    "push": "bansos.notices.channels.PushChannel",
    "inbox": "bansos.notices.channels.InboxChannel",
}
NOTICES_INBOX_DELIVER = os.environ.get("BANSOS_NOTICES_INBOX_DELIVER", "")
VAPID_PUBLIC_KEY = os.environ.get("BANSOS_VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("BANSOS_VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("BANSOS_VAPID_SUBJECT", "mailto:admin@bansos.local")
# Contact and help page (/bantuan/).
HELP_HOTLINE = os.environ.get("BANSOS_HELP_HOTLINE", "171")
HELP_EMAIL = os.environ.get("BANSOS_HELP_EMAIL", "")
# Public statistics (bansos.stats): cells below STATS_MIN_CELL households are suppressed.
STATS_MIN_CELL = int(os.environ.get("BANSOS_STATS_MIN_CELL", "10"))
STATS_CACHE_SECONDS = int(os.environ.get("BANSOS_STATS_CACHE_SECONDS", "900"))
STATS_LICENCE = os.environ.get(
    "BANSOS_STATS_LICENCE", "Creative Commons Attribution 4.0 International (CC BY 4.0)"
)
