# Two entry points that work on a fresh clone: `make demo` and `make test`.
# Each installs what it needs on first use (npm packages, PostgreSQL for the storage tests).
SHELL := /bin/bash
.DEFAULT_GOAL := help
STAMP := node_modules/.arc-install-stamp

help:
	@echo "make demo   run the main job (arc demo --quick: a local LLM learning from its failures)"
	@echo "make test   install, build and run every test (SQLite and PostgreSQL, then the Python SDK's)"
	@echo "make test-python   the Python SDK's mypy and pytest (in .venv, against the build)"
	@echo "make bench-python  the Python SDK's per-call overhead vs a bare call and an OpenTelemetry span"
	@echo "make test-trainers   the VERL and TRL plug-ins against a real arc serve (installs torch, ~7 GB)"

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	node scripts/check-native-modules.mjs
	@touch $(STAMP)

install: $(STAMP)

build: install
	npm run build

lint: install
	npm run lint

typecheck: install
	npm run typecheck

test: build
	scripts/ensure-chromium.sh
	. scripts/ensure-postgres.sh && npm test
	scripts/test-python.sh
	scripts/api-fuzz.sh

test-python: build
	scripts/test-python.sh

bench-python:
	scripts/bench-python.sh

demo: build
	node packages/server/dist/cli/main.js demo --quick

# The trainer plug-ins (python/src/arc/trainers): two venvs, because verl 0.7 needs numpy < 2 and
# verl 0.9 numpy >= 2, each installed exactly from its lock file (python/trainers/*.txt) with uv,
# whose cache hard-links torch into the second venv. Not part of `make test`: see the README.
TRAINER_VENVS := .venv-trainers
UV := $(TRAINER_VENVS)/uv/bin/uv

$(UV):
	python3 -m venv $(TRAINER_VENVS)/uv
	$(TRAINER_VENVS)/uv/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

$(TRAINER_VENVS)/verl-%/.installed: python/trainers/verl-%.txt python/pyproject.toml | $(UV)
	$(UV) venv --quiet --clear --python python3 $(TRAINER_VENVS)/verl-$*
	VIRTUAL_ENV=$(TRAINER_VENVS)/verl-$* $(UV) pip install --quiet --no-deps -r python/trainers/verl-$*.txt
	VIRTUAL_ENV=$(TRAINER_VENVS)/verl-$* $(UV) pip install --quiet --no-deps -e python
	@touch $@

trainer-venvs: $(TRAINER_VENVS)/verl-0.7/.installed $(TRAINER_VENVS)/verl-0.9/.installed

test-trainers: build trainer-venvs
	cd python && ../$(TRAINER_VENVS)/verl-0.7/bin/python -m pytest tests_trainers/test_verl_sampler.py tests_trainers/test_verl_dataset.py
	cd python && ../$(TRAINER_VENVS)/verl-0.9/bin/python -m pytest tests_trainers --ignore=tests_trainers/test_verl_sampler.py

.PHONY: help install build lint typecheck test test-python bench-python demo trainer-venvs test-trainers
