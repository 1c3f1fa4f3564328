"""Real processes for the integration tests: the events relay, consumers and Celery workers,
started with subprocess against the committed rows of the pytest test database, in a broker
namespace of their own (tests/fixtures/events.py). A test that stops the broker runs its processes
on a private RabbitMQ node (`private_broker`, tests/fixtures/rabbitmq.py), never the shared one.

Every process a test starts is stopped when the test ends (SIGTERM, then SIGKILL of its process
group); the private node is always started again if a test stopped it, even when the test fails.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from mcp_payments.events.topology import broker_connection, declare_topology
from tests.fixtures.events import all_queues, broker, events_namespace  # noqa: F401
from tests.fixtures.rabbitmq import private_rabbitmq, rabbitmq  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
CELERY = str(Path(sys.executable).parent / "celery")
STOP_TIMEOUT_SECONDS = 15
# Test-only subscribers the subprocesses load (tests/integration/flaky_subscribers.py).
SUBSCRIBER_MODULES = "tests.integration.flaky_subscribers"
TASK_MODULES = "tests.integration.worker_tasks"


def wait_until(
    condition: Callable[[], object], *, timeout: float, interval: float = 0.1, message: str = ""
) -> object:
    """Poll `condition` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s: {message or condition}")
        time.sleep(interval)


def database_url() -> str:
    """The pytest test database (its committed rows are what the processes see)."""
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group (a Celery worker and its pool children)."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
        # Pool children left behind by a killed main process.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Processes:
    """Starts the pipeline's processes for one test; `stop_all` runs at its end."""

    env: dict[str, str]
    logs: Path
    started: list[Process] = field(default_factory=list)

    def start(self, name: str, args: list[str], **extra_env: str) -> Process:
        log = self.logs / f"{name}-{len(self.started)}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                args,
                cwd=REPO_ROOT,
                env={**self.env, **extra_env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process(name, popen, log)
        self.started.append(process)
        return process

    def relay(self, **extra_env: str) -> Process:
        return self.start("relay", [PYTHON, "manage.py", "events_relay"], **extra_env)

    def consumer(self, domain: str, **extra_env: str) -> Process:
        args = [PYTHON, "manage.py", "events_consume", "--domain", domain]
        return self.start(f"consumer-{domain}", args, **extra_env)

    def worker(self, queue: str, hostname: str, *options: str, **extra_env: str) -> Process:
        """A Celery worker on `queue` (one slot); `options` are more `celery worker` options."""
        args = [
            CELERY, "-A", "mcp_payments", "worker", "-Q", queue, "-n", hostname,
            "-c", "1", "-P", "prefork", "--prefetch-multiplier", "1",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-I", TASK_MODULES, "-l", "warning", *options,
        ]  # fmt: skip
        return self.start("worker", args, **extra_env)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            process.stop()

    def logs_tail(self) -> str:
        return "\n".join(f"--- {p.name} ({p.log.name})\n{p.tail()}" for p in self.started)


@pytest.fixture
def processes(transactional_db, events_namespace, tmp_path) -> Iterator[Processes]:  # noqa: F811
    """Process starter for one test; its processes are stopped before the database is flushed."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mcp_payments.settings.test",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(REPO_ROOT),
        "EVENTS_SUBSCRIBER_MODULES": SUBSCRIBER_MODULES,
        "EVENTS_RELAY_POLL_MS": "200",
        **events_namespace.env(),
    }
    started = Processes(env=env, logs=tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def private_broker(rabbitmq, events_namespace, processes) -> Iterator:  # noqa: F811
    """Everything of the test on the private RabbitMQ node (`rabbitmq`, which the test may stop):
    the processes it starts (events and Celery brokers), this process's events settings, and a
    connection to it with the namespace's topology declared and every queue empty."""
    processes.env.update(rabbitmq.env())
    with override_settings(EVENTS_BROKER_URL=rabbitmq.url), broker_connection() as connection:
        channel = connection.default_channel
        declare_topology(channel)
        for queue in all_queues():
            queue(channel).purge()
        yield connection
