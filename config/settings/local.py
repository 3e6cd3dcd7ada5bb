"""Local demo: embedded SQLite, debug on, keys generated once into var/keys.env."""

from bansos.core.keys import ensure_local_keys
from bansos.notices.vapid import ensure_vapid_keys

from .base import *  # noqa: F403
from .base import TASKS_BACKENDS, VAR_DIR, os

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() in {"1", "true", "yes", "on"}
_local = ensure_local_keys(VAR_DIR / "keys.env")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local["DJANGO_SECRET_KEY"]
BANSOS_FIELD_KEYS = os.environ.get("BANSOS_FIELD_KEYS") or _local["BANSOS_FIELD_KEYS"]
BANSOS_BLIND_INDEX_KEY = os.environ.get("BANSOS_BLIND_INDEX_KEY") or _local["BANSOS_BLIND_INDEX_KEY"]
# The demo has no worker process: tasks (e-mail, SMS to the console) run where they are enqueued.
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[os.environ.get("TASKS_BACKEND", "immediate")]}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Web Push (VAPID) keys for the demo, generated once into var/vapid.env (bansos.notices.push).
_vapid = ensure_vapid_keys(VAR_DIR / "vapid.env")
VAPID_PUBLIC_KEY = os.environ.get("BANSOS_VAPID_PUBLIC_KEY") or _vapid["BANSOS_VAPID_PUBLIC_KEY"]
VAPID_PRIVATE_KEY = os.environ.get("BANSOS_VAPID_PRIVATE_KEY") or _vapid["BANSOS_VAPID_PRIVATE_KEY"]
