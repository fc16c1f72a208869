# Findings: `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_DIR ?= .findings-index
HOST ?= 127.0.0.1
PORT ?= 5000

# The Nu HTML checker (vnu.jar) comes from the npm registry; it needs Java (default-jre-headless) to run.
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test test-long bench index install clean tools lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

$(VNU_JAR):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix .tools --no-save --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the HTML validity tests will skip (they fail under CI=true)"; fi

tools: $(VNU_JAR)

index: $(STAMP)
	$(BIN)/findings index corpus --index-dir $(INDEX_DIR)

# A file that fails to index is reported; the app still serves everything else.
run: $(STAMP)
	-$(BIN)/findings index corpus --index-dir $(INDEX_DIR)
	$(BIN)/findings serve --index-dir $(INDEX_DIR) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: $(STAMP) tools lint
	$(BIN)/pytest

test-long: $(STAMP)
	$(BIN)/pytest -m slow --run-slow

# Corpus sizes in paragraphs: make bench SIZES=1000000 runs the whole comparison at a million (not in CI).
SIZES ?= 10000,100000

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --sizes $(SIZES) --out benchmarks/latest.json

clean:
	rm -rf $(VENV) $(INDEX_DIR) .pytest_cache .tools
