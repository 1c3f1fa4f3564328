"""Input hygiene at the edge, once: what is not text that PostgreSQL can store (NUL, unpaired
UTF-16 surrogates) is refused in every query parameter, path id, JSON key and JSON value before
any view or tool logic runs. (Bytes that are not UTF-8 in a URL are decoded as U+FFFD by Django,
which is text; other control characters are text PostgreSQL stores.)

Used by the API kernel (`ApiView.initial`) and the MCP argument layer (`mcp.execution`); both
answer `400 invalid_request_error` code `parameter_invalid` with the exact `param`
(`email`, `id`, `metadata[note]`). `storable` makes refused input safe to keep in an audit row.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import InvalidRequest

# NUL and the surrogate range (a lone surrogate cannot be encoded as UTF-8).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class ParameterInvalid(InvalidRequest):
    code = "parameter_invalid"


def escape(text: str) -> str:
    """`text` with every non-text character written as `\\uXXXX` (safe to echo and to store)."""
    return _NOT_TEXT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _refuse(param: str) -> ParameterInvalid:
    return ParameterInvalid(
        f"Invalid value for {param}: NUL characters and unpaired surrogates are not accepted.",
        param=param,
    )


def _child(path: str, key: str) -> str:
    return f"{path}[{key}]" if path else key


def refuse_non_text_json(value: Any, path: str = "") -> None:
    """Raise ParameterInvalid (400) for the first non-text key or string value in a parsed JSON
    document; `param` is its Stripe-style path (`metadata[note]`, `transfers[0][description]`;
    a bad key is named with its characters escaped). No side effects."""
    if isinstance(value, str):
        if _NOT_TEXT.search(value):
            raise _refuse(path or "body")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            key_text = str(key)
            if _NOT_TEXT.search(key_text):
                raise _refuse(_child(path, escape(key_text)))
            refuse_non_text_json(item, _child(path, key_text))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_non_text_json(item, _child(path, str(index)))


def refuse_non_text_params(items: Iterable[tuple[str, str]]) -> None:
    """Raise ParameterInvalid (400) for the first query parameter whose name or value is not
    text; `param` is the parameter's name."""
    for name, value in items:
        if _NOT_TEXT.search(name):
            raise _refuse(escape(name))
        if _NOT_TEXT.search(value):
            raise _refuse(name)


def refuse_non_text_path(kwargs: Mapping[str, Any]) -> None:
    """Raise ParameterInvalid (400) for a path argument that is not text; an object id
    (`<id>`, `<customer_id>`, …) is named `id`."""
    for name, value in kwargs.items():
        if isinstance(value, str) and _NOT_TEXT.search(value):
            raise _refuse("id" if name == "pk" or name.endswith("id") else name)


def storable(value: Any) -> Any:
    """A copy of a JSON-like value whose keys and strings are escaped where not text (so that
    PostgreSQL's jsonb accepts it, e.g. in an audit row). Other values are kept as they are."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Mapping):
        return {escape(str(key)): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value
