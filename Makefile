# Set-up is idempotent: the venv is (re)built only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test lint browser

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

# The UI test drives Debian's Chromium (Playwright never downloads a browser here); install it
# where this user may, otherwise that one test is skipped with a note (never under CI=true).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "note: no /usr/bin/chromium and no way to install it: the browser test is skipped"; \
	  fi; \
	fi

test: lint browser
	$(VENV)/bin/pytest
