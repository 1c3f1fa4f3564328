"""OpenAPI validity, and production settings that refuse to start half-configured."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from notifications.url_policy import UnsafeUrl, check_url

ROOT = Path(__file__).resolve().parents[3]


def test_openapi_schema_validates_without_warnings():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/v1/customers" in schema
    assert "ErrorDetail" in schema


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(**overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "EMAIL_BACKEND"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "mcp_payments.settings.production"
    env.update(overrides)
    return env


def test_production_refuses_to_start_without_secret_key_or_database_url():
    missing_secret = _manage("check", env=_production_env(DATABASE_URL="postgres://x@db/x"))
    assert missing_secret.returncode != 0
    assert "SECRET_KEY must be set" in missing_secret.stderr
    missing_db = _manage("check", env=_production_env(SECRET_KEY="k" * 64))
    assert missing_db.returncode != 0
    assert "DATABASE_URL must be set" in missing_db.stderr


def test_production_requires_a_real_smtp_host():
    secrets = {
        "SECRET_KEY": "x9#Lq2!vR7@pZ4$mW8^tY1&kN5*cB3(hJ6)gD0_fS-uE+aQ=iO~oP|lK;jH:gF<dS>",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mcp_payments",
    }
    missing = _manage("check", env=_production_env(**secrets))
    assert missing.returncode != 0
    assert "EMAIL_HOST must be set in production" in missing.stderr
    local = _manage("check", env=_production_env(**secrets, EMAIL_HOST="127.0.0.1"))
    assert local.returncode != 0
    assert "EMAIL_HOST must be a real SMTP server in production" in local.stderr


def test_production_check_deploy_is_clean():
    env = _production_env(
        SECRET_KEY="x9#Lq2!vR7@pZ4$mW8^tY1&kN5*cB3(hJ6)gD0_fS-uE+aQ=iO~oP|lK;jH:gF<dS>",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/mcp_payments",
        ALLOWED_HOSTS="payments.example.com",
        EMAIL_HOST="smtp.example.com",
    )
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


APPROVAL = {"$ref": "#/components/schemas/AgentApproval"}


@pytest.mark.django_db
def test_every_money_operation_documents_its_202_approval(client):
    schema = client.get("/api/v1/schema/?format=json").json()

    documented = sorted(
        path
        for path, operations in schema["paths"].items()
        if operations.get("post", {}).get("responses", {}).get("202", {}).get("content", {})
        and operations["post"]["responses"]["202"]["content"]["application/json"]["schema"]
        == APPROVAL
    )

    assert documented == [
        "/api/v1/invoices/{invoice_id}/pay",
        "/api/v1/payments",
        "/api/v1/payments/{payment_id}/confirm",
        "/api/v1/payouts",
        "/api/v1/refunds",
        "/api/v1/subscriptions",
        "/api/v1/subscriptions/{subscription_id}",
        "/api/v1/transfers",
        "/api/v1/transfers/batch",
        "/api/v1/wallets/{wallet_id}/top_ups",
    ]


@pytest.mark.django_db
def test_the_webhook_url_schema_states_the_rules_the_server_enforces(client):
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    create = schemas["WebhookEndpointCreateRequest"]["properties"]["url"]
    update = schemas["WebhookEndpointUpdateRequest"]["properties"]["url"]

    assert create == update
    assert {key: create[key] for key in ("type", "format", "minLength", "maxLength")} == {
        "type": "string",
        "format": "uri",
        "minLength": 1,
        "maxLength": 2048,
    }
    assert "https only" in create["description"]
    pattern = re.compile(create["pattern"])
    for url in ("https://hooks.example.com/in?x=1", "http://127.0.0.1:8080/w", "http://[::1]/w"):
        check_url(url, livemode=False)  # accepted by the server: the pattern admits it
        assert pattern.match(url), url
    for url in (
        "ftp://example.com",
        "https://user:pw@example.com",
        "https://a.com/b c",
        "https://",
    ):
        with pytest.raises(UnsafeUrl):
            check_url(url, livemode=False)
        assert pattern.match(url) is None, url
