# qrstack — `make run` starts the whole platform; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMPOSE_VENV := .cache/compose-venv
PYTEST_ARGS ?=
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
IMAGE ?= qrstack:$(VERSION)

.PHONY: browser nginx faketime run test lint imports typecheck pytest install fuzz faults security bench gallery docs-screenshot compose-config k8s-config clean clean-data image fresh-check

## Everything `make run` and `make test` need, from the package registries into .venv and the
## cache: nothing but Python 3.11+ and make beforehand (no PostgreSQL, Java or Maven).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "qrstack needs Python 3.11+, found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the Python packages (with PostgreSQL's server and a Java runtime as wheels) into $(VENV) ..."
	@start=$$(date +%s); \
	  $(BIN)/python -m pip install -q --upgrade pip && \
	  $(BIN)/python -m pip install -q -e '.[dev]' && \
	  echo "  Python packages installed in $$(( $$(date +%s) - start ))s"
	$(BIN)/python -m qrstack_launcher install
	@touch $(STAMP)

install: $(STAMP)

## The embedded platform: PostgreSQL, Kafka, chDB and the four services; Ctrl-C stops it.
run: $(STAMP)
	$(BIN)/python -m qrstack_launcher run

## Everything CI checks: lint, format, import boundaries, types, the compose file, and the
## whole test suite on real components.
test: lint imports typecheck compose-config pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Import boundaries (import-linter, contracts in pyproject.toml): libs/common imports no
## service, no service imports another, none imports the launcher.
imports: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy libs services dev

pytest: $(STAMP) nginx browser
	$(BIN)/pytest -q $(PYTEST_ARGS)

## nginx for the export test (its redirect map served for real): Debian's, installed with
## apt-get when run as root; otherwise that one test says why it skipped.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q nginx >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q nginx >/dev/null; } || \
	    echo "nginx could not be installed: the export-to-nginx test will skip"; \
	  else echo "nginx is not installed (needs root and apt-get): the export-to-nginx test will skip"; fi; }

## Validate docker-compose.yml without a Docker engine (docker-compose 1.29 from PyPI).
compose-config:
	@test -x $(COMPOSE_VENV)/bin/docker-compose || { $(PYTHON) -m venv $(COMPOSE_VENV) && \
	  $(COMPOSE_VENV)/bin/pip install -q "PyYAML==5.3.1" "docker-compose==1.29.2"; }
	$(COMPOSE_VENV)/bin/docker-compose -f docker-compose.yml config -q
	@echo "docker-compose.yml is valid"

## Print the rendered kustomize base or an overlay (kubectl's kustomize, from the kubectl wheel);
## `make test` renders and validates all of them (tests/deployment).
K8S_OVERLAY ?= overlays/production
k8s-config: $(STAMP)
	$(BIN)/kubectl kustomize deploy/k8s/$(K8S_OVERLAY)

## The two commands on a machine with only Python and make: a throwaway HOME, no PostgreSQL,
## Java or Maven on PATH; install, `make run` to ready, scan a code, again warm (dev/fresh_check.py).
fresh-check: $(STAMP)
	$(BIN)/python dev/fresh_check.py $(FRESH_CHECK_ARGS)

## The one image of the four services (needs a Docker engine): qrstack:<version>, or IMAGE=...
## for a registry (then set the same name in deploy/k8s: see README "Kubernetes").
image:
	docker build -t $(IMAGE) .

## Debian's Chromium for the browser tests (console, /v1/docs, hostile pages), installed with
## apt-get when run as root; otherwise those tests say why they skipped.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } || \
	    echo "chromium could not be installed: the browser tests will skip"; \
	  else echo "chromium is not installed (needs root and apt-get): the browser tests will skip"; fi; }

## Fuzz /v1 from its OpenAPI document with schemathesis: no 5xx, every answer as documented.
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/api_fuzz.py

## The fault suite (tests/faults, docs/reliability.md): kill -9 parts of a platform of its own
## under load and check nothing was lost or doubled; prints the table of scenarios.
faults: $(STAMP) faketime
	QRSTACK_FAULTS=1 $(BIN)/pytest -q -p no:warnings tests/faults $(PYTEST_ARGS)

## libfaketime (Debian faketime) for the fault suite's clock-skew scenario.
faketime:
	@test -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q faketime >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q faketime >/dev/null; } || \
	    echo "faketime could not be installed: the clock-skew scenario will skip"; \
	  else echo "faketime is not installed (needs root and apt-get): the clock-skew scenario will skip"; fi; }

## The security suite alone (tests/security: SSRF, open redirects, CSV injection, scopes and
## isolation walked from the OpenAPI document, credentials, brute force, uploads; docs/security.md).
security: $(STAMP) browser
	$(BIN)/pytest -q tests/security $(PYTEST_ARGS)

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

gallery: $(STAMP)
	$(BIN)/python bench/gallery.py

## docs/api-reference.png: /v1/docs in headless Chromium (Debian's chromium), a Wi-Fi code's fields.
docs-screenshot: $(STAMP)
	QRSTACK_DOCS_SCREENSHOT=$(CURDIR)/docs/api-reference.png $(BIN)/pytest -q \
	  tests/integration/api_core/test_docs_browser.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

## Forget everything `make run` stored (codes, scans, Kafka log).
clean-data:
	rm -rf .run
