"""A test-only Celery task for the worker-kill test (loaded with `celery worker -I`).

It records in Redis when it runs (with the pool process id, so the test can kill it), applies its
effect through the idempotent path every consumer uses (process_once: the processed row and the
counter commit together), and sleeps before and/or after the effect so the test can kill it on
either side of the commit.
"""

import os
import time
from datetime import date

import redis
from celery import shared_task
from celery.concurrency import asynpool
from django.conf import settings

from analytics.services import counters_increment
from mcp_payments.events.processing import process_once

SUBSCRIBER = "tests.worker_kill"
DAY = date(2000, 1, 1)

# Test workers only: notice a killed pool process within 0.2 s instead of Celery's 5 s pool
# maintenance tick, so the kill loop is not mostly waiting. What happens next (WorkerLostError,
# the task rejected and requeued: acks_late + reject_on_worker_lost) is Celery's own.
asynpool.AsynPool.timers = property(lambda pool: {pool.maintain_pool: 0.2})


@shared_task(name="tests.integration.worker_tasks.effect_once")
def effect_once(key: str, namespace: str, before: float, after: float) -> bool:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    try:
        client.set(f"{namespace}:running:{key}", os.getpid())
        time.sleep(before)
        ran = process_once(
            subscriber=SUBSCRIBER,
            event_id=key,
            effect=lambda: counters_increment(
                merchant_id=namespace, day=DAY, increments={("tasks_done", ""): 1}
            ),
        )
        client.set(f"{namespace}:effect:{key}", 1)
        if not ran:
            client.incr(f"{namespace}:skipped")
        time.sleep(after)
        client.set(f"{namespace}:done:{key}", 1)
        return ran
    finally:
        client.close()
