"""ops/docker/build.sh (the Dockerfile's RUN steps) run without Docker: in a temporary copy of the
build context, into a fresh virtualenv, then the app is started from the result as the image
starts it (gunicorn with ops/gunicorn.conf.py; uvicorn for /ws/ and /mcp) and answers."""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECRET = "build-script-test-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ"


def build_context(dest: Path) -> None:
    """Copy what `docker build` would see: tracked and unignored files (.dockerignore keeps out
    .venv, var/ and node_modules, which git ignores too)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if not source.is_file():
            continue  # deleted in the work tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def wheelhouse() -> Path:
    """Wheels of requirements/base.txt, built once per version of the file under var/tools/ (the
    build step then installs offline, as a Docker build reuses its pip cache mount)."""
    requirements = (ROOT / "requirements" / "base.txt").read_bytes()
    house = ROOT / "var" / "tools" / "wheels" / hashlib.sha256(requirements).hexdigest()[:16]
    if not house.is_dir():
        partial = house.with_name(house.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check"),
                *("-r", str(ROOT / "requirements" / "base.txt"), "-w", str(partial)),
            ],
            check=True,
            timeout=1800,
        )
        partial.rename(house)
    return house


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http://127.0.0.1)
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """The Dockerfile's stages: `frontend` in a context copy of its own (its node_modules never
    reach the builder stage, as in Docker) at the same time as the builder's `deps`, as BuildKit
    runs independent stages; then `app` over the builder's copy with the built dashboard."""
    work = tmp_path_factory.mktemp("image")
    src, frontend_src, venv = work / "app", work / "frontend-stage", work / "venv"
    build_context(src)
    build_context(frontend_src)
    script = ["bash", "ops/docker/build.sh"]
    offline = {
        **os.environ,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse()),
        "PIP_NO_COMPILE": "1",
    }
    stages = [
        subprocess.Popen([*script, "deps", str(venv)], cwd=src, env=offline),
        subprocess.Popen([*script, "frontend", str(work / "frontend-dist")], cwd=frontend_src),
    ]
    try:
        codes = [stage.wait(timeout=600) for stage in stages]
    finally:
        for stage in stages:
            if stage.poll() is None:
                stop(stage)
    assert codes == [0, 0]
    if any((work / "frontend-dist").iterdir()):
        shutil.copytree(work / "frontend-dist", src / "frontend" / "dist", dirs_exist_ok=True)
    subprocess.run([*script, "app", str(venv)], cwd=src, check=True, timeout=300)
    return src, venv


def runtime_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "COV_", "VIRTUAL_ENV"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mcp_payments.settings.production",
        SECRET_KEY=SECRET,
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mcp_payments"
        ),
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_HOST="smtp.invalid",
        SECURE_SSL_REDIRECT="false",
        TRACING_ENABLED="false",
        **extra,
    )
    return env


def test_the_build_steps_produce_a_runnable_app(built):
    src, venv = built

    # The virtualenv holds the runtime requirements only, and the static files are collected
    assert (venv / "bin" / "gunicorn").exists()
    assert (venv / "bin" / "uvicorn").exists()
    assert not (venv / "bin" / "pytest").exists()
    assert (src / "var" / "static" / "admin" / "css" / "base.css").is_file()
    assert (
        "admin/css/base.css"
        in json.loads((src / "var/static/staticfiles.json").read_text())["paths"]
    )
    assert (src / "var" / "static" / "rest_framework" / "css" / "bootstrap.min.css").is_file()

    # gunicorn as the image's CMD starts it serves the REST side
    port = free_port()
    web = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "-c", "ops/gunicorn.conf.py", "mcp_payments.wsgi"],
        cwd=src,
        env=runtime_env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1"),
    )
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/health/live")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, body = wait_for(f"http://127.0.0.1:{port}/api/v1/payments")
        assert status == 401
        assert json.loads(body)["error"]["type"] == "authentication_error"
        status, body = wait_for(f"http://127.0.0.1:{port}/static/admin/css/base.css")
        assert status == 200
        assert body == (src / "var" / "static" / "admin" / "css" / "base.css").read_bytes()
        # the dashboard built by the frontend stage is served, with its hashed module script
        status, body = wait_for(f"http://127.0.0.1:{port}/dashboard/payments")
        assert status == 200
        assert b"MCP Payments dashboard" in body
        assert b"/src/main.tsx" not in body
    finally:
        stop(web)

    # uvicorn (the ASGI process of /ws/ and /mcp) starts from the same result
    port = free_port()
    asgi = subprocess.Popen(
        [
            str(venv / "bin" / "uvicorn"),
            "mcp_payments.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "on",
        ],
        cwd=src,
        env=runtime_env(DB_CONN_MAX_AGE="0"),
    )
    try:
        status, body = wait_for(f"http://127.0.0.1:{port}/health/live")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
    finally:
        stop(asgi)
