"""Settings shared by every environment. Every value can be set from the environment
(`.env.example` documents each one)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-secret-key-change-me-0123456789abcdef")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Only behind a reverse proxy that sets X-Forwarded-For itself (ops/nginx does).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt",
    "drf_spectacular",
    "django_prometheus",
    "django_celery_beat",
    "django_celery_results",
    "mcp_payments.api",
    "mcp_payments.accounts",
    "mcp_payments.events",
    "mcp_payments.audit",
    "mcp_payments.monitoring",
    "compliance",
    "wallets",
    "payments",
    "payments.billing",
    "analytics",
    "notifications",
    "realtime",
    "mcp_payments.agents",
    "mcp_payments.mcp",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "mcp_payments.api.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mcp_payments.urls"
WSGI_APPLICATION = "mcp_payments.wsgi.application"
ASGI_APPLICATION = "mcp_payments.asgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mcp_payments" / "templates"],
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcp_payments"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "mcp_payments",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mcp_payments.accounts.authentication.ApiKeyAuthentication",
        "mcp_payments.accounts.authentication.MerchantJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mcp_payments.accounts.permissions.IsAuthenticatedActor"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mcp_payments.api.parsers.StrictJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["mcp_payments.api.throttling.ActorRateThrottle"],
    "EXCEPTION_HANDLER": "mcp_payments.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "mcp_payments.api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

# Requests per minute for one API key or one dashboard user.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 6000)
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
# How long a process reuses an API key it read (mcp_payments.accounts.selectors): a key revoked
# elsewhere fails here within this time (API.md: within 1 s). 0 reads the key on every request.
API_KEY_CACHE_SECONDS = env_int("API_KEY_CACHE_MS", 500) / 1000
# An in-progress idempotency record older than this belongs to a crashed request.
IDEMPOTENCY_LOCK_TIMEOUT_SECONDS = env_int("IDEMPOTENCY_LOCK_TIMEOUT_SECONDS", 60)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
    "UPDATE_LAST_LOGIN": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MCP Payments API",
    "DESCRIPTION": "Payments, wallets, ledger and agent-safe operations. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The document states what the server enforces (issue #12): mcp_payments/api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mcp_payments.api.schema.tighten_schema",
    ],
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "monitoring"
CELERY_TASK_ROUTES = {
    "payments.tasks.*": {"queue": "payments"},
    "wallets.tasks.*": {"queue": "payments"},
    "analytics.tasks.*": {"queue": "analytics"},
    "compliance.tasks.*": {"queue": "compliance"},
    "notifications.tasks.*": {"queue": "notifications"},
    "mcp_payments.monitoring.tasks.*": {"queue": "monitoring"},
    "mcp_payments.api.tasks.*": {"queue": "monitoring"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Defined in code; the DatabaseScheduler copies these into the database at beat start, where the
# admin can edit them (django-celery-beat's periodic tasks).
CELERY_BEAT_SCHEDULE = {
    "purge-expired-idempotency-keys": {
        "task": "mcp_payments.api.tasks.purge_expired_idempotency_keys",
        "schedule": 3600.0,
    },
    "seal-audit-log": {"task": "compliance.tasks.seal_audit_log", "schedule": 10.0},
    "verify-audit-log": {"task": "compliance.tasks.verify_audit_log", "schedule": 86400.0},
    "expire-transfer-holds": {"task": "wallets.tasks.expire_holds", "schedule": 30.0},
    "reconcile-processing-payments": {
        "task": "payments.tasks.reconcile_processing",
        "schedule": 30.0,
    },
    "expire-authorizations": {"task": "payments.tasks.expire_authorizations", "schedule": 3600.0},
    "settle-balances": {"task": "payments.tasks.settle_balances", "schedule": 300.0},
    "daily-settlement-report": {
        "task": "payments.tasks.daily_settlement_report",
        "schedule": crontab(hour=2, minute=0),
    },
    # Risk engine (issue 17): weekly model retraining, daily data retention.
    "train-risk-model": {
        "task": "compliance.tasks.train_risk_model",
        "schedule": crontab(hour=3, minute=30, day_of_week=1),
    },
    "data-retention": {
        "task": "compliance.tasks.data_retention",
        "schedule": crontab(hour=3, minute=0),
    },
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- Payments ---
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "payments.providers.sandbox.SandboxProvider")
PROVIDER_TIMEOUT_SECONDS = env_int("PROVIDER_TIMEOUT_SECONDS", 10)
SANDBOX_PROVIDER_REDIS_URL = env_str("SANDBOX_PROVIDER_REDIS_URL", REDIS_URL)
SANDBOX_LATENCY_MS = env_int("SANDBOX_LATENCY_MS", 0)
SANDBOX_KEY_PREFIX = env_str("SANDBOX_KEY_PREFIX", "sandbox")
SANDBOX_RECORD_TTL_SECONDS = env_int("SANDBOX_RECORD_TTL_SECONDS", 90 * 24 * 3600)
# Sandbox disputes for tok_createDispute open this long after capture (a Celery countdown).
SANDBOX_DISPUTE_DELAY_SECONDS = env_int("SANDBOX_DISPUTE_DELAY_SECONDS", 5)
AUTHORIZATION_EXPIRY_SECONDS = env_int("AUTHORIZATION_EXPIRY_SECONDS", 7 * 24 * 3600)
# A payment still `processing` after this long is asked about by reconciliation.
RECONCILE_AFTER_SECONDS = env_int("RECONCILE_AFTER_SECONDS", 30)
DEFAULT_CARD_FEE_BPS = env_int("DEFAULT_CARD_FEE_BPS", 290)
DEFAULT_CARD_FEE_FIXED = env_int("DEFAULT_CARD_FEE_FIXED", 30)
DEFAULT_DISPUTE_FEE = env_int("DEFAULT_DISPUTE_FEE", 1500)
DEFAULT_SETTLEMENT_DELAY_SECONDS = env_int("DEFAULT_SETTLEMENT_DELAY_SECONDS", 2 * 24 * 3600)
RISK_REVIEW_SCORE = env_int("RISK_REVIEW_SCORE", 50)
RISK_BLOCK_SCORE = env_int("RISK_BLOCK_SCORE", 75)

# --- Risk engine: KYC limits and data retention (issue 17; docs/risk.md) ---
# Largest single payment or payout (minor units) per customer KYC state; None: no limit.
KYC_LIMITS = {
    "unverified": env_int("KYC_LIMIT_UNVERIFIED", 10_000_000),
    "pending": env_int("KYC_LIMIT_PENDING", 50_000_000),
    "verified": None,
    "rejected": 0,
}
DATA_RETENTION_DEFAULT_DAYS = env_int("DATA_RETENTION_DEFAULT_DAYS", 730)
# --- Billing (BILLING.md, docs/billing.md) ---
# Drafts finalize this long after creation (Stripe: 1 h); under a test clock at once.
BILLING_FINALIZE_DELAY_SECONDS = env_int("BILLING_FINALIZE_DELAY_SECONDS", 3600)
# invoice.upcoming and subscription.trial_will_end this many days ahead.
BILLING_NOTICE_DAYS = env_int("BILLING_NOTICE_DAYS", 3)
# Run a test clock's advance in the request instead of the Celery task (tests only).
BILLING_TEST_CLOCK_INLINE = env_bool("BILLING_TEST_CLOCK_INLINE", False)
# The Celery queue a test clock's advance is sent to (tests use a queue of their own).
BILLING_TASK_QUEUE = env_str("BILLING_TASK_QUEUE", "payments")
CELERY_TASK_ROUTES["payments.billing.tasks.*"] = {"queue": "payments"}
CELERY_BEAT_SCHEDULE["billing-run-due"] = {
    "task": "payments.billing.tasks.run_due",
    "schedule": 60.0,
}

# --- Ledger and wallets ---
TRANSFER_HOLD_DEFAULT_SECONDS = env_int("TRANSFER_HOLD_DEFAULT_SECONDS", 7 * 24 * 3600)
TRANSFER_HOLD_MAX_SECONDS = env_int("TRANSFER_HOLD_MAX_SECONDS", 30 * 24 * 3600)
TRANSFER_BATCH_MAX = 1000

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "mcp_payments.api.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "mcp_payments.access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
    },
}

ADMIN_SITE_HEADER = "MCP Payments back office"

# --- Events backbone ---
# Outbox relay, RabbitMQ topology, subscribers, retries and dead letters (docs/events.md).
EVENTS_BROKER_URL = env_str("EVENTS_BROKER_URL", CELERY_BROKER_URL)
EVENTS_EXCHANGE = env_str("EVENTS_EXCHANGE", "mcp_payments.events")
EVENTS_DEAD_LETTER_EXCHANGE = env_str("EVENTS_DEAD_LETTER_EXCHANGE", "mcp_payments.dlx")
# Prepended to every subscriber queue name; tests and benchmarks use a unique one.
EVENTS_QUEUE_PREFIX = env_str("EVENTS_QUEUE_PREFIX", "")
EVENTS_RELAY_BATCH_SIZE = env_int("EVENTS_RELAY_BATCH_SIZE", 500)
# The relay sweeps at least this often even when no NOTIFY arrives.
EVENTS_RELAY_POLL_MS = env_int("EVENTS_RELAY_POLL_MS", 1000)
# Fault-test hook only: sleep after publishing a batch and before marking it published.
EVENTS_RELAY_PAUSE_BEFORE_MARK_MS = env_int("EVENTS_RELAY_PAUSE_BEFORE_MARK_MS", 0)
EVENTS_CONSUMER_PREFETCH = env_int("EVENTS_CONSUMER_PREFETCH", 50)
# Messages already waiting are processed together, in one transaction, up to this many.
EVENTS_CONSUMER_BATCH_SIZE = env_int("EVENTS_CONSUMER_BATCH_SIZE", 50)
# Deliveries of one message to a failing subscriber before it is dead-lettered.
EVENTS_MAX_ATTEMPTS = env_int("EVENTS_MAX_ATTEMPTS", 5)
# Wait before attempt 2, 3, ...; the last value repeats.
EVENTS_RETRY_DELAYS_MS = [
    int(value) for value in env_list("EVENTS_RETRY_DELAYS_MS", ["1000", "5000", "30000", "120000"])
]
# Extra modules registering subscribers, besides every app's `subscribers.py` (tests use it).
EVENTS_SUBSCRIBER_MODULES = env_list("EVENTS_SUBSCRIBER_MODULES", [])
EVENTS_PROCESSED_RETENTION_DAYS = env_int("EVENTS_PROCESSED_RETENTION_DAYS", 30)
# /health/ready fails when the oldest unpublished event is older than this.
READY_OUTBOX_MAX_LAG_SECONDS = env_int("READY_OUTBOX_MAX_LAG_SECONDS", 60)
# /health/ready fails without a live Celery worker only when this is set.
READY_REQUIRE_WORKERS = env_bool("READY_REQUIRE_WORKERS", False)
MONITORING_QUEUE_DEPTH_ALERT = env_int("MONITORING_QUEUE_DEPTH_ALERT", 10_000)
MONITORING_DLQ_ALERT = env_int("MONITORING_DLQ_ALERT", 1)
MONITORING_OUTBOX_LAG_ALERT_SECONDS = env_int("MONITORING_OUTBOX_LAG_ALERT_SECONDS", 60)
# One system alert per kind and subject within this window.
MONITORING_ALERT_COOLDOWN_SECONDS = env_int("MONITORING_ALERT_COOLDOWN_SECONDS", 900)
# AML: a payment at or above this (minor units) opens an alert; per-currency overrides below.
AML_LARGE_TRANSACTION_THRESHOLD = env_int("AML_LARGE_TRANSACTION_THRESHOLD", 1_000_000)
AML_LARGE_TRANSACTION_THRESHOLDS = {"jpy": 1_500_000}
AML_STRUCTURING_MIN_PAYMENTS = env_int("AML_STRUCTURING_MIN_PAYMENTS", 3)
CELERY_TASK_ROUTES["mcp_payments.events.tasks.*"] = {"queue": "monitoring"}
CELERY_BEAT_SCHEDULE.update(
    {
        "sweep-outbox": {"task": "mcp_payments.events.tasks.sweep_outbox", "schedule": 5.0},
        "purge-processed-events": {
            "task": "mcp_payments.events.tasks.purge_processed_events",
            "schedule": 86400.0,
        },
        "monitoring-heartbeat": {
            "task": "mcp_payments.monitoring.tasks.heartbeat",
            "schedule": 10.0,
        },
        "check-thresholds": {
            "task": "mcp_payments.monitoring.tasks.check_thresholds",
            "schedule": 30.0,
        },
        "verify-live-counters": {
            "task": "analytics.tasks.verify_live_counters",
            "schedule": 86400.0,
        },
    }
)

# --- Notifications ---
# Webhooks (API.md §5), email, SMS and in-app notifications (notifications/, docs/api.md).
# SMTP (Django's email framework).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MCP Payments <no-reply@mcp-payments.local>")
# The Celery queue of notifications jobs (deliveries, email, SMS); tests use one of their own.
NOTIFICATIONS_QUEUE = env_str("NOTIFICATIONS_QUEUE", "notifications")
# SMS: "console" (logs, number masked) or "http" (Twilio-style REST API).
SMS_PROVIDER = env_str("SMS_PROVIDER", "console")
SMS_HTTP_BASE_URL = env_str("SMS_HTTP_BASE_URL", "https://api.twilio.com/2010-04-01")
SMS_ACCOUNT_SID = env_str("SMS_ACCOUNT_SID", "")
SMS_AUTH_TOKEN = env_str("SMS_AUTH_TOKEN", "")
SMS_FROM = env_str("SMS_FROM", "")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10)
# Webhook deliveries: one deadline per attempt (connect + response), retries with exponential
# backoff (base x 2^n, capped) for the window, then the endpoint is disabled.
WEBHOOK_TIMEOUT_SECONDS = float(env_str("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)
WEBHOOK_RETRY_WINDOW_SECONDS = env_int("WEBHOOK_RETRY_WINDOW_SECONDS", 3 * 24 * 3600)
# A queued attempt is queued again by the sweep when its task has not run within this lease.
WEBHOOK_DISPATCH_LEASE_SECONDS = env_int("WEBHOOK_DISPATCH_LEASE_SECONDS", 900)
# Circuit breaker: after this many consecutive failures, one probe per interval.
WEBHOOK_CIRCUIT_FAILURE_THRESHOLD = env_int("WEBHOOK_CIRCUIT_FAILURE_THRESHOLD", 20)
WEBHOOK_CIRCUIT_PROBE_SECONDS = env_int("WEBHOOK_CIRCUIT_PROBE_SECONDS", 300)
# How long the previous secret keeps signing after a rotation.
WEBHOOK_SECRET_ROTATION_SECONDS = env_int("WEBHOOK_SECRET_ROTATION_SECONDS", 24 * 3600)
# Keys encrypting webhook secrets at rest: url-safe base64 of 32 bytes, comma-separated; the
# first encrypts, all decrypt. Empty: derived from SECRET_KEY.
WEBHOOK_SECRET_KEYS = env_list("WEBHOOK_SECRET_KEYS", [])
# payment.failed notifies merchant users from this amount (minor units) up.
NOTIFY_PAYMENT_FAILED_MIN_AMOUNT = env_int("NOTIFY_PAYMENT_FAILED_MIN_AMOUNT", 100_000)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "WebhookEndpointStatusEnum": ["enabled", "disabled"],
        "WebhookDeliveryStatusEnum": ["pending", "succeeded", "failed"],
    }
)
# --- Channels isolated (issue #12): webhooks, email and SMS each on a Celery queue of its own, so
# a failing channel (an SMTP server that never answers) never delays another; `make run` gives the
# webhook queue a dedicated worker. The dispatch sweep runs on the webhook queue as well.
WEBHOOKS_QUEUE = env_str("WEBHOOKS_QUEUE", "webhooks")
EMAIL_QUEUE = env_str("EMAIL_QUEUE", "email")
SMS_QUEUE = env_str("SMS_QUEUE", "sms")
CELERY_TASK_ROUTES["notifications.tasks.deliver_webhook"] = {"queue": WEBHOOKS_QUEUE}
CELERY_TASK_ROUTES["notifications.tasks.dispatch_due_deliveries"] = {"queue": WEBHOOKS_QUEUE}
CELERY_TASK_ROUTES["notifications.tasks.send_email"] = {"queue": EMAIL_QUEUE}
CELERY_TASK_ROUTES["notifications.tasks.send_sms"] = {"queue": SMS_QUEUE}
# Email retries: bounded, exponential from 30 s to 1 h, jittered (Celery's retry_backoff).
EMAIL_MAX_RETRIES = env_int("EMAIL_MAX_RETRIES", 8)
CELERY_BEAT_SCHEDULE["dispatch-webhook-deliveries"] = {
    "task": "notifications.tasks.dispatch_due_deliveries",
    "schedule": 5.0,
    "options": {"queue": WEBHOOKS_QUEUE},
}

# --- MCP ---
# The MCP server (/mcp and `manage.py mcp_stdio`, docs/mcp.md) and its agent-safety layer.
# The public URL of /mcp: the protected-resource metadata names it, and clients use it.
MCP_RESOURCE_URL = env_str("MCP_RESOURCE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}/mcp")
# The OAuth authorization server the protected-resource metadata names, when one is deployed in
# front of /mcp. Empty (the default): bearer tokens are API keys or the dashboard's JWTs from
# POST /api/v1/auth/token, the metadata names no authorization server (RFC 9728 makes it
# optional), and a client told 401 reports an invalid key instead of starting an OAuth flow.
MCP_AUTHORIZATION_SERVER_URL = env_str("MCP_AUTHORIZATION_SERVER_URL")
# A write tool called without idempotency_key derives one from (key, tool, arguments) within
# a window of this many seconds (aligned to the epoch): identical retries inside it run once.
MCP_IDEMPOTENCY_WINDOW_SECONDS = env_int("MCP_IDEMPOTENCY_WINDOW_SECONDS", 3600)
# Threads running MCP's ORM work in an ASGI process (one database connection each at most).
MCP_WORKER_THREADS = env_int("MCP_WORKER_THREADS", 8)

# --- Realtime ---
# WebSockets /ws/* (realtime/, docs/api.md "WebSockets"): Channels over Redis. The broadcast
# subscriber (`manage.py events_consume --domain realtime`) sends each event to its groups.
# "core" is channels_redis' RedisChannelLayer (one Redis list entry per socket per message);
# "pubsub" is its RedisPubSubChannelLayer (one PUBLISH per group; the server fans out locally).
CHANNEL_LAYER_REDIS_URL = env_str("CHANNEL_LAYER_REDIS_URL", REDIS_URL)
CHANNEL_LAYER_PREFIX = env_str("CHANNEL_LAYER_PREFIX", "asgi")
CHANNEL_LAYER_KIND = env_str("CHANNEL_LAYER_KIND", "core")
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [CHANNEL_LAYER_REDIS_URL], "prefix": CHANNEL_LAYER_PREFIX},
        }
        if CHANNEL_LAYER_KIND == "pubsub"
        else {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [CHANNEL_LAYER_REDIS_URL],
                "prefix": CHANNEL_LAYER_PREFIX,
                # Messages waiting per socket in Redis; beyond it a group_send skips the socket.
                "capacity": env_int("CHANNEL_LAYER_CAPACITY", 500),
                "expiry": 60,
            },
        }
    )
}
# An application-level {"type": "ping"} to every socket this often.
REALTIME_HEARTBEAT_SECONDS = env_int("REALTIME_HEARTBEAT_SECONDS", 20)
# Messages waiting to be written to one socket; a socket this far behind is closed (4008).
REALTIME_SEND_QUEUE_SIZE = env_int("REALTIME_SEND_QUEUE_SIZE", 1000)
# /ws/dashboard sends at most one delta per socket per this interval (coalesced).
REALTIME_DASHBOARD_INTERVAL_MS = env_int("REALTIME_DASHBOARD_INTERVAL_MS", 500)
# ... and a fresh snapshot this often while events arrive (corrects any drift).
REALTIME_DASHBOARD_RESYNC_SECONDS = env_int("REALTIME_DASHBOARD_RESYNC_SECONDS", 60)
# Resume: how far back, and at most how many events one resume replays.
REALTIME_RESUME_WINDOW_HOURS = env_int("REALTIME_RESUME_WINDOW_HOURS", 24)
REALTIME_RESUME_MAX_EVENTS = env_int("REALTIME_RESUME_MAX_EVENTS", 10_000)
# uvicorn logs a WebSocket's path with its query string: `?token=` values are redacted.
LOGGING["filters"]["redact_query_tokens"] = {"()": "realtime.redaction.RedactQueryTokens"}
LOGGING["loggers"]["uvicorn.error"] = {"filters": ["redact_query_tokens"]}

# --- Agent safety (issue #11) ---
# A pending agent approval nobody decided becomes `expired` after this long.
AGENT_APPROVAL_TTL_SECONDS = env_int("AGENT_APPROVAL_TTL_SECONDS", 24 * 3600)
# Open WebSockets' credentials are re-checked this often (revoked/expired → close 4401).
REALTIME_AUTH_RECHECK_SECONDS = env_int("REALTIME_AUTH_RECHECK_SECONDS", 2)
# --- Analytics, reports and regulatory reports (issue #16) ---
# Links in emails (signed report downloads) start with this.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
REPORT_SYNC_MAX_ROWS = env_int("REPORT_SYNC_MAX_ROWS", 1000)
REPORT_SYNC_TIMEOUT_MS = env_int("REPORT_SYNC_TIMEOUT_MS", 5000)
REPORT_ASYNC_TIMEOUT_MS = env_int("REPORT_ASYNC_TIMEOUT_MS", 120_000)
REPORT_RESULT_DAYS = env_int("REPORT_RESULT_DAYS", 7)
CELERY_BEAT_SCHEDULE.update(
    {
        "reconcile-analytics-rollups": {
            "task": "analytics.tasks.reconcile_rollups",
            "schedule": crontab(hour=3, minute=15),
        },
        "run-due-reports": {"task": "analytics.tasks.run_due_reports", "schedule": 60.0},
        "compliance-scheduled-reports": {
            "task": "compliance.tasks.generate_scheduled_reports",
            "schedule": crontab(hour=4, minute=0),
        },
    }
)
# --- Back office, static files and staff security ---
# The admin (django-unfold theme) is the back office (mcp_payments/backoffice/, docs/backoffice.md).
# Static files are served by the application itself (ServeStatic, through a middleware that is
# sync under gunicorn and async under uvicorn: mcp_payments/backoffice/static.py);
# `make run` and deployments run `collectstatic` into STATIC_ROOT first.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "mcp_payments.backoffice.apps.BackOfficeAdminConfig"
)
INSTALLED_APPS[0:0] = ["unfold.apps.BasicAppConfig", "unfold.contrib.filters"]
INSTALLED_APPS += [
    "mcp_payments.backoffice",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "mcp_payments.backoffice.static.StaticFilesMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Without collected files (tests, a fresh checkout), serve straight from the apps' static dirs.
SERVESTATIC_USE_FINDERS = env_bool("SERVESTATIC_USE_FINDERS", False)
SERVESTATIC_AUTOREFRESH = SERVESTATIC_USE_FINDERS
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)
# Where `GET /` sends a visitor: the React dashboard (mcp_payments/dashboard.py); the landing
# page stays at /welcome/.
HOME_URL = env_str("HOME_URL", "/dashboard/")
# django-axes: staff (and dashboard) logins locked after this many failures per username + IP,
# on /admin/ and POST /api/v1/auth/token alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "mcp_payments.backoffice.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "mcp_payments.api.middleware.client_ip"
# TOTP second factor (django-otp) for platform staff on /admin/ and POST /api/v1/auth/token.
# On in production settings and under `make run`; `manage.py staff_otp <user>` enrols/prints.
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", False)
OTP_TOTP_ISSUER = "MCP Payments"
UNFOLD = {
    "SITE_TITLE": "MCP Payments",
    "SITE_HEADER": "MCP Payments back office",
    "SITE_SUBHEADER": "Payments console",
    "SITE_URL": "/",
    "SITE_SYMBOL": "payments",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "BORDER_RADIUS": "6px",
    "SIDEBAR": {"show_search": True, "show_all_applications": True},
    "STYLES": [lambda request: "/" + STATIC_URL + "backoffice/admin.css"],
}
