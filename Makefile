# One command to set up and run, one to set up and test. Each creates .venv and
# installs the project into it the first time (and again when pyproject.toml changes).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-quick bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## Set up, create config.toml and the sample library on first use, then run.
run: $(STAMP)
	$(BIN)/outreach init --samples
	$(BIN)/outreach run --sandbox

## Set up, lint, and run the whole test suite (SQLite and PostgreSQL store tests).
test: lint
	$(BIN)/python -m pytest -n 2 -q

## The quick suite: lint, and everything but the tests marked slow.
test-quick: lint
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
