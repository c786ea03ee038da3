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
# spaCy pipeline for the build, e.g. `make build MODEL=en_core_web_md`; empty: the CLI's default (nlp.DEFAULT_MODEL)
MODEL ?=
# What the database is made from: the pipeline's code and data files, not the web pages
# (pipeline/serve: the server, templates, metadata and plugin, read by `serve` when it starts).
SOURCES := $(shell find pipeline -path pipeline/serve -prune -o -type f \( -name '*.py' -o -path 'pipeline/data/*' \) \
	-print 2>/dev/null)
# What raw/ holds, one line a file: size, modification and change times, name. Rewritten only when it
# differs, so an addition (even with an old modification time: cp -p, unzip), a deletion, a rename or an
# edit makes a build, and nothing changed is still "nothing to be done" (the file keeps its time).
RAW_MANIFEST := extracted/.raw-manifest
# The check-worthiness classifier (`make model`): what it is trained from, and where it goes.
CLAIM_MODEL := models/checkworthy
TRAINING := $(wildcard pipeline/data/train/*.jsonl) pipeline/extract/claims/textcat.cfg \
	pipeline/extract/claims/train.py pipeline/extract/claims/checkworthy.py

.PHONY: build serve test model eval chromium tesseract real-pdfs axe bench check clean help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(DB) ## Build extracted/claims.db from raw/ (only when raw/ or the code changed)

$(RAW_MANIFEST): FORCE
	@mkdir -p $(@D)
	@find $(RAW) \( -type f -o -type l \) -printf '%s %T@ %C@ %P\n' 2>/dev/null | LC_ALL=C sort -k4 > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

FORCE:

$(DB): $(STAMP) $(SOURCES) $(RAW_MANIFEST) $(CLAIM_MODEL)/meta.json | tesseract
	$(BIN)/claims-pipeline build $(RAW) --db $(DB) --claim-model $(CLAIM_MODEL) $(if $(MODEL),--model $(MODEL))

model: $(CLAIM_MODEL)/meta.json ## Train the check-worthiness classifier into models/checkworthy (minutes; only when its data or code changed)

# Trained in a temporary folder and moved into place, so a stopped training leaves no half model.
# The venv is order-only: installing a test tool must not retrain it (its own code and data are listed).
$(CLAIM_MODEL)/meta.json: $(TRAINING) | $(STAMP)
	rm -rf $(CLAIM_MODEL).tmp
	$(BIN)/claims-pipeline train-model --out $(CLAIM_MODEL).tmp $(if $(MODEL),--model $(MODEL))
	rm -rf $(CLAIM_MODEL) && mv $(CLAIM_MODEL).tmp $(CLAIM_MODEL)

eval: $(DB) ## Quality on the shared benchmarks (../shared): dev gold, ClaimBuster and TimeBank scorers' last lines (minutes)
	$(BIN)/python -m bench.evaluate --claim-model $(CLAIM_MODEL) $(if $(MODEL),--model $(MODEL))

serve: $(DB) ## Build if needed, then serve the database on http://127.0.0.1:8001
	$(BIN)/claims-pipeline serve --db $(DB) --port $(PORT)

check: $(DB) ## Verify the built database's invariants
	$(BIN)/claims-pipeline check --db $(DB)

test: $(STAMP) model chromium tesseract real-pdfs axe ## Run the test suite (real model, real SQLite, generated and real PDFs, pages in Chromium)
	$(BIN)/python -m pytest

axe: ## Install axe-core (npm, as package-lock.json pins it) for the browser tests' accessibility checks
	@if [ "$$CLAIMS_SKIP_BROWSER" = 1 ] || { [ -f node_modules/.installed ] && [ node_modules/.installed -nt package-lock.json ]; }; then :; \
	else \
		if ! command -v npm >/dev/null; then \
			if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
			else echo "The accessibility tests need npm: sudo apt-get install npm" >&2; exit 1; fi; \
		fi; \
		npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	fi

real-pdfs: $(STAMP) ## Fetch the two US government PDFs the ingest tests read (pdfminer's 2019 release on PyPI, sha256-checked)
	@if [ "$$CLAIMS_SKIP_REAL_PDFS" != 1 ]; then $(BIN)/python -m tests.real_pdfs; fi

chromium: ## Install Debian's Chromium for the browser tests if missing (as root; CLAIMS_SKIP_BROWSER=1 skips them)
	@if [ "$$CLAIMS_SKIP_BROWSER" = 1 ] || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need /usr/bin/chromium: sudo apt-get install chromium" \
		     "(or skip them: CLAIMS_SKIP_BROWSER=1 make test)" >&2; exit 1; \
	fi

# Order-only for the build: a scanned page is read by OCR when Tesseract is there (the build says so when not).
tesseract: ## Install Debian's Tesseract OCR (English) for scanned PDFs if missing (as root; CLAIMS_SKIP_OCR=1 skips it)
	@if [ "$$CLAIMS_SKIP_OCR" = 1 ] || command -v tesseract >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null; \
	else \
		echo "note: scanned PDFs need Tesseract: sudo apt-get install tesseract-ocr tesseract-ocr-eng" \
		     "(without it they are reported and skipped)" >&2; \
	fi

bench: $(STAMP) ## Benchmark: words/s vs bare spaCy on a 2.5 + 5 MB corpus, rebuilds, a 2-worker Dask cluster, one changed document at 1,000 and 20,000 documents, memory (half an hour)
	$(BIN)/python -m bench

clean: ## Remove generated data (extracted/) and caches; keeps .venv, models/ and the fetched PDFs in .cache
	rm -rf extracted .pytest_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
