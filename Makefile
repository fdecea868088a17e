# Timpora — the two commands of the README, plus helpers.
# Django 6 needs Python >= 3.12 and the pgserver wheel exists for 3.12: find a python3.12 that runs.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
EMBEDDED := $(PY) -m timpora.embedded --
PYTEST_ARGS ?=
# Parallel test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
# Port of the development server (`make run PORT=8123`).
PORT ?= 8000

.PHONY: run test lint bench install messages clean-var

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: install python3.12 or set PYTHON=/path/to/python3.12"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Serve the portal with a Celery worker and beat on http://127.0.0.1:$(PORT) (Ctrl-C stops all).
# Without DATABASE_URL / REDIS_URL the embedded PostgreSQL and Redis under var/ (or
# $TIMPORA_VAR_DIR) are used. honcho reads no .env: that file is docker compose's production
# configuration.
run: install
	$(EMBEDDED) sh -c '$(PY) manage.py migrate --noinput && $(PY) manage.py seed_demo && exec $(VENV)/bin/honcho start -f Procfile.dev -e /dev/null -p $(PORT)'

# The whole suite (browser tests included) against DATABASE_URL / REDIS_URL, else embedded servers.
# First a Chromium for the browser tests (tests/browser/chromium.py): Playwright's own if it can
# be downloaded, else the system's; without one only the browser tests fail, naming what to install.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m tests.browser.chromium
	$(EMBEDDED) $(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# National-scale benchmarks (minutes, not part of `make test`).
# bench_generate builds a scratch copy and drops it; national.py builds (once) and keeps the
# 1 M-foreigner database the access and rules benchmarks read (docs/PERFORMANCE.md).
bench: install
	$(EMBEDDED) sh -c '$(PY) bench/bench_generate.py \
	  && BENCH_URL=$$($(PY) bench/national.py) \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/bench_access.py \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/bench_rules.py'

# Refresh the catalogs from the code and templates, then compile them (needs GNU gettext). The
# compiled .mo files are committed, so running the portal or the tests does not need gettext.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench
# Neither command touches the database; the placeholder URL only satisfies the settings.
MESSAGES_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://localhost/unused}
messages: install
	$(MESSAGES_ENV) $(PY) manage.py makemessages -l id -l en --no-obsolete $(MESSAGES_IGNORE)
	$(MESSAGES_ENV) $(PY) manage.py compilemessages $(MESSAGES_IGNORE)

clean-var:
	rm -rf var/
