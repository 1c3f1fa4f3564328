"""Keep `?token=` secrets out of the ASGI server's logs.

A browser can only authenticate a WebSocket by the session cookie or a token in the URL, and
uvicorn logs each WebSocket's path with its query string (`"WebSocket /ws/payments?token=…"
[accepted]`). This filter, attached to the `uvicorn.error` logger in settings, replaces the value
of every `token=` parameter in a record's message and arguments with `[redacted]`.
"""

import logging
import re

TOKEN_PARAMETER = re.compile(r"(?<![\w])(token=)[^&\s\"']+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    return TOKEN_PARAMETER.sub(REDACTED, text)


class RedactQueryTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True
