# circsim — the two commands that do everything on a fresh machine:
#   make run    create .venv, install circsim, run the baseline scenario over 5 seeds
#   make test   create .venv, install circsim with test extras, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SEEDS  ?= 5
export CIRCSIM_CACHE_DIR ?= $(CURDIR)/.numba_cache

.PHONY: run test test-all bench bench-check golden clean-cache install

$(BIN)/circsim: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/circsim

run: install
	$(BIN)/circsim run baseline --seeds $(SEEDS) --out results/baseline.nc \
	    --figure results/baseline.png --summary results/baseline_headline.csv

test: install
	$(BIN)/python -m pytest -q

test-all: install
	$(BIN)/python -m pytest -q -m "slow or not slow"

bench: install
	$(BIN)/python -m benchmarks.throughput --scenarios baseline,all_instruments

bench-check: install
	$(BIN)/python -m benchmarks.regression --quick

golden: install
	$(BIN)/python -m benchmarks.regression --update-golden

clean-cache:
	rm -rf .numba_cache
