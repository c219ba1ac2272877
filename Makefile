# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= data/indicators.duckdb
PORT   ?= 8501

.PHONY: run test fmt lint db clean-db bench bench-memory cluster bench-lake bench-api bench-report

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

# the numbers in the closing notes: pages on the scale database, the ingest ratio, then
# viewers on a served app (bench/load.py: about 6 minutes on an idle two-core machine)
bench: $(VENV)/.dev $(SCALE)
	INDICATORS_DB=$(SCALE) $(PY) bench/pages.py --repeat 5
	$(PY) bench/ingest.py
	$(PY) bench/load.py

# the app's memory over thousands of page runs (runner.postScriptGC, .streamlit/config.toml)
bench-memory: $(VENV)/.dev $(SCALE)
	$(PY) bench/load.py --soak 4000

clean-db:
	rm -f $(DB) $(DB).wal

# several replicas on one DuckLake: PostgreSQL (initdb in a temp folder), a lake, three app
# replicas and nginx with sticky sessions when installed; Ctrl-C stops them all
cluster: $(VENV)/.app
	$(PY) -m indicators.cluster

# the two backends on the scale database: ingest and page runs (bench/lake.py), then page runs
# per second with 1, 2 and 3 app replicas on one lake under bench/load.py's viewers
bench-lake: $(VENV)/.dev $(SCALE)
	$(PY) bench/lake.py
	$(PY) bench/lake.py --replicas 1,2,3 --viewers 100 --seconds 30

# the open-data API on the scale database: 50 concurrent clients, then the whole ZIP streamed
bench-api: $(VENV)/.dev $(SCALE)
	$(PY) bench/api.py --db $(SCALE)

# reporting obligations on the scale database: due --json per organisation, the status page
.PHONY: bench-obligations
bench-obligations: $(VENV)/.dev $(SCALE)
	INDICATORS_DB=$(SCALE) $(PY) bench/obligations.py --repeat 3

# the yearly report: time and peak memory of one district's PDF and HTML, demo and scale
bench-report: $(VENV)/.dev $(SCALE)
	$(PY) bench/report.py
