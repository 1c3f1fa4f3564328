# MCP Payments — developer entry points. `make` (or `make help`) lists them.
#
# Two commands are enough to start: `make run` (serve everything locally) and `make test` (what CI runs).
# Every target that needs them bootstraps .venv and makes sure PostgreSQL, Redis and RabbitMQ are up.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements/base.txt requirements/dev.txt
TEST_SETTINGS := mcp_payments.settings.test
BENCH ?=

.PHONY: help venv services migrate run test lint format bench clean chromium

help: ## List the targets
	@echo "MCP Payments — make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: PORT=8000 (make run), BENCH=name (make bench), DATABASE_URL, ... (.env.example)"

# --- virtualenv ----------------------------------------------------------------------------------
# Python 3.11 is wanted; plain python3 is accepted when it is 3.11 or newer.
$(VENV)/pyvenv.cfg:
	@py=""; \
	for cand in python3.11 python3; do \
		if command -v "$$cand" >/dev/null 2>&1 && \
			"$$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
			py="$$cand"; break; \
		fi; \
	done; \
	if [ -z "$$py" ]; then echo "Python >= 3.11 not found (tried python3.11, python3)" >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$(command -v $$py) ($$($$py -V 2>&1))"; \
	"$$py" -m venv $(VENV)

# Re-installs only when a requirements file is newer than the stamp.
$(STAMP): $(VENV)/pyvenv.cfg $(REQUIREMENTS)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements/dev.txt
	@touch $@

venv: $(STAMP) ## Create .venv and install requirements/dev.txt (only when they changed)

# --- services and database -----------------------------------------------------------------------
services: ## Check PostgreSQL, Redis, RabbitMQ (start the local ones that are down); create the DB
	@bash scripts/services.sh ensure

migrate: venv services ## Apply database migrations
	$(PY) manage.py migrate --noinput

# --- run -----------------------------------------------------------------------------------------
run: venv services migrate ## Serve HTTP/WebSockets/MCP on 127.0.0.1:PORT (8000) + Celery worker + beat
	@bash scripts/run.sh

# --- quality -------------------------------------------------------------------------------------
test: venv services chromium ## What CI runs: lint, format check, migrations check, pytest with coverage >= 90%
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) test-ops
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest --cov --cov-report=term -q --durations=30 \
		--ignore=tests/browser
	@# Playwright's sync API keeps an event loop running in the main thread for the session, which
	@# breaks async_to_sync in every later test: the browser tests get a process of their own.
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest -q -p no:cov tests/browser
	$(MAKE) test-frontend

# --- ops validation (#18) -------------------------------------------------------------------------
.PHONY: test-ops
test-ops: ## Validate ops/ and .github/ (kustomize, kubernetes-validate, hadolint, checkov, promtool, ...)
	bash ops/validate.sh

lint: venv ## ruff check + ruff format --check + import-linter contracts (pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	bash scripts/frontend.sh check

format: venv ## ruff format + ruff check --fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# --- dashboard (frontend/, docs/dashboard.md) ----------------------------------------------------
.PHONY: test-frontend frontend-dev
test-frontend: venv services migrate ## Dashboard: npm ci if needed, Vitest, build, Playwright
	bash scripts/frontend.sh test

frontend-dev: ## Vite dev server for frontend/, proxying /api, /mcp, /ws to :8000
	cd frontend && npm run dev

# --- browser tests -------------------------------------------------------------------------------
# tests/browser drives Debian's Chromium through Playwright (never a downloaded browser).
chromium: ## Install Debian's chromium for the browser tests when /usr/bin/chromium is missing
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing chromium (apt-get) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# --- benchmarks ----------------------------------------------------------------------------------
bench: venv services migrate ## Run benchmarks (BENCH=name for one) -> var/bench/latest.json
	@# The HTTP benchmarks drive the servers with wrk (Debian's package), installed when missing.
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) -m ops.bench $(BENCH)

# --- housekeeping --------------------------------------------------------------------------------
clean: ## Remove caches, coverage data and var/ scratch (keeps .venv and var/bench results)
	rm -rf var/static var/cache var/tmp .coverage .coverage.* coverage.xml htmlcov \
		.pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
