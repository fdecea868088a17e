# Timpora — the two commands of the README, plus helpers.
# Django 6 needs Python >= 3.12 and the pgserver wheel exists for 3.12: find a python3.12 that runs.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
EMBEDDED := $(PY) -m timpora.embedded --
PYTEST_ARGS ?=
# Parallel test processes (pytest-xdist): one per core; PYTEST_WORKERS=0 runs in one process.
# worksteal: an idle worker takes queued tests from a busy one (the matrix tests take 10-40 s
# each, and a plain split left one worker running alone at the end).
PYTEST_WORKERS ?= auto
# Port of the development server (`make run PORT=8123`).
PORT ?= 8000

.PHONY: run test lint audit bench install messages clean-var

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
# The rules run once after seeding (idempotent: flags are unique per open rule and subject), so
# the demo shows its alerts on the first start; beat's daily scan keeps them current.
run: install
	$(EMBEDDED) sh -c '$(PY) manage.py migrate --noinput && $(PY) manage.py seed_demo \
	  && $(PY) manage.py run_rules \
	  && exec $(VENV)/bin/honcho start -f Procfile.dev -e /dev/null -p $(PORT)'

# The whole suite (browser tests included) against DATABASE_URL / REDIS_URL, else embedded servers.
# --ds: the launcher imports the timpora package, whose Celery module sets DJANGO_SETTINGS_MODULE
# to the production settings, and the environment would win over pyproject's test settings.
# First a Chromium for the browser tests (tests/browser/chromium.py): Playwright's own if it can
# be downloaded, else the system's; without one only the browser tests fail, naming what to install.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) .ci/security_audit.py
	$(PY) -m tests.browser.chromium
	$(EMBEDDED) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal --ds=timpora.settings_test $(PYTEST_ARGS)

# pip-audit (no dependency with a known vulnerability; says so when its service is unreachable)
# and bandit (no high-severity finding). PIP_AUDIT_REQUIRED=1 makes an unreachable service fail.
audit: install
	$(PY) .ci/security_audit.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Benchmarks (minutes, not part of `make test`; docs/PERFORMANCE.md). BENCH_SCALE=national (the
# default: 1 M foreigners, built once and kept in `timpora_bench` by bench/national.py) or small
# (20,000 foreigners in `timpora_bench_small`). bench_generate times generate_dataset in a scratch
# database it drops; bench_access and bench_rules measure the access layer and the rules;
# suite.py prints the one table of issue 14 (it ends with the locust load test, bench/load.py);
# sparse_scope.py times the working pages of a camat of the smallest kecamatan.
# BENCH_ARGS go to suite.py (e.g. BENCH_ARGS="--no-load --iterations 50").
BENCH_SCALE ?= national
BENCH_ARGS ?=
ifeq ($(BENCH_SCALE),small)
BENCH_GENERATE_SIZE := 20000
BENCH_ACCESS_ARGS := --shares 10000 --iterations 50 --guardian-iterations 5 --generic-iterations 2
BENCH_RULES_ARGS := --sightings 1000
else
BENCH_GENERATE_SIZE := 1000000
BENCH_ACCESS_ARGS :=
BENCH_RULES_ARGS :=
endif

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: install $(VENV)/.bench-installed
	$(EMBEDDED) sh -c 'export BENCH_SCALE=$(BENCH_SCALE) \
	  && BENCH_FOREIGNERS=$(BENCH_GENERATE_SIZE) $(PY) bench/bench_generate.py \
	  && BENCH_URL=$$($(PY) bench/national.py) \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/bench_access.py $(BENCH_ACCESS_ARGS) \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/bench_rules.py $(BENCH_RULES_ARGS) \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/suite.py $(BENCH_ARGS) \
	  && DATABASE_URL=$$BENCH_URL $(PY) bench/sparse_scope.py'

# Refresh the catalogs from the code and templates, then compile them (needs GNU gettext). The
# compiled .mo files are committed, so running the portal or the tests does not need gettext.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench
# Neither command touches the database; the placeholder URL only satisfies the settings.
MESSAGES_ENV := TIMPORA_DEVELOPMENT=1 DATABASE_URL=$${DATABASE_URL:-postgres://localhost/unused}
messages: install
	$(MESSAGES_ENV) $(PY) manage.py makemessages -l id -l en --no-obsolete $(MESSAGES_IGNORE)
	$(MESSAGES_ENV) $(PY) manage.py compilemessages $(MESSAGES_IGNORE)

clean-var:
	rm -rf var/
