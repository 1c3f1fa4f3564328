"""PCI DSS SAQ-A: raw card data is refused before anything else and never stored or logged."""

import logging

import pytest
from django.apps import apps
from django.db import connection

from mcp_payments.api.card_data import looks_like_pan, luhn_valid
from mcp_payments.events.models import Event

pytestmark = pytest.mark.django_db

PAN = "4242424242424242"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"type": "card", "card": {"number": PAN, "exp_month": 12}}, "card[number]"),
        ({"type": "card", "card": {"token": PAN}}, "card[token]"),
        ({"type": "card", "card": {"token": "tok_visa", "cvc": "123"}}, "card[cvc]"),
        (
            {"type": "card", "card": {"token": "tok_visa"}, "metadata": {"number": "1"}},
            "metadata[number]",
        ),
    ],
)
def test_raw_card_data_is_refused_and_leaves_no_trace(api, caplog, body, param):
    caplog.set_level(logging.DEBUG)
    response = api.post(
        "/api/v1/payment_methods", body, format="json", HTTP_IDEMPOTENCY_KEY="pan-test"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("card_data_not_accepted", param)
    assert PAN not in response.content.decode()
    assert PAN not in caplog.text
    assert not Event.objects.exists()
    assert_not_in_database(PAN)


def assert_not_in_database(needle: str) -> None:
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            text_columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField", "JSONField")
            ]
            for column in text_columns:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text LIKE %s',  # noqa: S608
                    [f"%{needle}%"],
                )
                assert cursor.fetchone()[0] == 0, f"{needle} found in {table}.{column}"


def test_payments_refuse_card_numbers_too(api):
    response = api.post(
        "/api/v1/payments",
        {"amount": 100, "currency": "usd", "card": {"number": PAN}},
        format="json",
    )
    assert response.json()["error"]["code"] == "card_data_not_accepted"


def test_luhn_and_pan_detection():
    assert luhn_valid(PAN)
    assert not luhn_valid("4242424242424241")
    assert looks_like_pan("4242 4242 4242 4242")
    assert looks_like_pan(4242424242424242)
    assert not looks_like_pan("tok_visa")
    assert not looks_like_pan("123456789012")  # too short
