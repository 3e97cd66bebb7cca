# One command to set up and run, one to set up and test. Each creates .venv and
# installs the project into it the first time (and again when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Compiled catalogues: built by the install, rebuilt here when a .po changes.
CATALOGUES := $(wildcard outreach/locale/*/LC_MESSAGES/*.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: setup run test test-quick bench lint check messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(COMPILED): %.mo: %.po | $(STAMP)
	$(BIN)/python -m outreach.i18n.catalogs compile $<

setup: $(STAMP) $(COMPILED)

## Set up, create config.toml and the sample library on first use, then run.
run: $(STAMP) $(COMPILED)
	$(BIN)/outreach init --samples
	$(BIN)/outreach run --sandbox

## Set up, check (lint, import contracts, types), and run the whole test suite
## (SQLite and PostgreSQL store tests).
test: check $(COMPILED)
	$(BIN)/python -m pytest -n 2 -q

## The quick suite: check, and everything but the tests marked slow.
test-quick: check $(COMPILED)
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

## Lint, then the import contracts (pyproject.toml [tool.importlinter]) and the types (mypy --strict).
check: lint
	$(BIN)/python tools/check_imports.py
	$(BIN)/mypy

## Extract every message from the source into the catalogues (.po), then compile them.
## Translate what it reports as "to translate or review" (docs/i18n.md).
messages: $(STAMP)
	$(BIN)/python -m outreach.i18n.catalogs update

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache $(COMPILED)
