# The two commands a newcomer needs: `make demo` (the main job) and `make test` (the whole suite).
# Each creates .venv and installs what it needs by itself: the demo only kerax's runtime dependencies,
# the tests also the test extras (pytest, hypothesis, ruff, and Keras 3 as the test oracle).
# `make docs` builds the documentation site into site/ (MkDocs, warnings as errors).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.kerax-runtime
TESTING := $(VENV)/.kerax-test
DOCS := $(VENV)/.kerax-docs

.PHONY: demo test lint bench docs clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME)

$(TESTING): $(RUNTIME)
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(TESTING)

$(DOCS): $(RUNTIME)
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $(DOCS)

demo: $(RUNTIME)
	$(PY) examples/demo.py

test: $(TESTING)
	$(PY) -m ruff check src tests bench examples docs
	$(PY) -m ruff format --check src tests bench examples docs
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: $(TESTING)
	$(PY) -m ruff check src tests bench examples docs
	$(PY) -m ruff format --check src tests bench examples docs

bench: $(RUNTIME)
	$(PY) bench/run.py

docs: $(DOCS)
	$(PY) -m mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist site src/*.egg-info
