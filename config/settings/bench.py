"""Benchmark settings (bench/lookup.py): production serving (DEBUG off, cached templates, WhiteNoise
manifest storage) with fixed throw-away keys — the benchmark population is synthetic — and two changes
the benchmark prints in its output:

* the anti-bot check accepts the fixed token LOOKUP_ANTIBOT_BYPASS_TOKEN (a load generator cannot solve a
  proof-of-work per request without measuring its own CPU instead of the server's);
* rate limits are raised out of reach (every request comes from 127.0.0.1).

The bypass is honoured only when DJANGO_SETTINGS_MODULE is config.settings.bench (bansos.lookup.antibot).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("BANSOS_FIELD_KEYS", "b1:YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=")
os.environ.setdefault("BANSOS_BLIND_INDEX_KEY", "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMzJiISE=")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")  # plain HTTP on loopback

from .production import *  # noqa: F403

LOOKUP_ANTIBOT_BYPASS_TOKEN = "bench-bypass-token"  # noqa: S105 — see the module docstring
LOOKUP_RATE_PER_IP = (10**9, 60)
LOOKUP_RATE_PER_NIK = (10**9, 60)
LOOKUP_RATE_CHALLENGES_PER_IP = (10**9, 60)
