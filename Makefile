# Two verbs for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app alliance_app
HOST ?= 127.0.0.1
PORT ?= 5000
PO_FILES := $(wildcard alliance_app/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

WORKERS ?= $(or $(WEB_CONCURRENCY),2)

.PHONY: run serve test translations messages clean-venv

run: $(VENV)/.installed $(MO_FILES) instance/config.py
	$(FLASK) db upgrade
	@# A self-signed trial key, so that the demo's signed agreements carry a digital signature.
	$(FLASK) signing-key create --if-missing
	@# The demo's printed agreements carry this address in their verification QR codes.
	@if $(FLASK) db-is-empty; then ALLIANCE_BASE_URL=http://$(HOST):$(PORT) $(FLASK) demo-data; fi
	@echo ""
	@echo "  Alliance app: http://$(HOST):$(PORT)/"
	@echo "  Demo login:   admin@example.org / alliance-demo  (also staff@example.org, member@example.org)"
	@echo "  Messages:     http://$(HOST):$(PORT)/admin/messages  (kept there, not sent, without MAIL_SERVER)"
	@echo ""
	@# Plain HTTP on this machine: the production cookie flag `Secure` would block the login.
	@# The background worker runs beside the web server and stops with it.
	export ALLIANCE_SESSION_COOKIE_SECURE=false ALLIANCE_REMEMBER_COOKIE_SECURE=false \
		ALLIANCE_BASE_URL=http://$(HOST):$(PORT); \
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT) --with-threads

# Production: gunicorn with WORKERS processes (WEB_CONCURRENCY); SECRET_KEY and
# DATABASE_URL from the environment or instance/config.py; no demo data.
# GUNICORN_ARGS: more gunicorn options, e.g. GUNICORN_ARGS=--no-control-socket.
serve: $(VENV)/.installed $(MO_FILES)
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --graceful-timeout 20 $(GUNICORN_ARGS) 'alliance_app:create_app()'

# One test process per CPU, each taking whole files (TEST_PROCESSES=0: all in this one).
TEST_PROCESSES ?= auto
test: $(VENV)/.installed-test $(MO_FILES)
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

translations: $(MO_FILES)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@ --statistics 2>&1 | tail -1

# Refresh the catalogues after changing user-facing strings; then translate what is new.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o alliance_app/translations/messages.pot --no-wrap --no-location --sort-output --ignore-dirs=".* __pycache__ build dist instance" .
	$(BIN)/pybabel update -i alliance_app/translations/messages.pot -d alliance_app/translations --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/python scripts/fill_source_catalogue.py

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('# Created by make run. Settings for this installation only.'); print('SECRET_KEY = %r' % secrets.token_urlsafe(48))" > $@
	@echo "Wrote $@ with a new random SECRET_KEY."

clean-venv:
	rm -rf $(VENV)
