"""ops/docker/build.sh (the Dockerfile's RUN steps) run without Docker: in a temporary copy of the
build context, into a fresh virtualenv, then the app is started from the result as the image
starts it (gunicorn with ops/gunicorn.conf.py; uvicorn for /ws/ and /mcp) and answers."""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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


def uv_env() -> dict[str, str]:
    """The environment of the `deps` stage: the pinned uv under var/tools/uv (the `uv` step, as the
    Dockerfile's builder runs it, installs it when missing or stale) and its cache under
    var/tools/uv-cache, which a Docker build keeps in its cache mount. On the same file system as
    the temporary directories, uv hardlinks from it: a warm install of base.txt takes seconds."""
    tools = ROOT / "var" / "tools"
    return {
        **os.environ,
        "UV": str(tools / "uv" / "bin" / "uv"),
        "UV_CACHE_DIR": str(tools / "uv-cache"),
    }


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
def built(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """The Dockerfile's stages: `frontend` in a context copy of its own (its node_modules never
    reach the builder stage, as in Docker) at the same time as the builder's `deps`, as BuildKit
    runs independent stages; then `app` over the builder's copy with the built dashboard.

    The ~1 GB left behind (node_modules, the virtualenv) is removed here rather than by pytest's
    clean-up of old temporary directories at the exit of a later session (~40 s of unlinking
    there): the frontend stage's copy while `app` and the test run, the rest at teardown."""
    work = tmp_path_factory.mktemp("image")
    src, frontend_src, venv = work / "app", work / "frontend-stage", work / "venv"
    build_context(src)
    build_context(frontend_src)
    script = ["bash", "ops/docker/build.sh"]
    deps = 'bash ops/docker/build.sh uv "$1" && bash ops/docker/build.sh deps "$2"'
    stages = [
        subprocess.Popen(
            ["bash", "-c", deps, "deps", str(ROOT / "var/tools/uv"), str(venv)],  # noqa: S607
            cwd=src,
            env=uv_env(),
        ),
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
    cleanup = subprocess.Popen(["rm", "-rf", str(frontend_src)])  # noqa: S607
    try:
        subprocess.run([*script, "app", str(venv)], cwd=src, check=True, timeout=300)
        yield src, venv
    finally:
        cleanup.wait(timeout=300)
        shutil.rmtree(work, ignore_errors=True)


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
