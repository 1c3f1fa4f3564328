"""Currencies and amount bounds (docs/api.md). Amounts are integers in minor units."""

from decimal import Decimal

from babel.numbers import format_currency

# ISO 4217 code -> number of minor-unit digits.
CURRENCY_EXPONENTS: dict[str, int] = {
    "usd": 2,
    "eur": 2,
    "gbp": 2,
    "jpy": 0,
    "chf": 2,
    "cad": 2,
    "aud": 2,
    "nzd": 2,
    "sek": 2,
    "nok": 2,
    "dkk": 2,
    "sgd": 2,
    "hkd": 2,
    "krw": 0,
    "inr": 2,
    "mxn": 2,
    "brl": 2,
    "pln": 2,
}
SUPPORTED_CURRENCIES = frozenset(CURRENCY_EXPONENTS)

MIN_AMOUNT = 1
MAX_AMOUNT = 99_999_999_999


def currency_exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS[currency]


def decimal_string(amount: int, currency: str) -> str:
    """The exact decimal string of minor units: 1234 usd → "12.34", -5 usd → "-0.05",
    5 jpy → "5" (exponent from CURRENCY_EXPONENTS, 2 for an unknown currency)."""
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    sign = "-" if amount < 0 else ""
    whole, fraction = divmod(abs(int(amount)), 10**exponent)
    return f"{sign}{whole}" + (f".{fraction:0{exponent}d}" if exponent else "")


def format_money(amount: int, currency: str, *, locale: str = "en_US") -> str:
    """`amount` minor units of `currency` for people: the currency's symbol and its exponent's
    decimals (`format_money(10000, "usd")` → `$100.00`, `format_money(500, "jpy")` → `¥500`).
    Display only: never parse it back. Unknown currencies fall back to `<amount> <CODE>`."""
    code = currency.lower()
    if code not in CURRENCY_EXPONENTS:
        return f"{amount} {currency.upper()}"
    major = Decimal(amount).scaleb(-CURRENCY_EXPONENTS[code])
    return format_currency(major, code.upper(), locale=locale)
