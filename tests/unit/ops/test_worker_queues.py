"""Every Celery queue a task can be sent to has a worker in each topology the project ships:
Kubernetes (ops/kubernetes/base), docker compose (ops/docker/compose.yaml), the systemd
instances of docs/deployment.md, and `make run` (scripts/run.sh). A queue without a consumer
loses nothing but delivers nothing either: webhooks and email would wait in RabbitMQ forever."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from mcp_payments.celery import app

ROOT = Path(__file__).resolve().parents[3]


def routed_queues() -> set[str]:
    """The queue of every registered task (routes, else the default) and of every beat entry."""
    app.loader.import_default_modules()
    queues = {app.amqp.router.route({}, name)["queue"].name for name in app.tasks}
    queues |= {
        entry["options"]["queue"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if "queue" in entry.get("options", {})
    }
    return queues


def queues_of(command: list[str]) -> set[str]:
    """The `-Q a,b` of a `celery worker` command line."""
    if "worker" not in command or "-Q" not in command:
        return set()
    return set(command[command.index("-Q") + 1].split(","))


def kubernetes_workers() -> dict[str, tuple[set[str], dict]]:
    documents = yaml.safe_load_all((ROOT / "ops/kubernetes/base/deployments.yaml").read_text())
    workers = {}
    for document in documents:
        if not document or document["kind"] != "Deployment":
            continue
        pod = document["spec"]["template"]
        queues = queues_of(pod["spec"]["containers"][0].get("command", []))
        if queues:
            workers[document["metadata"]["name"]] = (queues, pod["metadata"]["labels"])
    return workers


def test_the_routed_queues_are_the_channels_of_the_settings():
    assert routed_queues() == {
        "payments",
        "analytics",
        "compliance",
        "monitoring",
        settings.WEBHOOKS_QUEUE,
        settings.EMAIL_QUEUE,
        settings.SMS_QUEUE,
    }


def test_kubernetes_runs_a_worker_for_every_queue_and_webhooks_on_their_own():
    workers = kubernetes_workers()
    consumed = set().union(*(queues for queues, _ in workers.values()))
    assert routed_queues() <= consumed
    webhooks, labels = workers["mcp-payments-worker-webhooks"]
    assert webhooks == {"webhooks"}
    assert labels["mcp-payments/egress-https"] == "true"  # integrators' HTTPS endpoints
    email = [labels for queues, labels in workers.values() if "email" in queues]
    assert [labels.get("mcp-payments/egress-smtp") for labels in email] == ["true"]


def test_compose_runs_a_worker_for_every_queue():
    services = yaml.safe_load((ROOT / "ops/docker/compose.yaml").read_text())["services"]
    consumed = set().union(
        *(queues_of(service.get("command") or []) for service in services.values())
    )
    assert routed_queues() <= consumed
    assert queues_of(services["worker-webhooks"]["command"]) == {"webhooks"}


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        # make run: `-Q a,b` on the worker lines
        ("scripts/run.sh", r"-Q ([\w,]+)"),
        # systemd: the instances enabled in the guide (instance name = queue) and their
        # WORKER_QUEUES env files
        ("docs/deployment.md", r"mcp-payments-worker@(\w+)|WORKER_QUEUES=([\w,]+)"),
    ],
)
def test_make_run_and_the_systemd_guide_consume_every_queue(source, pattern):
    text = (ROOT / source).read_text()
    consumed = {
        queue
        for match in re.findall(pattern, text)
        for group in (match if isinstance(match, tuple) else (match,))
        for queue in group.split(",")
        if queue
    }
    assert routed_queues() <= consumed


def test_the_systemd_target_runs_the_events_relay_and_every_consumer():
    """Without them nothing committed to the outbox reaches RabbitMQ: no webhook, no frame."""
    systemd = ROOT / "ops/systemd"
    target = (systemd / "mcp-payments.target").read_text()
    wanted = {unit for line in re.findall(r"^Wants=(.*)$", target, re.M) for unit in line.split()}
    commands = {
        unit: re.search(r"^ExecStart=(.*)$", (systemd / unit).read_text(), re.M).group(1)
        for unit in wanted
    }
    assert commands["mcp-payments-relay.service"].endswith("manage.py events_relay")
    assert commands["mcp-payments-consumers.service"].endswith("manage.py events_consume --all")
