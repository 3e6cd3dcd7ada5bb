"""Settings shared by every environment. Everything that differs between machines comes from the
environment (12-factor); see docs/configuration.md for the variables."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from bansos.core.dbrouting import databases_from_env

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
    "bansos.linkage",
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
# SQLite under var/. PostgreSQL connections are kept for DATABASE_CONN_MAX_AGE (600 s) or pooled by psycopg
# with DATABASE_POOL=true; DATABASE_REPLICA_URL adds a read replica for the public check
# (bansos/core/dbrouting.py).
DATABASES = databases_from_env(os.environ, f"sqlite:///{VAR_DIR / 'bansos.sqlite3'}")
DATABASE_ROUTERS = ["bansos.core.dbrouting.ReplicaRouter"]

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

# Citizen accounts (bansos.accounts): sign-in by phone or e-mail, lockout after failed attempts
# (django-axes, attempts in the database), API tokens, registration photos, password reset by SMS code.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "bansos.accounts.backends.LockoutBackend",  # django-axes' check, first
    "bansos.accounts.backends.PhoneOrEmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("bansos.accounts.context_processors.account")  # type: ignore[index]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "bansos.accounts.lockout.cool_off"  # 15 min, doubling while failures go on
AXES_LOCKOUT_CALLABLE = "bansos.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "bansos.accounts.lockout.client_ip"  # REMOTE_ADDR or our proxy's header only
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
ACCOUNTS_PHOTO_MAX_BYTES = int(os.environ.get("BANSOS_PHOTO_MAX_BYTES", str(5_000_000)))
ACCOUNTS_PHOTO_MIN_SIDE = 200  # pixels: a KTP or a face must be readable
ACCOUNTS_RATE_PER_IP = (10, 3600)  # registrations and SMS-code requests per client address and window (s)
ACCOUNTS_RESET_CODE_MINUTES = 10
ACCOUNTS_RESET_CODE_ATTEMPTS = 5
ACCOUNTS_TOKEN_DAYS = 180

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

# Record linkage (bansos.linkage, docs/adr/0007-record-linkage.md): Splink backend ("duckdb" embedded, or
# "spark" for national scale, needs pyspark), default match-probability threshold, DuckDB memory limit
# (empty: DuckDB's default of 80% of RAM) and the minimum name score for cross-checks without a NIK.
LINKAGE_BACKEND = os.environ.get("BANSOS_LINKAGE_BACKEND", "duckdb")
LINKAGE_THRESHOLD = float(os.environ.get("BANSOS_LINKAGE_THRESHOLD", "0.5"))
LINKAGE_DUCKDB_MEMORY = os.environ.get("BANSOS_LINKAGE_DUCKDB_MEMORY", "")
LINKAGE_CROSSCHECK_MIN_SCORE = float(os.environ.get("BANSOS_LINKAGE_CROSSCHECK_MIN_SCORE", "0.9"))
LINKAGE_TRAIN_EM = os.environ.get("BANSOS_LINKAGE_TRAIN_EM", "1") == "1"
# Officer two-factor (bansos.accounts officer login, docs/adr/0009-officer-two-factor.md): TOTP devices with
# backup codes (django-otp); OTPMiddleware marks the session's user as verified after the second factor.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
OTP_TOTP_ISSUER = "Bansos"
OFFICER_LOGIN_URL = "/petugas/masuk/"
OFFICER_PENDING_SECONDS = 300  # time between the password and the code before starting over
OFFICER_BACKUP_CODES = 10
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
NOTICES_INBOX_DELIVER = os.environ.get(
    "BANSOS_NOTICES_INBOX_DELIVER", "bansos.accounts.notifications.inbox_deliver"
)
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
