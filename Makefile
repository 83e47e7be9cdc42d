# The README's two commands are `make run` and `make test`; .ci/run calls `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Production-shaped variables for `check --deploy` (values are placeholders, never used to serve).
DEPLOY_ENV := DJANGO_DEBUG=false RPH_HTTPS=true RPH_STATIC_MANIFEST=true \
	SECRET_KEY=deploy-check-$$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
	ALLOWED_HOSTS=rph.example.no

.PHONY: run test install install-test messages lint browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

install: $(PY)
	$(BIN)/pip install --quiet -e .

install-test: $(PY)
	$(BIN)/pip install --quiet -e '.[test]'

messages:
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt)"; apt-get install -y -qq gettext >/dev/null; }
	env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore=.venv --ignore=static -v0

## make run: set up everything and start web + worker + beat with demo data.
run: export DJANGO_DEBUG ?= true
run: install messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo "RPH runs at http://127.0.0.1:$${RPH_PORT:-8000}/ (Ctrl-C stops web, worker and beat)"
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev start

browser:
	@command -v chromium >/dev/null || { echo "Installing Debian chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }
	@command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || { \
		echo "Installing docker-compose to validate docker-compose.yml"; apt-get install -y -qq docker-compose >/dev/null; }

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make test: install what tests need and run every gate and the whole suite.
test: install-test browser messages lint
	$(PY) manage.py makemigrations --check --dry-run -v1
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)
