# Rapport — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := src/rapport/web/static/vendor/.installed

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Rapport needs Python 3.11 or newer: install it and run make again (or PYTHON=python3.12 make ...).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(ASSETS): package.json package-lock.json scripts/copy_assets.sh
	@command -v npm >/dev/null || { echo "Node.js and npm are needed for the web assets: install them (e.g. apt-get install nodejs npm) and run make again."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/copy_assets.sh
	@touch $(ASSETS)

setup: $(STAMP) $(ASSETS) ## Create .venv, install Rapport with dev extras and the web assets

demo: setup ## Create the demo practice and start the server
	$(BIN)/rapport demo
	$(BIN)/rapport serve

serve: setup ## Start the server (and one in-process worker)
	$(BIN)/rapport serve

test: setup ## Run the whole test suite (SQLite; PostgreSQL too when RAPPORT_TEST_POSTGRES_URL is set)
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: setup ## ruff check, ruff format --check, mypy, import-linter
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: setup ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: setup ## Run the benchmarks (installs the peers they compare against)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/guard.py

dist: setup ## Build the wheel and sdist into dist/, web assets included (installing them needs no Node)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

check-wheel: dist ## Install the wheel in a fresh venv with no node on PATH, run demo and serve from it
	PYTHON=$(PYTHON) PIP=$(BIN)/pip bash scripts/check_wheel.sh

clean: ## Remove the virtualenv, installed assets and built packages
	rm -rf $(VENV) node_modules src/rapport/web/static/vendor dist build

.PHONY: help setup demo serve test lint format bench clean docs messages dist check-wheel

docs: setup ## Regenerate the README's tables (settings, roles) from the code
	$(BIN)/python scripts/update_readme.py

messages: setup ## Extract translatable strings and update the Dutch catalog
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d src/rapport/locale -l nl --no-fuzzy-matching --ignore-obsolete
	rm -f messages.pot
