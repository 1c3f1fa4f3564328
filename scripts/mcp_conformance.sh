#!/usr/bin/env bash
# The official MCP test tools against a running server (docs/mcp.md, "Conformance").
#
#   scripts/mcp_conformance.sh install            # Node 22 + the tools into var/node (if missing)
#   MCP_TOKEN=sk_test_… scripts/mcp_conformance.sh run http://127.0.0.1:8000/mcp
#
# `run` installs what is missing, then runs, each failing loudly:
#   - @modelcontextprotocol/inspector in CLI mode: tools/list (with --strict schema checks) and a
#     tools/call of get_balance, with the bearer header;
#   - @modelcontextprotocol/conformance `server` with the scenarios that apply to this server
#     (below), through ops/mcp_auth_proxy.py since that CLI cannot send a header.
# Both tools need Node >= 22: Node 22 is installed from the npm registry into var/node (the
# system Node is not used).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_VERSION=22.23.3
INSPECTOR_VERSION=2.12.0
CONFORMANCE_VERSION=0.1.16
PREFIX=var/node
BIN="$PREFIX/node_modules/.bin"
PYTHON="${PYTHON:-.venv/bin/python}"

# Scenarios of `conformance list --server` that apply. The others are excluded because they
# call the suite's own fixture tools, resources or prompts (tools-call-*, resources-read-*,
# resources-templates-read, prompts-get-*, json-schema-2020-12, elicitation-*), or test
# features this server does not offer: logging/setLevel (deprecated), completion/complete,
# resources/subscribe, and SSE polling and multiple streams (the server is stateless and
# answers with JSON, not SSE).
SCENARIOS=(server-initialize ping tools-list resources-list prompts-list dns-rebinding-protection)

log() { printf '[mcp-conformance] %s\n' "$*" >&2; }

installed_version() { # package -> version or empty
    local manifest="$PREFIX/node_modules/$1/package.json"
    [[ -f "$manifest" ]] && sed -n 's/^  "version": "\(.*\)",$/\1/p' "$manifest" | head -1
}

install() {
    if [[ "$(installed_version node)" == "$NODE_VERSION" &&
        "$(installed_version @modelcontextprotocol/inspector)" == "$INSPECTOR_VERSION" &&
        "$(installed_version @modelcontextprotocol/conformance)" == "$CONFORMANCE_VERSION" ]]; then
        return 0
    fi
    command -v npm >/dev/null || { log "npm not found: install Node.js/npm first"; exit 1; }
    log "installing node@$NODE_VERSION, inspector@$INSPECTOR_VERSION, conformance@$CONFORMANCE_VERSION into $PREFIX"
    mkdir -p "$PREFIX"
    npm install --prefix "$PREFIX" --no-audit --no-fund --save-exact --loglevel=error \
        "node@$NODE_VERSION" \
        "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" \
        "@modelcontextprotocol/conformance@$CONFORMANCE_VERSION"
    "$BIN/node" --version | grep -q "^v22\." || { log "var/node has no Node 22"; exit 1; }
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PROXY_PID=""
stop_proxy() { [[ -z "$PROXY_PID" ]] || kill "$PROXY_PID" 2>/dev/null || true; }
trap stop_proxy EXIT

run() {
    local url="$1" base port scenario failed=0
    : "${MCP_TOKEN:?set MCP_TOKEN to an API key (sk_test_…) with the scopes to test}"
    install
    export PATH="$PWD/$BIN:$PATH" # the launchers run `node` from PATH: Node 22 first
    base="${url%/mcp}"

    log "inspector --cli tools/list --strict"
    inspector --cli "$url" --transport http --header "Authorization: Bearer $MCP_TOKEN" \
        --method tools/list --strict >/dev/null
    log "inspector --cli tools/call get_balance"
    inspector --cli "$url" --transport http --header "Authorization: Bearer $MCP_TOKEN" \
        --method tools/call --tool-name get_balance | grep -q '"object": "balance"'

    port="$(free_port)"
    MCP_PROXY_TOKEN="$MCP_TOKEN" "$PYTHON" -m ops.mcp_auth_proxy --upstream "$base" --port "$port" &
    PROXY_PID=$!
    "$PYTHON" - "$port" <<'PY'
import socket, sys, time
deadline = time.monotonic() + 20
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the auth proxy did not start")
        time.sleep(0.1)
PY
    for scenario in "${SCENARIOS[@]}"; do
        log "conformance server --scenario $scenario"
        if ! conformance server --url "http://127.0.0.1:$port/mcp" --scenario "$scenario"; then
            failed=1
        fi
    done
    return "$failed"
}

case "${1:-}" in
install) install ;;
run) run "${2:?usage: scripts/mcp_conformance.sh run <url of /mcp>}" ;;
*)
    echo "usage: $0 install | run <url of /mcp>   (run reads the bearer token from MCP_TOKEN)" >&2
    exit 2
    ;;
esac
