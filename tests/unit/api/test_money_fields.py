"""Money input rules of API.md §1, through the serializer fields every endpoint uses."""

import pytest

from mcp_payments.api.serializers import AmountField, CurrencyField, StrictSerializer


class ChargeInput(StrictSerializer):
    amount = AmountField()
    currency = CurrencyField()


def errors_of(data):
    serializer = ChargeInput(data=data)
    assert not serializer.is_valid()
    return {field: [error.code for error in errs] for field, errs in serializer.errors.items()}


def test_integer_amount_and_supported_currency_are_accepted():
    serializer = ChargeInput(data={"amount": 1000, "currency": "jpy"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"amount": 1000, "currency": "jpy"}


@pytest.mark.parametrize("amount", ["1000", 1000.0, 10.5, True, None, [1]])
def test_non_integer_amounts_are_refused(amount):
    assert errors_of({"amount": amount, "currency": "usd"})["amount"] in (["invalid"], ["null"])


def test_amount_bounds():
    assert errors_of({"amount": 0, "currency": "usd"}) == {"amount": ["amount_too_small"]}
    assert errors_of({"amount": -5, "currency": "usd"}) == {"amount": ["amount_too_small"]}
    assert errors_of({"amount": 100_000_000_000, "currency": "usd"}) == {
        "amount": ["amount_too_large"]
    }
    assert ChargeInput(data={"amount": 99_999_999_999, "currency": "usd"}).is_valid()


@pytest.mark.parametrize("currency", ["USD", "xxx", "us", 840])
def test_unsupported_currencies_are_refused(currency):
    codes = errors_of({"amount": 1, "currency": currency})["currency"]
    assert codes in (["currency_not_supported"], ["invalid"])


def test_unknown_fields_are_refused():
    errors = errors_of({"amount": 1, "currency": "usd", "amout": 2})
    assert errors == {"amout": ["parameter_unknown"]}


def test_output_field_is_an_integer():
    assert AmountField().to_representation(5) == 5
