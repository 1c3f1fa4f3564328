"""Liveness, readiness (real PostgreSQL, Redis, RabbitMQ) and Prometheus metrics."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_live_answers_without_checking_dependencies():
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_checks_every_dependency():
    response = Client().get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "redis", "rabbitmq", "outbox", "workers"}
    assert all(check["ok"] for check in body["checks"].values())


def test_ready_is_503_naming_an_unreachable_dependency(settings):
    # Given a broker address where nothing listens (the real broker keeps running).
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis", "rabbitmq"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["rabbitmq"]["error"]


def test_metrics_are_exposed_for_prometheus():
    Client().get("/health/live")
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content
