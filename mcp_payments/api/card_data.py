"""PCI DSS SAQ-A: raw card data never enters the system. Requests are scanned right after JSON
parsing; a hit is refused before anything else runs, and the value is never echoed."""

from typing import Any

from .errors import InvalidRequest

CARD_FIELD_NAMES = frozenset({"number", "cvc", "cvv", "card_number", "pan", "exp_number"})


class CardDataNotAccepted(InvalidRequest):
    code = "card_data_not_accepted"
    message = (
        "Raw card data is not accepted. Collect cards with the provider's tokenization and send "
        "the token (e.g. tok_visa) in card[token]."
    )


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def looks_like_pan(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return False
    digits = value.replace(" ", "").replace("-", "")
    return 13 <= len(digits) <= 19 and digits.isdigit() and luhn_valid(digits)


def _scan(value: Any, path: str, inside_card: bool) -> str | None:
    if isinstance(value, dict):
        for key, item in value.items():
            key_path = f"{path}[{key}]" if path else str(key)
            if str(key).lower() in CARD_FIELD_NAMES:
                return key_path
            found = _scan(item, key_path, inside_card or str(key).lower() == "card")
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _scan(item, f"{path}[{index}]", inside_card)
            if found:
                return found
    elif inside_card and looks_like_pan(value):
        return path
    return None


def refuse_card_data(data: Any) -> None:
    """Raise `card_data_not_accepted` (param = where) if `data` carries raw card fields."""
    where = _scan(data, "", False)
    if where:
        raise CardDataNotAccepted(param=where)
