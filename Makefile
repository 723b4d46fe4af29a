# Set-up is idempotent: the venv is (re)built only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(VENV)/bin/harness verify pairwise_distances --candidate targets/pairwise_distances/examples/fast.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check harness tests benchmarks targets reference_impls
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest
