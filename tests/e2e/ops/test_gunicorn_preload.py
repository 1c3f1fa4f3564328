"""ops/gunicorn.conf.py loads the app in the master and forks ready workers (`preload_app`). That is
safe only while loading the app opens no socket (database, Redis, broker) and starts no thread: a
socket opened before the fork would be shared by every worker. These tests hold both halves."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CONF = ROOT / "ops" / "gunicorn.conf.py"

# Run in a fresh interpreter, as gunicorn's master would: load the WSGI app, then report what the
# process holds open.
PROBE = """
import json, os, socket, threading
from mcp_payments.wsgi import application
from django.db import connections

def peers():
    # Sockets with a peer outside the process (TCP, or a Unix socket with an address). The
    # unnamed socketpair of the asyncio loop daphne's app module creates at import is private.
    found = []
    for fd in map(int, os.listdir("/proc/self/fd")):
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
        except OSError:
            continue
        sock = socket.socket(fileno=os.dup(fd))
        try:
            peer = sock.getpeername()
        except OSError:
            peer = "listening or unconnected"
        finally:
            sock.close()
        if sock.family != socket.AF_UNIX or peer:
            found.append(f"{sock.family.name} {peer}")
    return found

print(json.dumps({
    "callable": callable(application),
    "db_open": [alias for alias in connections if connections[alias].connection is not None],
    "sockets": peers(),
    "threads": sorted(thread.name for thread in threading.enumerate()),
}))
"""


@pytest.mark.parametrize(("value", "expected"), [(None, True), ("false", False), ("1", True)])
def test_preload_is_on_unless_the_environment_turns_it_off(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_PRELOAD", value)
    assert runpy.run_path(str(CONF))["preload_app"] is expected


def test_loading_the_app_opens_no_socket_and_starts_no_thread():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "COV_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mcp_payments.settings.production",
        SECRET_KEY="preload-test-" + "k" * 60,
        # Required by the production settings; never connected to (that is the point).
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcp_payments"
        ),
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_HOST="smtp.invalid",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"callable": True, "db_open": [], "sockets": [], "threads": ["MainThread"]}
