# One task runner for people and CI. Each target creates .venv itself when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench demo serve docker-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "claimwatch needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	@touch $(STAMP)

run: $(STAMP)  ## set up and start the daemon on the default config
	$(BIN)/claimwatch run

test: $(STAMP)  ## set up and run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks

demo: $(STAMP)
	$(BIN)/claimwatch demo

serve: $(STAMP)
	$(BIN)/claimwatch serve

bench: $(STAMP)  ## benchmarks (need ../shared)
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_stance.py

docker-check: $(STAMP)  ## run the Dockerfile's install and entry point outside a container
	bash scripts/docker-check.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
