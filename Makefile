# The two commands a newcomer needs: `make demo` (the main job) and `make test` (the whole suite).
# Each creates .venv and installs what it needs by itself.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kerax-installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) -m ruff check src tests bench examples
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(PY) -m ruff check src tests bench examples

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info
