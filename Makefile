# STROM needs only Python 3.11+, git and make: `make run` serves the demo, `make test` runs every check.
# Without DATABASE_URL both use an embedded PostgreSQL under var/ (docs/decisions/0001-embedded-postgres.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the lock or the project metadata changed.
STAMP := $(VENV)/.strom-installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
# Two workers for CI's two cores; each gets its own test database (test_<name>_gw0, _gw1).
PYTEST_ARGS ?= -n 2
UV_VERSION := 0.13.9

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck lock

help:
	@echo "make run    create .venv, install, migrate, load the demo once, serve http://127.0.0.1:8000"
	@echo "make test   ruff, mypy --strict, import contracts, makemigrations --check and the whole test suite"
	@echo "make lock   regenerate requirements.lock from pyproject.toml"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "STROM needs Python 3.11 or newer: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	@echo "==> Installing from requirements.lock (every package pinned and hashed)"
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)

# Migrating and loading the demo happen inside `strom run`, under its lock: a second `make run`
# refuses before touching the database.
run: $(STAMP)
	$(BIN)/strom run --migrate --demo

lint: $(STAMP)
	@echo "==> ruff"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	@echo "==> mypy --strict"
	$(BIN)/mypy strom

test: lint typecheck
	@echo "==> imports point down the layers (pyproject.toml [tool.importlinter])"
	$(BIN)/lint-imports
	@echo "==> migrations match the models"
	STROM_ENV=test $(BIN)/strom makemigrations --check --dry-run
	@echo "==> pytest"
	STROM_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

# uv resolves for every platform and Python >= 3.11 and hashes each file; it is installed into .venv
# only for this (a fresh machine does not have it). The command, for running uv by hand:
#   uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -o requirements.lock
lock: | $(BIN)/python
	$(PIP) install uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 \
		-o requirements.lock -q
