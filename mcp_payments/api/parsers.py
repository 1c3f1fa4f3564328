"""JSON parsing that refuses anything but a JSON object, with a precise error."""

import json
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .card_data import refuse_card_data


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        raw = stream.read() if stream is not None else b""
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw, parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"Malformed JSON body: {exc}") from None
        if not isinstance(data, dict):
            raise ParseError("The request body must be a JSON object.")
        refuse_card_data(data)
        return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")
