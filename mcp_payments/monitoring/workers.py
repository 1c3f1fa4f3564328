"""Which Celery workers are alive: each worker records itself in Redis every few seconds (a
thread started on `worker_ready`), and the `heartbeat` task records the worker that ran it.

One Redis hash per deployment (keyed by the database name, so a test run's workers and a
developer's `make run` workers are told apart): field = worker hostname, value = JSON
{"queues": [...], "seen": unix seconds}. Entries older than WORKER_STALE_SECONDS are dropped.
"""

import json
import logging
import threading
import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

PRESENCE_INTERVAL_SECONDS = 10.0
WORKER_STALE_SECONDS = 30.0
REDIS_TIMEOUT_SECONDS = 2.0


def _client() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
    )


def _key() -> str:
    return f"mcp_payments:{connection.settings_dict['NAME']}:workers"


def worker_presence_record(*, hostname: str, queues: list[str]) -> None:
    value = json.dumps({"queues": sorted(queues), "seen": time.time()})
    client = _client()
    try:
        client.hset(_key(), hostname, value)
    finally:
        client.close()


def worker_presence_remove(*, hostname: str) -> None:
    client = _client()
    try:
        client.hdel(_key(), hostname)
    finally:
        client.close()


def workers_seen() -> list[dict[str, Any]]:
    """Live workers, by hostname: queues and seconds since last seen. Drops stale entries."""
    client = _client()
    try:
        entries = client.hgetall(_key())
        now = time.time()
        workers, stale = [], []
        for raw_host, raw_value in entries.items():
            host, value = raw_host.decode(), json.loads(raw_value)
            age = now - value["seen"]
            if age > WORKER_STALE_SECONDS:
                stale.append(host)
            else:
                workers.append(
                    {"hostname": host, "queues": value["queues"], "seen_seconds_ago": round(age, 1)}
                )
        if stale:
            client.hdel(_key(), *stale)
    finally:
        client.close()
    return sorted(workers, key=lambda worker: worker["hostname"])


class PresenceThread(threading.Thread):
    """Runs in a Celery worker's main process, from worker_ready to worker_shutdown."""

    def __init__(self, *, hostname: str, queues: list[str]) -> None:
        super().__init__(name="worker-presence", daemon=True)
        self.hostname = hostname
        self.queues = queues
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                worker_presence_record(hostname=self.hostname, queues=self.queues)
            except redis.RedisError:
                logger.warning("could not record worker presence", exc_info=True)
            self.stopped.wait(PRESENCE_INTERVAL_SECONDS)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=REDIS_TIMEOUT_SECONDS + 1)  # no record after the removal
        try:
            worker_presence_remove(hostname=self.hostname)
        except redis.RedisError:
            logger.warning("could not remove worker presence", exc_info=True)


_presence: PresenceThread | None = None


def on_worker_ready(sender: Any = None, **kwargs: Any) -> None:
    global _presence
    queues = list(sender.app.amqp.queues.consume_from or {})
    _presence = PresenceThread(hostname=sender.hostname, queues=queues)
    _presence.start()


def on_worker_shutdown(sender: Any = None, **kwargs: Any) -> None:
    if _presence is not None:
        _presence.stop()


def heartbeat_record(*, hostname: str) -> None:
    """The `heartbeat` task ran on `hostname`: beat and the monitoring queue are alive."""
    client = _client()
    try:
        client.set(f"{_key()}:heartbeat", json.dumps({"hostname": hostname, "at": time.time()}))
    finally:
        client.close()


def last_heartbeat() -> dict[str, Any] | None:
    client = _client()
    try:
        raw = client.get(f"{_key()}:heartbeat")
    finally:
        client.close()
    if raw is None:
        return None
    value = json.loads(raw)
    return {"hostname": value["hostname"], "seconds_ago": round(time.time() - value["at"], 1)}
