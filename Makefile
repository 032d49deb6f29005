# Partner Portal — the entry points a newcomer and CI use. Every target does its own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY      := .venv/bin/python
UV      := .tools/bin/uv
UV_VERSION := 0.13.9
# Ports of the local infrastructure (infra/*.sh read the same variables).
export KAFKA_PORT ?= 19092
export KAFKA_CONTROLLER_PORT ?= 19093
export PG_PORT ?= 15432
export PORTAL_KAFKA_BOOTSTRAP ?= 127.0.0.1:$(KAFKA_PORT)
export PORTAL_DATABASE_URL ?= postgresql://portal:portal@127.0.0.1:$(PG_PORT)/portal

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install -q uv==$(UV_VERSION)

.venv/.synced: .tools/bin/uv pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=.venv $(UV) sync --frozen --python python3.11 -q
	touch $@

deps: .venv/.synced ## install the pinned Python dependencies into .venv

prereqs: ## install missing system tools (Java, Maven, PostgreSQL, kcat, docker-compose, Chromium)
	bash infra/prereqs.sh

infra-up: prereqs ## start Kafka (KRaft) and PostgreSQL on loopback; idempotent
	bash infra/postgres.sh up
	bash infra/kafka.sh up

infra-down: ## stop Kafka and PostgreSQL
	bash infra/kafka.sh down
	bash infra/postgres.sh down

infra-clean: infra-down ## stop and delete all local Kafka and PostgreSQL data
	bash infra/kafka.sh clean
	bash infra/postgres.sh clean

topics: deps ## create the Kafka topics
	$(PY) -m shared.ops.topics

run: deps infra-up topics ## start everything with a demo partner; prints the URL
	$(PY) -m tools.run

stop: ## stop the services started by make run
	$(PY) -m tools.run --stop

lint: deps ## ruff and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy shared services tests tools $(wildcard bench chaos)

format: deps
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

test: deps infra-up ## the whole suite against the real infrastructure
	$(PY) -m pytest tests

test-unit: deps ## unit tests only (no I/O)
	$(PY) -m pytest tests/unit

test-integration: deps infra-up ## integration tests (real Kafka and PostgreSQL)
	$(PY) -m pytest tests/integration

test-e2e: deps infra-up ## end-to-end tests through the gateway
	$(PY) -m pytest tests/e2e

.PHONY: bench bench-quick chaos
bench: deps infra-up ## benchmark on the real stack (~15 min); writes results/bench.{json,md,png}
	$(PY) -m bench --profile

chaos: deps infra-up ## fault injection under load (~10 min; stops Kafka and PostgreSQL briefly); results/chaos.{json,md}
	$(PY) -m chaos

bench-quick: deps infra-up ## the benchmark's short mode (<2 min): checks the harness, not the figures
	$(PY) -m bench --quick

.PHONY: help deps prereqs infra-up infra-down infra-clean topics run stop lint format test test-unit test-integration test-e2e
