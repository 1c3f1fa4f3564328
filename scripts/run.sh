#!/usr/bin/env bash
# Local all-in-one server, started by `make run` (after the venv, services and migrations):
#   - ASGI server (uvicorn) for HTTP, WebSockets and MCP on 127.0.0.1:$PORT (default 8000)
#   - one Celery worker consuming every queue but webhooks, and a dedicated worker for `webhooks`
#     (a failing channel, e.g. email, never delays webhook deliveries)
#   - Celery beat (DatabaseScheduler, configured in settings)
#   - the events relay and the event consumers of every domain (manage.py events_*)
# It first collects static files (served by the ASGI server itself, ServeStatic), seeds the demo
# merchant and the back office's staff user, and prints the API key and both logins.
# Ctrl-C (or TERM) stops every process it started; if any of them dies, it stops the rest
# and exits non-zero. Production runs these as separate processes: docs/deployment.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DJANGO_SETTINGS_MODULE=mcp_payments.settings.base
unset DEBUG
# Staff sign in to /admin/ (and get API tokens) with a TOTP second factor, as in production.
export STAFF_OTP_REQUIRED="${STAFF_OTP_REQUIRED:-1}"
PORT="${PORT:-8000}"
HOST=127.0.0.1
VENV_BIN=.venv/bin
STOP_TIMEOUT="${STOP_TIMEOUT:-20}" # seconds to wait for a graceful stop before SIGKILL

# Under ASGI, persistent connections (CONN_MAX_AGE > 0) leak one connection per request
# thread: the ASGI server closes each one after its request unless told otherwise.
ASGI_DB_CONN_MAX_AGE="${DB_CONN_MAX_AGE:-0}"
# Mail in development: Django's console backend (messages are printed in the worker's log)
# unless EMAIL_BACKEND / EMAIL_HOST point at a real server.
export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
case "$EMAIL_BACKEND" in
*console*) mail_target="console backend: printed in the Celery worker's log" ;;
*) mail_target="$EMAIL_BACKEND (${EMAIL_HOST:-127.0.0.1}:${EMAIL_PORT:-25})" ;;
esac

names=()
pids=()
stopping=0

log() { printf '[run] %s\n' "$*" >&2; }

start() { # name command...
    local name="$1"
    shift
    "$@" &
    names+=("$name")
    pids+=("$!")
    log "started $name (pid $!)"
}

stop_children() {
    local i pid deadline alive
    ((${#pids[@]})) || return 0
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    while :; do
        alive=0
        for pid in "${pids[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        ((alive)) || break
        if ((SECONDS >= deadline)); then
            for i in "${!pids[@]}"; do
                if kill -0 "${pids[$i]}" 2>/dev/null; then
                    log "${names[$i]} (pid ${pids[$i]}) did not stop in ${STOP_TIMEOUT} s: SIGKILL"
                    kill -KILL "${pids[$i]}" 2>/dev/null || true
                fi
            done
            break
        fi
        sleep 0.2
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    if ((${#pids[@]})); then
        log "stopping ${names[*]}"
        stop_children
    fi
    exit "$rc"
}

on_signal() {
    stopping=1
    log "signal received, stopping"
    exit 130
}

trap on_exit EXIT
trap on_signal INT TERM

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

# --- preflight -----------------------------------------------------------------------------------
if port_open; then
    log "port $PORT on $HOST is already in use: stop that server or run with PORT=<other>"
    exit 1
fi

# --- static files --------------------------------------------------------------------------------
log "collecting static files (manage.py collectstatic)"
"$VENV_BIN/python" manage.py collectstatic --noinput -v 0

# --- demo merchant and staff user ----------------------------------------------------------------
log "seeding the demo merchant and the staff user (manage.py seed_demo)"
seed_output="$("$VENV_BIN/python" manage.py seed_demo)"
# The command prints one JSON object; take the last line that parses as one.
demo="$(
    printf '%s\n' "$seed_output" | "$VENV_BIN/python" -c '
import json, sys
found = None
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        try:
            found = json.loads(line)
        except ValueError:
            pass
wanted = {"api_key", "username", "password", "staff_username", "staff_password"}
if not isinstance(found, dict) or not wanted <= found.keys():
    sys.exit("seed_demo did not print {merchant, api_key, username, password, staff_...}")
print(
    found.get("merchant", ""), found["api_key"], found["username"], found["password"],
    found["staff_username"], found["staff_password"], sep="\t",
)
'
)"
IFS=$'\t' read -r demo_merchant demo_key demo_user demo_password staff_user staff_password <<<"$demo"

print_box() {
    local lines=(
        "MCP Payments is running"
        ""
        "Dashboard  http://$HOST:$PORT/dashboard/   (log in: $demo_user / $demo_password)"
        ""
        "Home       http://$HOST:$PORT/"
        "API        http://$HOST:$PORT/api/v1/   (docs: /api/v1/docs/)"
        "API key    $demo_key"
        "Merchant   $demo_merchant"
        ""
        "Back office (platform staff): http://$HOST:$PORT/admin/"
        "  Username $staff_user"
        "  Password $staff_password"
        "  2FA code .venv/bin/python manage.py staff_otp $staff_user"
        ""
        "Merchant dashboard user (POST /api/v1/auth/token -> JWT; the dashboard):"
        "  Username $demo_user"
        "  Password $demo_password"
        ""
        "Health     http://$HOST:$PORT/health/ready"
        "Mail       $mail_target"
        "Stop       Ctrl-C"
    )
    local width=0 line
    for line in "${lines[@]}"; do
        if ((${#line} > width)); then width=${#line}; fi
    done
    local bar
    bar="$(printf '%*s' $((width + 2)) '' | tr ' ' '-')"
    printf '\n+%s+\n' "$bar"
    for line in "${lines[@]}"; do printf '| %-*s |\n' "$width" "$line"; done
    printf '+%s+\n\n' "$bar"
}

# --- dashboard -----------------------------------------------------------------------------------
# Builds frontend/ only when its sources or lock file changed; without npm it says what to install
# and the API is served all the same.
bash scripts/frontend.sh build || log "the dashboard build failed: serving the API without it"

# --- processes -----------------------------------------------------------------------------------
start asgi env DB_CONN_MAX_AGE="$ASGI_DB_CONN_MAX_AGE" \
    "$VENV_BIN/uvicorn" mcp_payments.asgi:application --host "$HOST" --port "$PORT" \
    --lifespan on --ws websockets-sansio --ws-per-message-deflate false
start worker "$VENV_BIN/celery" -A mcp_payments worker -n "general-$PORT@%h" \
    -Q payments,analytics,compliance,notifications,email,sms,monitoring -l info --concurrency 2
start webhook-worker "$VENV_BIN/celery" -A mcp_payments worker -n "webhooks-$PORT@%h" \
    -Q webhooks -l info --concurrency 2
start beat "$VENV_BIN/celery" -A mcp_payments beat -l info
# The events relay (outbox -> RabbitMQ) and the consumers of every subscriber domain.
start relay "$VENV_BIN/python" manage.py events_relay
start consumers "$VENV_BIN/python" manage.py events_consume --all

# Show the box once the server accepts connections (or give up waiting after RUN_READY_TIMEOUT s).
deadline=$((SECONDS + ${RUN_READY_TIMEOUT:-90}))
until port_open; do
    if ! kill -0 "${pids[0]}" 2>/dev/null || ((SECONDS >= deadline)); then break; fi
    sleep 0.3
done
if port_open; then print_box; fi

# --- supervise -----------------------------------------------------------------------------------
# Wait for the first child to exit; any exit (even 0) is a failure of the whole.
rc=0
wait -n "${pids[@]}" || rc=$?
if ((stopping)); then exit 130; fi
for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
        log "${names[$i]} (pid ${pids[$i]}) exited with status $rc: stopping the rest"
    fi
done
if ((rc == 0)); then rc=1; fi
exit "$rc"
