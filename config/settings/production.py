"""Production: every secret from the environment, refuse to start without them. Served by `bansos serve`
(gunicorn) behind a TLS-terminating proxy; static files by WhiteNoise from a compressed manifest."""

import copy
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BANSOS_BLIND_INDEX_KEY, BANSOS_FIELD_KEYS, SECRET_KEY, TEMPLATES, env_bool, os

for _name, _value in {
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "BANSOS_FIELD_KEYS": BANSOS_FIELD_KEYS,
    "BANSOS_BLIND_INDEX_KEY": BANSOS_BLIND_INDEX_KEY,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in the environment")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: the proxy redirects plain HTTP (DJANGO_SSL_REDIRECT=true makes Django do it too); HSTS for a year
# once cookies are secure (DJANGO_HSTS_SECONDS overrides, 0 disables).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Static files: WhiteNoise serves the output of collectstatic (hashed names, gzip/brotli, far-future cache
# headers) from the manifest; `bansos serve` runs collectstatic before starting.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False

# Templates compiled once per process (the cached loader, explicitly: APP_DIRS is replaced by the loaders).
_engine: dict[str, Any] = copy.deepcopy(TEMPLATES[0])
_engine["APP_DIRS"] = False
_engine["OPTIONS"] = {
    **_engine["OPTIONS"],
    "loaders": [
        (
            "django.template.loaders.cached.Loader",
            ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
        )
    ],
}
TEMPLATES = [_engine, *TEMPLATES[1:]]
