"""gunicorn settings for the WSGI processes (REST API, admin, health, metrics).

    gunicorn -c ops/gunicorn.conf.py mcp_payments.wsgi

Sync workers with persistent database connections (DB_CONN_MAX_AGE) measured fastest for this
app (DESIGN.md, "Serving"). Every value can be overridden from the environment.
"""

import json
import multiprocessing
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return value in {"1", "true", "yes", "on"} if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "sync"
workers = _env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count())
# Load the app (Django setup: every app, model and URLconf import, ~3 s of CPU here) once in the
# master, before it listens, and fork ready workers from it. Without it each worker imports the
# app itself after the master has started listening: with 4 workers on 2 cores the first requests
# queued ~7 s in the backlog (a p95 of seconds in the benchmark's first run), and a worker that
# max_requests recycles or that the timeout replaces makes its share of requests wait ~3 s again.
# The master opens no database, Redis or broker connection while loading (they are lazy), so no
# socket is shared across the fork. A code deploy needs a restart, not a HUP.
preload_app = _env_bool("GUNICORN_PRELOAD", True)
# A request running longer is killed and its worker replaced (its transaction rolls back).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow without bound; jitter avoids a herd.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Only the local reverse proxy may set X-Forwarded-Proto (ops/nginx/mcp_payments.conf).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Errors to stderr (journald); the app itself logs JSON with a request id.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The app already writes one JSON access line per request (logger "mcp_payments.access", with
# the request id). gunicorn's own access log is off unless GUNICORN_ACCESS_LOG is set ("-" for
# stderr, or a path); it then writes one JSON object per request. No query strings: they can
# carry tokens (WebSocket ?token=) and must not reach logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "request_id": "%({request-id}o)s",
        "user_agent": "%(a)s",
    }
)
