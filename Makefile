# ipcity — `make run` starts the platform with the Yantai plan; `make test` runs lint, types and the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test lint typecheck pytest bench install system messages setup demo clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# System packages: gettext (compile translations), Debian's chromium (browser tests), CJK fonts (screenshots, PDF).
system:
	@if ! command -v msgfmt >/dev/null || ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
	  echo "Installing system packages (gettext, chromium, fonts-noto-cjk)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext chromium fonts-noto-cjk >/dev/null; \
	fi

messages: install
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

setup: install system messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_policy policies/yantai-2022-2024
	$(BIN)/python manage.py load_demo

run: setup
	@echo "ipcity is starting on http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check ipcity config policies bench scripts || (echo "run: $(BIN)/ruff format ." && false)
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy ipcity config

pytest: install system messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install system messages
	$(BIN)/python bench/run_all.py

clean:
	rm -rf var/test* .mypy_cache .ruff_cache
