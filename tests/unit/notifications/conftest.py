"""Fixtures for the notifications tests: a real SMTP server (aiosmtpd), a local HTTP receiver
whose answers a test scripts, Celery in eager mode, fake DNS, and events delivered to the
notifications subscribers exactly as the consumer would (JSON round trip, process_once)."""

import contextlib
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from mcp_payments.celery import app
from mcp_payments.events.api.serializers import EventSerializer
from mcp_payments.events.models import Event
from mcp_payments.events.processing import deliver
from notifications import url_policy, webhook_http
from notifications.models import WebhookEndpoint
from notifications.services.endpoints import webhook_endpoint_create
from tests.fixtures.factories import MembershipFactory

TIMEOUT_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Celery, on-commit hooks, events ---------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_platform_account_cache():
    """Payments made through the API post to platform accounts cached per process: rolled back
    between tests (as in tests/unit/payments/conftest.py)."""
    from wallets import ledger

    ledger._platform_cache.clear()
    yield
    ledger._platform_cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery_and_fast_webhooks() -> Iterator[None]:
    # Celery reads the Django settings live (config_from_object), so overriding them works.
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=True,
        CELERY_TASK_EAGER_PROPAGATES=True,
        WEBHOOK_TIMEOUT_SECONDS=TIMEOUT_SECONDS,
    ):
        assert app.conf.task_always_eager is True
        yield
    webhook_http.close_pools()


@pytest.fixture
def commit(django_capture_on_commit_callbacks) -> Callable[[], Any]:
    """`with commit():` runs the on-commit hooks (queued jobs, eager) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def published(event: Event) -> dict[str, Any]:
    """The event as a consumer receives it (its API representation, through JSON)."""
    return json.loads(json.dumps(EventSerializer(event).data))


@pytest.fixture
def dispatch(commit) -> Callable[..., list[str]]:
    """Deliver every event not yet dispatched (or those of `types`) to the notifications
    subscribers, running their queued jobs; returns the types dispatched."""
    seen: set[str] = set()

    def run(*types: str) -> list[str]:
        done = []
        events = Event.objects.exclude(id__in=seen).order_by("id")
        if types:
            events = events.filter(type__in=types)
        for event in events:
            seen.add(event.id)
            with commit():
                failures = deliver("notifications", published(event))
            assert failures == [], failures
            done.append(event.type)
        return done

    return run


# --- Endpoints ---------------------------------------------------------------------------------


@pytest.fixture
def endpoint_for(merchant) -> Callable[..., tuple[WebhookEndpoint, str]]:
    """A webhook endpoint of `merchant` created through the service (test key context)."""
    from mcp_payments.accounts.context import AuthContext
    from mcp_payments.accounts.scopes import ALL_SCOPES

    def make(url: str, events: list[str] | None = None, owner=None):
        context = AuthContext(merchant=owner or merchant, scopes=frozenset(ALL_SCOPES))
        return webhook_endpoint_create(context=context, url=url, enabled_events=events or ["*"])

    return make


@pytest.fixture
def fake_dns(monkeypatch) -> dict[str, list[str]]:
    """Names resolved by the SSRF check: fill the dict; other names resolve normally."""
    names: dict[str, list[str]] = {}
    real = url_policy.getaddrinfo

    def resolve(host: str, port: int) -> list[str]:
        if host in names:
            return names[host]
        return real(host, port)

    monkeypatch.setattr(url_policy, "getaddrinfo", resolve)
    return names


# --- A scripted HTTP receiver --------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next scripted behaviour (then `default`)."""

    port: int
    script: list[tuple] = field(default_factory=list)
    default: tuple = ("status", 200, b'{"ok": true}')
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self, *behaviours: tuple) -> None:
        self.script.extend(behaviours)

    def next_behaviour(self) -> tuple:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            kind, *args = receiver.next_behaviour()
            if kind == "status":
                status, content = args[0], args[1] if len(args) > 1 else b""
                extra = args[2] if len(args) > 2 else {}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            elif kind == "hang":
                time.sleep(args[0])
                self.close_connection = True
            elif kind == "reset":
                # RST instead of FIN: the client sees the connection reset.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.close_connection = True
                self.connection.close()
            elif kind == "huge":
                size = args[0]
                self.send_response(500)
                self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b"x" * 65536
                sent = 0
                with contextlib.suppress(OSError):
                    while sent < size:
                        self.wfile.write(chunk)
                        sent += len(chunk)
                self.close_connection = True

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(Receiver(port=0)))
    state = Receiver(port=server.server_address[1])
    server.RequestHandlerClass = _handler(state)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- A real SMTP server -----------------------------------------------------------------------


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class _Collector:
    def __init__(self) -> None:
        self.received: list[Mail] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[_Collector]:
    """aiosmtpd on 127.0.0.1 (a free port); Django's SMTP backend pointed at it."""
    collector = _Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            DEFAULT_FROM_EMAIL="MCP Payments <no-reply@test.local>",
        ):
            yield collector
    finally:
        controller.stop()


def wait_for_mail(collector: _Collector, count: int, timeout: float = 10.0) -> list[Mail]:
    deadline = time.monotonic() + timeout
    while len(collector.received) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return collector.received


@pytest.fixture
def admin_of(merchant) -> Callable[..., Any]:
    """A dashboard user of `merchant` with `role` and an email address."""

    def make(role: str = "admin", owner=None, email: str | None = None):
        membership = MembershipFactory(merchant=owner or merchant, role=role)
        if email is not None:
            membership.user.email = email
            membership.user.save(update_fields=["email"])
        return membership.user

    return make
