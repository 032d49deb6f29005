# Partner Portal — the entry points a newcomer and CI use. Every target does its own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY      := .venv/bin/python
UV      := .tools/bin/uv
UV_VERSION := 0.13.9
# The open-loop load generator of `make bench-reads`, built from its Go module.
VEGETA_VERSION := v12.12.0
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
# Ports of the local infrastructure (infra/*.sh read the same variables).
# KAFKA_BROKERS=3: a cluster of three brokers instead of the single one (make infra-up, run, ...),
# its node N on KAFKA_CLUSTER_PORT + 2(N-1); the cluster tests start it themselves.
ifeq ($(CLUSTER),3)
KAFKA_BROKERS := 3
endif
export KAFKA_BROKERS ?= 1
export KAFKA_PORT ?= 19092
export KAFKA_CONTROLLER_PORT ?= 19093
export KAFKA_CLUSTER_PORT ?= 19192
export KAFKA_CLUSTER_CONTROLLER_PORT ?= 19193
export PG_PORT ?= 15432
ifeq ($(KAFKA_BROKERS),1)
export PORTAL_KAFKA_BOOTSTRAP ?= 127.0.0.1:$(KAFKA_PORT)
else
export PORTAL_KAFKA_BOOTSTRAP ?= $(shell for n in 0 2 4; do printf '127.0.0.1:%s,' $$(($(KAFKA_CLUSTER_PORT) + n)); done | sed 's/,$$//')
endif
export PORTAL_DATABASE_URL ?= postgresql://portal:portal@127.0.0.1:$(PG_PORT)/portal

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install -q uv==$(UV_VERSION)

# The version is in the stamp's name: a new pin rebuilds vegeta, and a binary from any other
# version (e.g. @latest) is replaced on the first run.
.tools/vegeta-$(VEGETA_VERSION).pin:
	mkdir -p .tools
	touch $@

.tools/bin/vegeta: .tools/vegeta-$(VEGETA_VERSION).pin
	mkdir -p .tools/bin
	GOBIN=$(CURDIR)/.tools/bin GOFLAGS=-buildvcs=false $(GO) install github.com/tsenart/vegeta/v12@$(VEGETA_VERSION)
	touch $@

# The official AsyncAPI parser and the page renderer (npm, tools/asyncapi/package-lock.json):
# the tests validate docs/asyncapi.yaml with it; the gateway's /asyncapi page is rendered by it.
ASYNCAPI_NODE := tools/asyncapi/node_modules/.installed
ASYNCAPI_PAGE := tools/asyncapi/build/asyncapi.html

$(ASYNCAPI_NODE): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	cd tools/asyncapi && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(ASYNCAPI_PAGE): docs/asyncapi.yaml tools/asyncapi/validate.mjs $(ASYNCAPI_NODE)
	node tools/asyncapi/validate.mjs docs/asyncapi.yaml --html $@

asyncapi: deps $(ASYNCAPI_NODE) ## regenerate docs/asyncapi.yaml from the contracts and validate it
	$(PY) -m tools.asyncapi
	node tools/asyncapi/validate.mjs docs/asyncapi.yaml --html $(ASYNCAPI_PAGE)

# eslint, prettier and tsc --checkJs over the browser code (npm, tools/webcheck/package-lock.json).
# The API's types are generated at check time from the gateway's OpenAPI document (dumped from
# create_app(), no server) by openapi-typescript into tools/webcheck/build/ (not committed).
WEBCHECK := tools/webcheck
WEBCHECK_NODE := $(WEBCHECK)/node_modules/.installed
WEBCHECK_BIN := $(WEBCHECK)/node_modules/.bin
WEB_JS := services/gateway/web/js

$(WEBCHECK_NODE): $(WEBCHECK)/package.json $(WEBCHECK)/package-lock.json
	cd $(WEBCHECK) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# --compile-bytecode: every process starts from bytecode. Without it (uv's default) and with
# PYTHONDONTWRITEBYTECODE set, as on these machines, each start compiled the libraries again:
# a service took 4 s to be ready on an idle machine instead of 1.8 s, and 12-20 s under load.
.venv/.synced: .tools/bin/uv pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=.venv $(UV) sync --frozen --python python3.11 -q --compile-bytecode
	touch $@

deps: .venv/.synced ## install the pinned Python dependencies into .venv

prereqs: ## install missing system tools (Java, Maven, PostgreSQL, kcat, docker-compose, Chromium, wrk, Go)
	bash infra/prereqs.sh

infra-up: prereqs ## start Kafka (KRaft) and PostgreSQL on loopback; idempotent
	bash infra/postgres.sh up
	bash infra/kafka.sh up

infra-down: ## stop Kafka (the single broker and a cluster) and PostgreSQL
	KAFKA_BROKERS=1 bash infra/kafka.sh down
	KAFKA_BROKERS=3 bash infra/kafka.sh down
	bash infra/postgres.sh down

infra-clean: infra-down ## stop and delete all local Kafka and PostgreSQL data
	KAFKA_BROKERS=1 bash infra/kafka.sh clean
	KAFKA_BROKERS=3 bash infra/kafka.sh clean
	bash infra/postgres.sh clean

topics: deps ## create the Kafka topics
	$(PY) -m shared.ops.topics

run: deps infra-up topics $(ASYNCAPI_PAGE) ## start everything (a local mail sink too) with a demo partner; prints the URLs
	$(PY) -m tools.run

stop: ## stop the services started by make run
	$(PY) -m tools.run --stop

lint: deps lint-web compose-check ## ruff and mypy, then the browser code (lint-web) and the compose file
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy shared services tests tools $(wildcard bench chaos)

lint-web: deps $(WEBCHECK_NODE) ## eslint, prettier --check and tsc --checkJs (API types from the OpenAPI document) over web/js
	$(PY) -m tools.webcheck.openapi $(WEBCHECK)/build/openapi.json
	$(WEBCHECK_BIN)/openapi-typescript $(WEBCHECK)/build/openapi.json -o $(WEBCHECK)/build/openapi.d.ts
	$(WEBCHECK_BIN)/eslint --config $(WEBCHECK)/eslint.config.js $(WEB_JS)
	$(WEBCHECK_BIN)/prettier --config $(WEBCHECK)/prettier.config.json --check $(WEB_JS)
	$(WEBCHECK_BIN)/tsc -p $(WEBCHECK)

# docker-compose (installed by make prereqs) validates the file without a Docker engine.
compose-check: ## validate docker-compose.yml (no Docker engine needed)
	@command -v docker-compose >/dev/null || bash infra/prereqs.sh compose
	docker-compose -f docker-compose.yml config -q

format: deps $(WEBCHECK_NODE)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .
	$(WEBCHECK_BIN)/prettier --config $(WEBCHECK)/prettier.config.json --write --log-level=warn $(WEB_JS)

# lint-web first: a browser-code check that fails stops CI in seconds.
test: deps lint-web infra-up .tools/bin/vegeta $(ASYNCAPI_PAGE) ## the whole suite against the real infrastructure, after lint-web
	$(PY) -m pytest tests

test-unit: deps $(ASYNCAPI_NODE) ## unit tests only (no I/O)
	$(PY) -m pytest tests/unit

test-integration: deps infra-up .tools/bin/vegeta ## integration tests (real Kafka and PostgreSQL)
	$(PY) -m pytest tests/integration

test-e2e: deps infra-up $(ASYNCAPI_PAGE) ## end-to-end tests through the gateway
	$(PY) -m pytest tests/e2e

test-cluster: deps prereqs ## the three-broker cluster tests (they start and stop the cluster themselves)
	$(PY) -m pytest tests/cluster

test-browser: deps infra-up $(ASYNCAPI_PAGE) ## browser tests: Debian's Chromium (headless) through the gateway
	bash infra/prereqs.sh chromium
	$(PY) -m pytest tests/browser

.PHONY: bench bench-reads bench-quick chaos
bench: deps infra-up .tools/bin/vegeta ## benchmark on the real stack (~25 min): the pipeline (results/bench.{json,md,png}), then bench-reads
	$(PY) -m bench --profile
	$(PY) -m bench.reads

bench-reads: deps infra-up .tools/bin/vegeta ## read benchmark (<10 min): wrk and vegeta on every partner read at 10k/100k customers; results/reads.{json,md}
	$(PY) -m bench.reads

chaos: deps infra-up ## 19 faults under 52 % of the measured maximum load (~20 min, +6 min to measure it on a fresh checkout; stops Kafka and PostgreSQL briefly); results/chaos.{json,md}; CLUSTER=3: on the three-broker cluster, a broker killed and a rolling restart (results/chaos-cluster.*)
	$(PY) -m chaos

bench-quick: deps infra-up ## the benchmark's short mode (<2 min): checks the harness, not the figures
	$(PY) -m bench --quick

.PHONY: asyncapi help deps prereqs infra-up infra-down infra-clean topics run stop lint lint-web compose-check format test test-unit test-integration test-e2e test-browser test-cluster
