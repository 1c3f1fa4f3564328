#!/usr/bin/env bash
# The build steps of ops/docker/Dockerfile, one sub-command per RUN, so the same steps run (and are
# tested: tests/e2e/ops/test_build_script.py) without a Docker engine. Run from the source root.
#
#   build.sh uv DIR           install the pinned uv into the virtualenv DIR (kept when DIR/bin/uv is
#                             already that version)
#   build.sh deps VENV        create the virtualenv VENV with requirements/base.txt (runtime only,
#                             no pip) with uv: $UV, else uv on PATH
#   build.sh frontend OUT     build frontend/ (npm ci + npm run build) into OUT; an empty OUT
#                             when the checkout has no frontend/
#   build.sh app VENV         collect static files into var/static and byte-compile the sources
#   build.sh user NAME UID    create the unprivileged runtime user (image build only; needs root)
#
# uv honours UV_* variables (UV_CACHE_DIR, UV_LINK_MODE, UV_INDEX_URL; the
# Dockerfile mounts a cache at /root/.cache/uv) and, like pip here, uses PyPI's index (pypi.org,
# served by this machine's registry mirror) with the CA bundle of SSL_CERT_FILE. pip (the uv step)
# honours PIP_* variables.
set -euo pipefail

# uv installs the runtime virtualenv: from a warm cache it links the files (seconds), where pip
# re-unpacks every wheel (a minute and more for requirements/base.txt).
UV_PIN=0.13.8

die() {
    echo "build.sh: $*" >&2
    exit 2
}

step="${1:-}"
[ -n "$step" ] || die "usage: build.sh uv|deps|frontend|app|user ..."
shift

case "$step" in
uv)
    dir="${1:?build.sh uv DIR}"
    # `uv --version` prints "uv 0.13.8 (x86_64-unknown-linux-gnu)"
    if [ "$("$dir/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$UV_PIN" ]; then
        # built aside and moved in whole: an interrupted install is never taken for a good one
        rm -rf "$dir.partial"
        python3 -m venv "$dir.partial"
        "$dir.partial/bin/pip" install --disable-pip-version-check --no-input -q "uv==$UV_PIN"
        rm -rf "$dir"
        mv "$dir.partial" "$dir"
    fi
    ;;
deps)
    venv="${1:?build.sh deps VENV}"
    uv="${UV:-uv}"
    command -v "$uv" >/dev/null || die "uv not found (build.sh uv DIR, then UV=DIR/bin/uv)"
    "$uv" venv -q --no-python-downloads --python python3 "$venv"
    # byte-compiled as pip does by default: the image runs with PYTHONDONTWRITEBYTECODE=1 and a
    # root-owned venv, so without .pyc files every process would compile its imports again (~15 s)
    "$uv" pip install -q --compile-bytecode --python "$venv/bin/python" -r requirements/base.txt
    ;;
frontend)
    out="${1:?build.sh frontend OUT}"
    mkdir -p "$out"
    if [ -f frontend/package.json ]; then
        (cd frontend && npm ci --prefer-offline --no-audit --no-fund && npm run build)
        cp -a frontend/dist/. "$out/"
    else
        echo "build.sh: no frontend/ in this checkout; nothing to build" >&2
    fi
    ;;
app)
    venv="${1:?build.sh app VENV}"
    # collectstatic with the production settings (hashed, compressed files and their manifest,
    # served by ServeStatic); it imports the settings only, so throwaway values satisfy them and
    # no database is touched.
    DJANGO_SETTINGS_MODULE=mcp_payments.settings.production \
        SECRET_KEY="build-only-$(date +%s)-not-a-runtime-secret-0123456789abcdefghij" \
        DATABASE_URL=postgres://build@localhost/build \
        EMAIL_HOST=smtp.build.invalid \
        "$venv/bin/python" manage.py collectstatic --noinput -v 0
    "$venv/bin/python" -m compileall -q -j 0 -x '(^|/)(tests|node_modules)/' . >/dev/null
    ;;
user)
    name="${1:?build.sh user NAME UID}"
    uid="${2:?build.sh user NAME UID}"
    groupadd --system --gid "$uid" "$name"
    useradd --system --uid "$uid" --gid "$uid" --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin "$name"
    mkdir -p /app/var
    chown -R "$uid:$uid" /app/var
    ;;
*)
    die "unknown step: $step"
    ;;
esac
