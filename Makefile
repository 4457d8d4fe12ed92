# Two commands for a fresh machine: `make run` (the app) and `make test` (the test suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install run test eval bench lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) app.py

test: install
	$(PY) -m pytest

eval: install
	$(PY) -m rag eval ../shared/eval/seed_questions.jsonl --corpus corpus --json eval-report/seed.json

bench: install
	$(PY) -m rag bench

lint: install
	$(VENV)/bin/ruff check rag app.py tests bench
	$(VENV)/bin/mypy rag
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) data test-artifacts eval-report
