"""Production: every secret from the environment, refuse to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BANSOS_BLIND_INDEX_KEY, BANSOS_FIELD_KEYS, SECRET_KEY, env_bool

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
SECURE_CONTENT_TYPE_NOSNIFF = True
