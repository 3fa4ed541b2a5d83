# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint install chromium screenshots migrate worker clean catalogues messages bench

# Bokmål (and any other language) lives in gettext catalogues: the .po files are the source,
# the .mo files the pages read are built from them and not committed.
TRANSLATIONS := webapp/web/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

## make catalogues: compile the translations (.po) into what the pages read (.mo)
catalogues: $(CATALOGUES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(STAMP)
	$(BIN)/pybabel -q compile -l $* -i $< -o $@

## make messages: bring new and changed strings (babel.cfg) into the .po files to translate
messages: install
	@mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg --no-location -w 100 -o build/messages.pot \
	  --project="Tripletex Sync for HubSpot" --version=0.1.0 .
	$(BIN)/pybabel -q update -i build/messages.pot -d $(TRANSLATIONS) -w 100 --previous \
	  --ignore-obsolete --ignore-pot-creation-date

## make run: the app, the worker and the sandboxes with demo data on 127.0.0.1, as they were
## left (`make run FRESH=1` starts the sandboxes and the app's database over)
run: install catalogues
	$(BIN)/flask --app wsgi migrate
	$(BIN)/python -m webapp.devstack $(if $(filter 1 yes true,$(FRESH)),--fresh)

## make test: install what the suite needs, check the code, and run all of it
test: install catalogues chromium lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make lint: ruff (lint and format) and the import contracts that keep the layers (setup.cfg)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# The browser tests drive Debian's Chromium through Playwright (`playwright install` cannot
# download a browser here). Only `make test` needs it.
chromium:
	@command -v chromium >/dev/null || { \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }
	@chromium --version 2>/dev/null

## make screenshots: refresh the README's screenshots from the browser tests
## make bench: the sync's benchmarks against both sandboxes (figures printed; README keeps them)
bench: install catalogues
	$(BIN)/python bench/sync_backfill.py
	$(BIN)/python bench/webhooks.py
	$(BIN)/python bench/deal_invoices.py

screenshots: install catalogues chromium
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -m browser tests/browser

migrate: install
	$(BIN)/flask --app wsgi migrate

worker: install
	$(BIN)/flask --app wsgi worker

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
