# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= ocop-demo-2025
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: run test lint format install install-dev migrate seed bench lighthouse messages clean-venv browsers prod worker scale-test

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)); đặt PYTHON=... nếu tên khác."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"

run: seed
	@echo ""
	@echo "  Trang web:   http://127.0.0.1:$(PORT)/"
	@echo "  Quản trị:    http://127.0.0.1:$(PORT)/admin/  (admin / $(DEMO_PASSWORD))"
	@echo "  API mở:      http://127.0.0.1:$(PORT)/api/v2/pages/?type=products.ProductPage"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install-dev
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) bench/run.py

# Lighthouse (mobile) on every public page type against gunicorn with the demo data; npm
# installs it into .lighthouse/ the first time. Not part of `make test`.
lighthouse: install-dev
	$(PY) bench/lighthouse.py

messages: install-dev
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l en --ignore=.venv

# Production on one box (docs/deploy.md): migrations, static files, then gunicorn (JSON access
# log, cms/gunicorn_conf.py) and the background worker side by side. Ctrl+C (or SIGTERM to make)
# stops both gracefully: each gets one SIGTERM (gunicorn finishes its requests, the worker the
# job in hand) — they run in their own sessions, so the terminal's SIGINT never reaches them
# twice; if either stops on its own, the other is stopped too. The environment must hold the
# production settings (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL…).
prod: SHELL := /bin/bash
prod: install
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py ensure_roles
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py collectstatic --noinput
	@export DJANGO_SETTINGS_MODULE=cms.settings.production TASKS_BACKEND=$${TASKS_BACKEND:-database}; \
	trap 'echo "Stopping web and worker…"' INT TERM; \
	setsid $(VENV)/bin/gunicorn -c cms/gunicorn_conf.py cms.wsgi:application & web=$$!; \
	setsid $(PY) manage.py run_worker & worker=$$!; \
	wait -n $$web $$worker; \
	kill -TERM $$web $$worker 2>/dev/null; \
	while kill -0 $$web 2>/dev/null || kill -0 $$worker 2>/dev/null; do wait $$web $$worker; done; \
	echo "Web and worker stopped."

# The background worker alone (TASKS_BACKEND=database): tiles, renditions, index, e-mail.
worker: install
	TASKS_BACKEND=$${TASKS_BACKEND:-database} $(PY) manage.py run_worker

# Two web nodes behind HAProxy, PostgreSQL, Redis, moto's S3 server and a worker on 127.0.0.1
# (ports 18400-18405): bench/scale.py prints "N passed, N failed".
scale-test: install-dev
	$(PY) bench/scale.py
