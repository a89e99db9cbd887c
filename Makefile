# Shorthands for scripts/dev.py, the task runner CI uses too (it needs only Python 3.11+).
PYTHON ?= python3

.PHONY: run test demo serve lint bench docker-check clean
run test demo serve lint bench docker-check:
	$(PYTHON) scripts/dev.py $@

clean:
	rm -rf .venv build *.egg-info .pytest_cache .hypothesis
