"""Settings for the test suite: the real PostgreSQL, Redis and RabbitMQ, a separate Redis db."""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES

DEBUG = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
CACHES["default"]["KEY_PREFIX"] = "mcp_payments_test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_RATE_LIMIT_PER_MINUTE = 100_000
LOG_LEVEL = "WARNING"
