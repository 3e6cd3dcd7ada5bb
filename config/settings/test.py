"""Tests: fixed throw-away keys, fast hashing, local-memory cache. DATABASE_URL picks PostgreSQL."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Test-only keys (32 random bytes each, base64); never used outside the test suite.
BANSOS_FIELD_KEYS = "t1:dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZyEhISE="
BANSOS_BLIND_INDEX_KEY = "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMhISE="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "bansos.core.sms.LocmemBackend"
# Tasks run where they are enqueued (on commit: use django_capture_on_commit_callbacks(execute=True)).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
# Lookup anti-bot: tiny proof-of-work so tests solve challenges instantly.
ALTCHA_COST = 1
ALTCHA_MAX_COUNTER = 20
# Lookup: no per-process metadata cache, so tests see the programs and periods they create at once.
LOOKUP_METADATA_CACHE_SECONDS = 0
# No persistent connections in tests: the live server's request threads would keep theirs open (flaky
# browser tests on PostgreSQL with the production default of 600 s).
for _database in DATABASES.values():  # noqa: F405
    _database["CONN_MAX_AGE"] = 0
