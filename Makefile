# Territoires d'industrie dashboard. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8050
# worker processes of the production server: one per core, at most 4 (each 500-600 MB, see BENCHMARKS.md)
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
# test processes (pytest-xdist): the browser tests wait on chromium and the server, so two
# processes use both cores of a 2-core machine; TEST_WORKERS=0 runs the suite in one process
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help env etl run serve test test-fast bench lint demo clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

env: $(STAMP) ## create the virtual environment (.venv) with pinned dependencies

etl: $(STAMP) ## build the DuckDB database from the raw mirror (does nothing if inputs are unchanged)
	$(PY) -m etl build

run: $(STAMP) ## build the database if needed (or damaged), then serve it as `make serve` does
	$(PY) -m etl build
	$(MAKE) --no-print-directory serve

serve: $(STAMP) ## serve the dashboard with gunicorn on http://$(HOST):$(PORT), $(WORKERS) workers
	$(PY) -m dashboard.server --host $(HOST) --port $(PORT) --workers $(WORKERS)

demo: $(STAMP) ## load the opt-in demonstration registry (données fictives) into the database
	$(PY) -m etl build
	$(PY) -m etl demo

test: $(STAMP) ## run the whole test suite (unit, ETL, integration over the mirror, browser), TEST_WORKERS processes
	$(PY) -m pytest -q -n $(TEST_WORKERS)

test-fast: $(STAMP) ## run the tests that need neither the mirror nor a browser
	$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not integration and not browser"

bench: $(STAMP) ## run the benchmarks and print the numbers recorded in BENCHMARKS.md
	$(PY) -m etl build
	$(PY) scripts/bench.py

lint: $(STAMP) ## check the code: ruff (errors and formatting) and the import contracts (architecture)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

clean: ## remove the built database and caches (not the environment)
	rm -rf data/processed/*.duckdb* data/processed/.hash-cache.json data/raw/* .pytest_cache .ruff_cache
