# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test install migrate worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

## make run: the app, the worker and the sandboxes with demo data on 127.0.0.1
run: install
	$(BIN)/flask --app wsgi migrate
	$(BIN)/python -m webapp.devstack

## make test: install what the suite needs and run all of it
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

migrate: install
	$(BIN)/flask --app wsgi migrate

worker: install
	$(BIN)/flask --app wsgi worker

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
