"""Settings for the test suite: the real PostgreSQL, Redis and RabbitMQ.

The cache lives in its own Redis database, since tests clear it between runs.
"""

import os
import uuid

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, LOGGING
from .env import env_str

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Parallel test runs on one machine (several developers' checkouts) each need their own database.
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_mcp_payments")}
CACHES["default"]["KEY_PREFIX"] = "mcp_payments_test"
CACHES["default"]["LOCATION"] = env_str("TEST_CACHE_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_RATE_LIMIT_PER_MINUTE = 100_000
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["mcp_payments.access"]["level"] = "WARNING"
# The sandbox provider's records (in Redis) are this test run's own; processes the tests start
# (servers, workers) inherit the prefix through the environment.
SANDBOX_KEY_PREFIX = os.environ.setdefault(
    "SANDBOX_KEY_PREFIX", f"sandbox-test-{uuid.uuid4().hex[:12]}"
)
SANDBOX_RECORD_TTL_SECONDS = 3600
# The channel layer's Redis keys (and pub/sub channels) are this test run's own; the servers and
# consumers the tests start inherit the prefix through the environment.
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = os.environ.setdefault(  # noqa: F405
    "CHANNEL_LAYER_PREFIX", f"asgi-test-{uuid.uuid4().hex[:12]}"
)
# Static files straight from the apps (no collectstatic before a test run); servers the tests
# start inherit it through the environment.
SERVESTATIC_USE_FINDERS = os.environ.setdefault("SERVESTATIC_USE_FINDERS", "1") == "1"
SERVESTATIC_AUTOREFRESH = SERVESTATIC_USE_FINDERS
# Tests revoke and edit keys from the test process while servers they started serve them: no
# per-process key cache unless a test turns it on (tests/unit/accounts/test_api_key_cache.py).
API_KEY_CACHE_SECONDS = int(os.environ.setdefault("API_KEY_CACHE_MS", "0")) / 1000
