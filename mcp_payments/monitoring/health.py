"""Readiness checks of the services the platform depends on, each with a short timeout."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from kombu import Connection

from .status import outbox_lag
from .workers import workers_seen

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    latency_ms: float
    error: str | None = None
    detail: dict[str, Any] | None = None


class CheckFailed(Exception):
    """A check that ran but found the dependency unhealthy, with what it measured."""

    def __init__(self, message: str, detail: dict[str, Any]) -> None:
        super().__init__(message)
        self.detail = detail


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def check_rabbitmq() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


def check_outbox() -> dict[str, Any]:
    """Fails when the oldest unpublished event waits longer than READY_OUTBOX_MAX_LAG_SECONDS
    (the relay is down or cannot reach the broker)."""
    lag = outbox_lag()
    detail = {"unpublished": lag.unpublished, "oldest_age_seconds": lag.oldest_age_seconds}
    limit = settings.READY_OUTBOX_MAX_LAG_SECONDS
    if lag.oldest_age_seconds is not None and lag.oldest_age_seconds > limit:
        raise CheckFailed(f"oldest unpublished event is older than {limit} s", detail)
    return detail


def check_workers() -> dict[str, Any]:
    """Reports the Celery workers seen (recorded in Redis); fails without any only if
    READY_REQUIRE_WORKERS (an unreachable Redis is the redis check's failure otherwise)."""
    required = settings.READY_REQUIRE_WORKERS
    try:
        workers = workers_seen()
    except redis.RedisError:
        if required:
            raise
        return {"count": None, "required": required}
    detail = {"count": len(workers), "required": required}
    if not workers and required:
        raise CheckFailed("no Celery worker seen", detail)
    return detail


CHECKS: dict[str, Callable[[], dict[str, Any] | None]] = {
    "database": check_database,
    "redis": check_redis,
    "rabbitmq": check_rabbitmq,
    "outbox": check_outbox,
    "workers": check_workers,
}


def run_checks() -> list[CheckResult]:
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
        except CheckFailed as exc:
            results.append(CheckResult(name, False, _elapsed_ms(started), str(exc), exc.detail))
        except Exception as exc:
            # A failing dependency is the answer of a readiness probe, never an error of it.
            error = f"{type(exc).__name__}: {exc}"[:200]
            results.append(CheckResult(name, False, _elapsed_ms(started), error))
        else:
            results.append(CheckResult(name, True, _elapsed_ms(started), detail=detail))
    return results


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
