# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/indicators.duckdb
PORT   ?= 8501

.PHONY: run test fmt lint db clean-db bench bench-report

$(VENV)/.app: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.app
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

$(DB): | $(VENV)/.app
	$(PY) -m indicators --db $(DB) init --demo

db: $(VENV)/.app $(DB)

run: db
	INDICATORS_DB=$(DB) $(PY) -m indicators.devserver --port $(PORT)

test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

fmt: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

SCALE := bench/out/scale.duckdb

$(SCALE): | $(VENV)/.dev
	$(PY) bench/build_scale.py

# the numbers in the closing notes: pages on the scale database, then the ingest ratio
bench: $(VENV)/.dev $(SCALE)
	INDICATORS_DB=$(SCALE) $(PY) bench/pages.py --repeat 5
	$(PY) bench/ingest.py

clean-db:
	rm -f $(DB) $(DB).wal

# the yearly report: time and peak memory of one district's PDF and HTML, demo and scale
bench-report: $(VENV)/.dev $(SCALE)
	$(PY) bench/report.py
