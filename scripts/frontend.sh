#!/usr/bin/env bash
# The React dashboard's build steps (frontend/, docs/dashboard.md):
#   frontend.sh build    npm ci + npm run build, only when frontend/'s sources or lock changed
#                        (a hash of them is kept in frontend/dist/.source-hash); without npm it
#                        says what to install and exits 0, so `make run` still serves the API
#   frontend.sh codegen  regenerate frontend/openapi.yaml (manage.py spectacular), the currency
#                        table and src/api/schema.d.ts (openapi-typescript)
#   frontend.sh check    codegen, then fail if any of the generated files differs from what is
#                        committed; then the type check (tsc -b) and `npm run lint` (ESLint
#                        over src/ and e2e/, Prettier --check)
#   frontend.sh test     npm ci if needed, Vitest, the build, Playwright against the real stack
#                        (scripts/run.sh on E2E_PORT, default PORT + 1) in /usr/bin/chromium;
#                        the stack is started first, in the background, so its ~1.5 min start
#                        overlaps npm ci, Vitest and the build (its log: var/e2e-server.log)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FRONTEND=frontend
PY=.venv/bin/python

source_hash() {
    # Every input of the build: sources, config and the lock file (not node_modules or dist).
    find "$FRONTEND" \( -path "$FRONTEND/node_modules" -o -path "$FRONTEND/dist" \
        -o -path "$FRONTEND/test-results" -o -path "$FRONTEND/e2e" \) -prune -o -type f -print \
        | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1
}

ensure_modules() {
    # npm ci when node_modules is missing or older than the lock file.
    if [[ ! -d $FRONTEND/node_modules || $FRONTEND/package-lock.json -nt $FRONTEND/node_modules/.package-lock.json ]]; then
        (cd "$FRONTEND" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    fi
}

build() {
    # The stack that `test` starts early runs scripts/run.sh, which builds too: `test` builds
    # itself after Vitest, so the stack's build is skipped rather than raced.
    if [[ -n ${FRONTEND_SKIP_BUILD:-} ]]; then
        echo "[frontend] build skipped (FRONTEND_SKIP_BUILD): the caller builds" >&2
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "[frontend] npm not found: install Node.js 20 and npm (apt-get install nodejs npm)" \
            "to build the dashboard; the API is served without it." >&2
        return 0
    fi
    local want have=""
    want="$(source_hash)"
    [[ -f $FRONTEND/dist/.source-hash ]] && have="$(cat "$FRONTEND/dist/.source-hash")"
    if [[ $want == "$have" && -f $FRONTEND/dist/index.html ]]; then
        echo "[frontend] dashboard build is current" >&2
        return 0
    fi
    echo "[frontend] building the dashboard (npm ci && npm run build)" >&2
    ensure_modules
    (cd "$FRONTEND" && npm run build)
    echo "$want" >"$FRONTEND/dist/.source-hash"
}

codegen() {
    "$PY" manage.py spectacular --file "$FRONTEND/openapi.yaml"
    "$PY" -c 'import json; from mcp_payments.api.money import CURRENCY_EXPONENTS as c; print(json.dumps(c, indent=2))' \
        >"$FRONTEND/src/money/currencies.json"
    # The report builder's whitelist (for the dashboard's client-side definition validation)
    # and what /analytics/timeseries accepts.
    "$PY" manage.py shell --no-imports -c 'import json; from analytics.metrics import timeseries_catalog as t; from analytics.reports.definition import definition_catalog as c; print(json.dumps({**c(), "timeseries": t()}, indent=2))' \
        >"$FRONTEND/src/pages/reports/catalog.json"
    ensure_modules
    (cd "$FRONTEND" && npx openapi-typescript openapi.yaml -o src/api/schema.d.ts >/dev/null)
}

E2E_PORT="${E2E_PORT:-$((${PORT:-8000} + 1))}"
stack_pid=""

check_chromium() {
    if [[ ! -x ${CHROMIUM_PATH:-/usr/bin/chromium} ]]; then
        echo "[frontend] Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}: apt-get install chromium" >&2
        return 1
    fi
}

start_stack() {
    # scripts/run.sh on E2E_PORT in the background; stop_stack (on any exit) TERMs it and it
    # stops its children. Its start (collectstatic, seed_demo, six processes importing Django)
    # takes ~1.5 min on 2 cores; Playwright would otherwise wait for it after npm ci, Vitest and
    # the build. Playwright then reuses it (E2E_REUSE_SERVER).
    if (exec 3<>"/dev/tcp/127.0.0.1/$E2E_PORT") 2>/dev/null; then
        echo "[frontend] port $E2E_PORT is in use: stop that server or set E2E_PORT" >&2
        return 1
    fi
    mkdir -p var
    echo "[frontend] starting the stack on port $E2E_PORT (log: var/e2e-server.log)" >&2
    FRONTEND_SKIP_BUILD=1 PORT="$E2E_PORT" bash scripts/run.sh >var/e2e-server.log 2>&1 &
    stack_pid=$!
    trap stop_stack EXIT
}

stop_stack() {
    # TERM to run.sh only: it stops its children (STOP_TIMEOUT) and exits.
    [[ -n $stack_pid ]] || return 0
    kill -TERM "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
    stack_pid=""
}

wait_stack() {
    # Until /health/live answers (or run.sh exits, or 240 s pass).
    local deadline=$((SECONDS + 240))
    until curl -fsS -o /dev/null "http://127.0.0.1:$E2E_PORT/health/live" 2>/dev/null; do
        if ! kill -0 "$stack_pid" 2>/dev/null || ((SECONDS >= deadline)); then
            echo "[frontend] the stack did not come up: tail var/e2e-server.log" >&2
            tail -n 40 var/e2e-server.log >&2
            return 1
        fi
        sleep 0.5
    done
}

e2e() {
    check_chromium
    mkdir -p var/screenshots
    if [[ -n $stack_pid ]]; then
        wait_stack
        (cd "$FRONTEND" && E2E_PORT="$E2E_PORT" E2E_REUSE_SERVER=1 npx playwright test)
    else
        (cd "$FRONTEND" && E2E_PORT="$E2E_PORT" npx playwright test)
    fi
}

case "${1:-}" in
build) build ;;
test)
    check_chromium
    # The stack first: run.sh needs no node_modules (its build is skipped), so its start
    # overlaps npm ci (mostly network and disk) more than Vitest (CPU, like the stack's start).
    start_stack
    ensure_modules
    (cd "$FRONTEND" && npx vitest run)
    build
    e2e
    stop_stack
    ;;
e2e) e2e ;;
codegen) codegen ;;
check)
    codegen
    git diff --exit-code -- "$FRONTEND/openapi.yaml" "$FRONTEND/src/money/currencies.json" \
        "$FRONTEND/src/api/schema.d.ts" "$FRONTEND/src/pages/reports/catalog.json" || {
        echo "frontend/openapi.yaml or schema.d.ts is stale: run 'bash scripts/frontend.sh codegen' and commit" >&2
        exit 1
    }
    (cd "$FRONTEND" && npm run --silent typecheck && npm run --silent lint)
    ;;
*)
    echo "usage: $0 build|codegen|check|test|e2e" >&2
    exit 2
    ;;
esac
