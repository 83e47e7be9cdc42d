# The README's two commands are `make run` and `make test`; .ci/run calls `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

# Production-shaped variables for `check --deploy` (values are placeholders, never used to serve).
DEPLOY_ENV := DJANGO_DEBUG=false RPH_HTTPS=true RPH_STATIC_MANIFEST=true \
	SECRET_KEY=deploy-check-$$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9) \
	ALLOWED_HOSTS=rph.example.no

# Installs the Debian packages in the shell variable `missing`, if any, after one `apt-get update`.
APT_INSTALL = if [ -n "$$missing" ]; then \
	echo "Installing Debian packages:$$missing"; \
	[ "$$(id -u)" = 0 ] || { echo "Not root: install these Debian packages first:$$missing" >&2; exit 1; }; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

.PHONY: run test install install-test lock messages catalog lint browser pdf-libs \
	backup restore compose-backup compose-restore faults

$(PY):
	@missing=""; $(PYTHON) -c 'import ensurepip' 2>/dev/null || missing=python3-venv; $(APT_INSTALL)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip

## WeasyPrint (letters, reports as PDF) needs Pango and a font with æøå.
pdf-libs:
	@missing=""; ldconfig -p | grep -q libpangoft2-1.0 \
		|| missing="libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; $(APT_INSTALL)

## Dependencies come from the lock files (exact versions with hashes), then the project
## itself without its dependencies; `make lock` writes the lock files. pip check catches a
## dependency added to pyproject.toml but not yet locked.
LOCK_CHECK = $(BIN)/pip check >/dev/null || { $(BIN)/pip check; \
	echo "The lock files do not match pyproject.toml: run make lock and commit them." >&2; exit 1; }
## install compiles the catalogues too: `load_demo` after it stores Norwegian demo text.
install: $(PY) pdf-libs
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@$(LOCK_CHECK)
	@$(MAKE) --no-print-directory messages

install-test: $(PY) pdf-libs
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	@$(LOCK_CHECK)

## make lock: resolve pyproject.toml's ranges into requirements.txt (runtime) and
## requirements-test.txt (runtime + test extras, the runtime pins kept), with uv, for
## Python 3.11 on every platform. Pins that still fit are kept; LOCK_ARGS=--upgrade moves
## all to the newest allowed, LOCK_ARGS="--upgrade-package django" one.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_ARGS)
lock: $(PY)
	$(BIN)/pip install --quiet 'uv>=0.13'
	$(UV_COMPILE) -o requirements.txt
	$(UV_COMPILE) --extra test --constraint requirements.txt -o requirements-test.txt

messages:
	@missing=""; command -v msgfmt >/dev/null || missing=gettext; $(APT_INSTALL)
	env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore=.venv --ignore=static -v0

## make run: set up everything and start web + worker + beat with demo data.
run: export DJANGO_DEBUG ?= true
run: install messages
	@test -f .env || { echo "DJANGO_DEBUG=true" > .env; \
		echo "Wrote .env (DJANGO_DEBUG=true) so manage.py commands in this checkout run in development mode."; }
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo "RPH runs at http://127.0.0.1:$${RPH_PORT:-8000}/ (Ctrl-C stops web, worker and beat)"
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho -f Procfile.dev start

## Chromium for the browser tests, docker-compose to validate docker-compose.yml, nginx and
## redis-server for the tests that run several processes (tests/operations). Those tests start
## their own nginx and redis-server on free ports: the install must not start the machine's,
## so a policy-rc.d that refuses every service start (Debian's way) is in place meanwhile.
POLICY_RC_D := /usr/sbin/policy-rc.d
HASH := \#
browser:
	@missing=""; \
	command -v chromium >/dev/null || missing="chromium fonts-dejavu-core"; \
	command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 \
		|| missing="$$missing docker-compose"; \
	PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null || missing="$$missing nginx"; \
	PATH="$$PATH:/usr/sbin" command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && [ ! -e $(POLICY_RC_D) ]; then \
		printf '%s\n' '$(HASH)!/bin/sh' 'exit 101' > $(POLICY_RC_D) && chmod 755 $(POLICY_RC_D); \
		trap 'rm -f $(POLICY_RC_D)' EXIT; \
	fi; \
	$(APT_INSTALL)

## make catalog: refresh the Norwegian catalog from the source. No source locations and
## sorted entries, so that branches adding strings merge without conflicts.
catalog:
	env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin makemessages -l nb --no-location --no-obsolete \
		--ignore=.venv --ignore=static --ignore=tests -v0
	msgcat --sort-output -o locale/nb/LC_MESSAGES/django.po locale/nb/LC_MESSAGES/django.po

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make test: install what tests need and run every gate and the whole suite: the unit and
## page tests on one worker per CPU, then the browser tests (one server of their own).
TEST_WORKERS ?= auto
test: install-test browser messages lint
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v1
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest -n $(TEST_WORKERS) --cov --cov-report= --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/pytest --cov --cov-append --cov-report=term:skip-covered tests/e2e $(PYTEST_ARGS)

## Backups (docs/operations.md#backup-and-restore). make backup: the database of DATABASE_URL
## (pg_dump custom format) or the SQLite file, into RPH_BACKUP_DIR (var/backups), the newest
## RPH_BACKUP_KEEP (14) kept, gpg-encrypted with RPH_BACKUP_PASSPHRASE_FILE if set.
## make restore FILE=var/backups/rph-....dump replaces the database's contents (asks first).
backup: $(PY)
	$(PY) manage.py backup
restore: $(PY)
	@test -n "$(FILE)" || { echo "make restore FILE=<backup file>" >&2; exit 1; }
	$(PY) manage.py restore "$(FILE)"

## The compose stack: pg_dump/pg_restore run inside the postgres container (its own version),
## the file is written on the host.
COMPOSE ?= docker compose
BACKUP_DIR ?= backups
compose-backup:
	@mkdir -p -m 700 $(BACKUP_DIR)
	umask 077; $(COMPOSE) exec -T postgres pg_dump -U rph --format=custom --no-owner rph \
		> $(BACKUP_DIR)/rph-$$(date -u +%Y%m%dT%H%M%SZ).dump
	ls -1t $(BACKUP_DIR)/rph-*.dump | tail -n +$$(( $${RPH_BACKUP_KEEP:-14} + 1 )) | xargs -r rm --
compose-restore:
	@test -n "$(FILE)" || { echo "make compose-restore FILE=<backup file>" >&2; exit 1; }
	$(COMPOSE) exec -T postgres pg_restore -U rph -d rph --clean --if-exists --no-owner \
		--single-transaction --exit-on-error < "$(FILE)"

## The fault tests alone (they also run in make test): own redis-server, a killed worker,
## a restore round trip; bounded to a few minutes.
faults: install-test
	$(BIN)/pytest -n 0 -m faults tests $(PYTEST_ARGS)
