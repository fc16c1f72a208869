# Findings: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_DIR ?= .findings-index
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-long bench index install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/findings index corpus --index-dir $(INDEX_DIR)

# A file that fails to index is reported; the app still serves everything else.
run: $(STAMP)
	-$(BIN)/findings index corpus --index-dir $(INDEX_DIR)
	$(BIN)/findings serve --index-dir $(INDEX_DIR) --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest

test-long: $(STAMP)
	$(BIN)/pytest -m slow --run-slow

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --out benchmarks/latest.json

clean:
	rm -rf $(VENV) $(INDEX_DIR) .pytest_cache
