#!/usr/bin/env bash
# The build steps of ops/docker/Dockerfile, one sub-command per RUN, so the same steps run (and are
# tested: tests/e2e/ops/test_build_script.py) without a Docker engine. Run from the source root.
#
#   build.sh deps VENV        create the virtualenv VENV with requirements/base.txt (runtime only)
#   build.sh frontend OUT     build frontend/ (npm ci + npm run build) into OUT; an empty OUT
#                             when the checkout has no frontend/
#   build.sh app VENV         collect static files into var/static and byte-compile the sources
#   build.sh user NAME UID    create the unprivileged runtime user (image build only; needs root)
#
# pip honours PIP_* variables (the Dockerfile mounts a cache at /root/.cache/pip).
set -euo pipefail

die() {
    echo "build.sh: $*" >&2
    exit 2
}

step="${1:-}"
[ -n "$step" ] || die "usage: build.sh deps|frontend|app|user ..."
shift

case "$step" in
deps)
    venv="${1:?build.sh deps VENV}"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --disable-pip-version-check --no-input -q -r requirements/base.txt
    ;;
frontend)
    out="${1:?build.sh frontend OUT}"
    mkdir -p "$out"
    if [ -f frontend/package.json ]; then
        (cd frontend && npm ci --no-audit --no-fund && npm run build)
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
