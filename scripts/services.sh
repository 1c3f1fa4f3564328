#!/usr/bin/env bash
# Make sure the backing services are up: PostgreSQL, Redis, RabbitMQ; then the database.
#
#   bash scripts/services.sh ensure
#
# Each service is checked first (fast when all are up). One that is down is started with its
# standard local command when it is installed on this machine and its host is local; otherwise
# the script names what is missing and exits 1. Idempotent.
#
# Overrides (defaults in brackets):
#   DATABASE_URL   [postgres://postgres@127.0.0.1:5432/mcp_payments] -> host, port, user, database
#   PGHOST PGPORT PGUSER PGDATABASE   take precedence over DATABASE_URL's parts
#   REDIS_HOST [127.0.0.1]  REDIS_PORT [6379]
#   RABBITMQ_HOST [127.0.0.1]  RABBITMQ_PORT [5672]
#   RABBITMQ_START_TIMEOUT [60] seconds to wait for a freshly started RabbitMQ
set -euo pipefail

DEFAULT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/mcp_payments"

# --- configuration -----------------------------------------------------------------------------

parse_database_url() {
    # postgres[ql]://user[:password]@host[:port]/dbname[?options]
    local url="${DATABASE_URL:-$DEFAULT_DATABASE_URL}"
    local re='^postgres(ql)?://(([^:@/]*)(:([^@/]*))?@)?([^:/?]*)(:([0-9]+))?/([^?]+)'
    if [[ "$url" =~ $re ]]; then
        URL_USER="${BASH_REMATCH[3]}"
        URL_PASSWORD="${BASH_REMATCH[5]}"
        URL_HOST="${BASH_REMATCH[6]}"
        URL_PORT="${BASH_REMATCH[8]}"
        URL_DB="${BASH_REMATCH[9]}"
    else
        echo "services: cannot parse DATABASE_URL (expected postgres://user@host:port/db)" >&2
        exit 1
    fi
}

parse_database_url
PG_HOST="${PGHOST:-${URL_HOST:-127.0.0.1}}"
PG_PORT="${PGPORT:-${URL_PORT:-5432}}"
PG_USER="${PGUSER:-${URL_USER:-postgres}}"
PG_DB="${PGDATABASE:-${URL_DB:-mcp_payments}}"
if [[ -n "${URL_PASSWORD:-}" && -z "${PGPASSWORD:-}" ]]; then
    export PGPASSWORD="$URL_PASSWORD"
fi
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
RABBITMQ_HOST="${RABBITMQ_HOST:-127.0.0.1}"
RABBITMQ_PORT="${RABBITMQ_PORT:-5672}"
RABBITMQ_START_TIMEOUT="${RABBITMQ_START_TIMEOUT:-60}"

# --- helpers -----------------------------------------------------------------------------------

ok() { printf 'OK    %-10s %s\n' "$1" "$2"; }
info() { printf '...   %-10s %s\n' "$1" "$2"; }
fail() {
    printf 'FAIL  %-10s %s\n' "$1" "$2" >&2
    exit 1
}

is_local() {
    case "$1" in
        127.0.0.1 | localhost | ::1 | "") return 0 ;;
        *) return 1 ;;
    esac
}

tcp_open() { # host port
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

wait_until() { # seconds command...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        if ((SECONDS >= deadline)); then
            return 1
        fi
        sleep 0.5
    done
}

# --- PostgreSQL --------------------------------------------------------------------------------

pg_up() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
    else
        tcp_open "$PG_HOST" "$PG_PORT"
    fi
}

ensure_postgres() {
    local where="$PG_HOST:$PG_PORT"
    if pg_up; then
        ok postgresql "$where"
        return
    fi
    if ! is_local "$PG_HOST"; then
        fail postgresql "$where is not reachable (remote host: start it there)"
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
        fail postgresql "$where is not reachable and PostgreSQL is not installed here (need pg_ctlcluster and a cluster under /etc/postgresql)"
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    info postgresql "starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
        fail postgresql "pg_ctlcluster $version main start failed"
    wait_until 30 pg_up || fail postgresql "started, but $where does not accept connections after 30 s"
    ok postgresql "$where (started)"
}

database_exists() {
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -lqt |
        cut -d '|' -f 1 | tr -d ' ' | grep -qxF "$PG_DB"
}

ensure_database() {
    command -v psql >/dev/null 2>&1 || fail database "psql is not installed (PostgreSQL client)"
    command -v createdb >/dev/null 2>&1 || fail database "createdb is not installed (PostgreSQL client)"
    if database_exists; then
        ok database "$PG_DB"
        return
    fi
    # Another make running at the same moment may create it first: check again on failure.
    if createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" 2>/dev/null || database_exists; then
        ok database "$PG_DB (created)"
    else
        fail database "could not create $PG_DB on $PG_HOST:$PG_PORT as $PG_USER"
    fi
}

# --- Redis -------------------------------------------------------------------------------------

redis_up() {
    if command -v redis-cli >/dev/null 2>&1; then
        [[ "$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == "PONG" ]]
    else
        tcp_open "$REDIS_HOST" "$REDIS_PORT"
    fi
}

ensure_redis() {
    local where="$REDIS_HOST:$REDIS_PORT"
    if redis_up; then
        ok redis "$where"
        return
    fi
    if ! is_local "$REDIS_HOST"; then
        fail redis "$where is not reachable (remote host: start it there)"
    fi
    command -v redis-server >/dev/null 2>&1 ||
        fail redis "$where is not reachable and redis-server is not installed here"
    info redis "starting redis-server"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
        fail redis "redis-server failed to start (see /var/log/redis/ci.log)"
    wait_until 15 redis_up || fail redis "started, but $where does not answer PING after 15 s"
    ok redis "$where (started)"
}

# --- RabbitMQ ----------------------------------------------------------------------------------

rabbit_tcp_up() { tcp_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; }

rabbit_diagnose() {
    # The AMQP port answers; when the local tools are here, ask the node itself too.
    is_local "$RABBITMQ_HOST" || return 0
    if command -v rabbitmq-diagnostics >/dev/null 2>&1; then
        timeout 30 rabbitmq-diagnostics -q check_port_connectivity >/dev/null 2>&1
    elif command -v rabbitmqctl >/dev/null 2>&1; then
        timeout 30 rabbitmqctl -q await_startup >/dev/null 2>&1
    fi
}

ensure_rabbitmq() {
    local where="$RABBITMQ_HOST:$RABBITMQ_PORT"
    if rabbit_tcp_up; then
        if rabbit_diagnose; then
            ok rabbitmq "$where"
        else
            # Usually the Erlang cookie is not readable by this user; the port itself answers.
            ok rabbitmq "$where (port open; rabbitmq-diagnostics could not reach the node)"
        fi
        return
    fi
    if ! is_local "$RABBITMQ_HOST"; then
        fail rabbitmq "$where is not reachable (remote host: start it there)"
    fi
    command -v rabbitmq-server >/dev/null 2>&1 ||
        fail rabbitmq "$where is not reachable and rabbitmq-server is not installed here"
    info rabbitmq "starting rabbitmq-server (up to ${RABBITMQ_START_TIMEOUT} s)"
    rabbitmq-server -detached >/dev/null 2>&1 || true # it may warn and still start
    wait_until "$RABBITMQ_START_TIMEOUT" rabbit_tcp_up ||
        fail rabbitmq "started, but $where does not accept connections after ${RABBITMQ_START_TIMEOUT} s"
    if command -v rabbitmqctl >/dev/null 2>&1; then
        timeout "$RABBITMQ_START_TIMEOUT" rabbitmqctl -q await_startup >/dev/null 2>&1 || true
    fi
    ok rabbitmq "$where (started)"
}

# --- main --------------------------------------------------------------------------------------

usage() {
    echo "usage: $0 ensure" >&2
    exit 2
}

case "${1:-}" in
    ensure)
        ensure_postgres
        ensure_redis
        ensure_rabbitmq
        ensure_database
        ;;
    *) usage ;;
esac
