# Cheongbaek: the two commands a fresh machine needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: help venv demo airflow test test-fast lint typecheck bench clean-state

help:
	@echo "make demo   - the whole pipeline end to end on the embedded PostgreSQL"
	@echo "make airflow - Airflow's UI and scheduler on the project's DAGs (after make demo; Ctrl-C stops)"
	@echo "make test   - install everything and run every test (what CI runs)"
	@echo "make bench  - the benchmark at scale (writes bench/results/)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/demo.sh

airflow: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/cheongbaek airflow

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	scripts/install-chromium.sh
	scripts/install-redis.sh
	$(BIN)/ruff check .
	CHEONGBAEK_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not celery and not browser"

bench: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/run.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python bench/workbench.py

clean-state:
	-$(BIN)/cheongbaek db down
	rm -rf .cheongbaek
