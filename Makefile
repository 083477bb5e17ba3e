# Two commands: `make run` (set up, load the demo, start the app) and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8501
SERVE_ARGS ?=  # e.g. SERVE_ARGS="--auth password" for a team

.PHONY: run test test-pg bench lint setup clean fuzz

$(BIN)/python:
	$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/workbench load-demo --if-empty
	$(BIN)/workbench serve --host $(HOST) --port $(PORT) $(SERVE_ARGS)

# The suite on SQLite; when WORKBENCH_TEST_PG names a PostgreSQL server (CI: .ci/run starts one),
# then the suite again on PostgreSQL (less the tests that open no database). In TEST_WORKERS
# processes (pytest-xdist, whole modules to a process: module fixtures are built once); 0: in one.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile
test: $(DEVSTAMP)
	$(BIN)/ruff check .
	WORKBENCH_TEST_PG= $(PYTEST)
	@if [ -n "$$WORKBENCH_TEST_PG" ]; then echo "== the suite on PostgreSQL"; $(PYTEST); fi

# The suite on PostgreSQL only: a throwaway cluster (Debian's postgresql package) started and stopped around it.
test-pg: $(DEVSTAMP)
	.ci/pg.sh run $(PYTEST)

# Property-based fuzzing of every reader and of the bundle round trip, with many more examples than
# `make test` runs (FUZZ_EXAMPLES=N to change how many per test).
fuzz: $(DEVSTAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz -p no:cacheprovider

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

# The benches measure the default signal set with its optional embedding signal (workbench[embed]).
EMBEDSTAMP := $(VENV)/.installed-embed
$(EMBEDSTAMP): pyproject.toml | $(DEVSTAMP)
	$(BIN)/python -m pip install -q -e '.[dev,embed]'
	touch $@

bench: $(DEVSTAMP) $(EMBEDSTAMP)
	@set -e; for f in tests/bench/*_bench.py; do echo "== $$f"; $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache .ruff_cache
