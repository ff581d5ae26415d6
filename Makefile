# glueweb: `make run` installs everything and starts the app; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: run test install install-test frontend lint typecheck check clean help
.DEFAULT_GOAL := help

help:
	@echo "make run    install what is missing, then start glueweb on http://127.0.0.1:$${PORT:-8000}/"
	@echo "make test   install what the tests need, then run lint, type checks, unit, API, WebSocket and browser tests"

run: install
	$(PY) manage.py up

install: $(VENV)/.installed frontend/dist/index.html

install-test: $(VENV)/.installed-test frontend/dist/index.html

$(VENV)/.installed: requirements.txt scripts/make-venv
	scripts/make-venv $(VENV) requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	scripts/make-venv $(VENV) requirements-test.txt
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build --silent

test: install-test
	scripts/test

lint: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

typecheck: install-test
	$(VENV)/bin/mypy
	cd frontend && npm run typecheck --silent

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
