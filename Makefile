# Two commands for a new user: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
# uv installs the locked packages in about ten seconds where pip takes a minute and a half.
UV_VERSION := 0.13.9
# Django 6 needs Python 3.12 or newer; find one even where pyenv's shims hide it.
PYTHON ?= $(shell scripts/find-python.sh)

.PHONY: run test serve backup restore bench setup system db seed lint lock clean

run: setup db seed
	@echo "Demo accounts (local demo only!): beleid / financien / control / griffie, password: demo"
	scripts/with-worker.sh $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite runs in one process per core (pytest-xdist); TEST_PROCESSES=0 runs it in this one.
TEST_PROCESSES ?= auto

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

# Production: gunicorn with several workers behind a TLS proxy (see "In production" in
# README.md). PORT, HOST and WEB_CONCURRENCY choose where and how many.
serve: setup
	PORT=$(PORT) scripts/serve.sh

# A consistent backup of the whole database, to BACKUP_ROOT (var/backups) or BACKUP=<file>.
backup: setup
	$(BIN)/python manage.py backup_data $(BACKUP)

# Replace the whole database by a backup: make restore BACKUP=var/backups/<file>.
restore: setup
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=var/backups/<file>"; exit 1; }
	$(BIN)/python manage.py restore_data "$(BACKUP)"

setup: system $(VENV)/.installed node_modules/.installed

# NL Design System CSS (served as static files) and axe-core for the accessibility tests.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (apt-get install npm) and run again."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system:
	@scripts/system-deps.sh

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed and was not found."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

db: setup
	$(BIN)/python manage.py migrate --noinput

seed: db
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py load_policy_seed
	$(BIN)/python manage.py create_demo_users

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Pages, HTTP throughput and PDFs measured on the seed data and at ten-program scale;
# writes BENCHMARKS.md. wrk (Debian) does the bounded loopback load; installed if missing.
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || echo "wrk is missing: HTTP throughput is not measured."
	$(BIN)/python scripts/bench.py

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: setup
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 -o requirements.lock

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm
