# Every target installs what it needs into .venv on first use (python3 >= 3.11 and make suffice).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_STAMP := $(VENV)/.demo-stamp
SPEC ?=
PORT ?= 8765
# pytest-xdist workers for `make test` (auto: one per core).
WORKERS ?= auto
# Tests never see the variables given to make (`make update-spec SPEC=...` exports SPEC to its
# recipe's environment, and MAKEFLAGS passes them on to any make a test runs).
CLEAN_ENV := env -u SPEC -u COMMIT -u OLD -u NEW -u NO_TESTS -u FAIL_ON_BREAKING -u PYTEST_ARGS \
	-u LIVE -u WORKERS -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES
GENERATED_PATHS := generated/ overlays/orchestra_payments/_generated_operations.py overlays/orchestra_payments/_generated_facade.py overlays/orchestra_payments/_generated_params.py

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

# The full toolchain: the package (editable) with the sandbox and the `dev` dependency group.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "python3 >= 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[sandbox]' --group dev
	@touch $(STAMP)

# Only what the demo needs: the package (editable) and the sandbox (`demo` group).
$(DEMO_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "python3 >= 3.11 is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip>=25.1'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[sandbox]' --group demo
	@touch $(DEMO_STAMP)

.PHONY: install
install: $(STAMP) ## create .venv with the pinned tools and the package (editable)

.PHONY: generate
generate: $(STAMP) ## regenerate generated/ and the facade from the locked spec + patches (SPEC=path)
	$(CLEAN_ENV) $(BIN)/python scripts/generate.py $(if $(SPEC),--spec "$(SPEC)")

.PHONY: check-generated
check-generated: generate ## regenerate, then fail with the diff if the committed output is stale
	@if [ -n "$$(git status --porcelain -- $(GENERATED_PATHS))" ]; then \
		git --no-pager diff --stat -- $(GENERATED_PATHS); \
		git status --porcelain -- $(GENERATED_PATHS); \
		git --no-pager diff -- $(GENERATED_PATHS) | head -200; \
		echo "generated code is stale: run 'make generate' and commit the result" >&2; \
		exit 1; \
	fi
	@echo "generated code is up to date"

.PHONY: lint
lint: $(STAMP) ## ruff on the hand-written code; actionlint and zizmor on .github/workflows
	$(BIN)/ruff check overlays sandbox scripts tests examples benchmarks
	$(BIN)/ruff format --check overlays sandbox scripts tests examples benchmarks
	$(BIN)/actionlint -no-color -shellcheck $(BIN)/shellcheck .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress --color=never .github/workflows

.PHONY: typecheck
typecheck: $(STAMP) ## mypy --strict on everything: generated/, overlays/, sandbox/, scripts, tests
	$(BIN)/mypy --strict generated/orchestra_api overlays/orchestra_payments sandbox/orchestra_sandbox examples
	$(BIN)/mypy --strict scripts benchmarks tests

.PHONY: test
test: $(STAMP) ## the test suite, in parallel (offline: network blocked but for loopback); not the e2e tests
	$(CLEAN_ENV) $(BIN)/python -m pytest -q -n $(WORKERS)

.PHONY: test-e2e
test-e2e: $(STAMP) ## end to end: `make update-spec` on modified copies of the locked spec in fresh clones, then the suite there
	$(CLEAN_ENV) $(BIN)/python -m pytest -m e2e -v -s -p no:cacheprovider

.PHONY: sandbox
sandbox: $(STAMP) ## run the local Orchestra sandbox in the foreground (PORT=8765)
	$(BIN)/python -m orchestra_sandbox --port $(PORT)

.PHONY: demo
demo: $(if $(wildcard $(STAMP)),$(STAMP),$(DEMO_STAMP)) ## end-to-end tour on a fresh sandbox (LIVE=1: the real API, ORCHESTRA_API_KEY)
	$(BIN)/python examples/demo.py $(if $(LIVE),--live)

.PHONY: package
package: $(STAMP) ## build the sdist and wheel into dist/ and check their metadata (twine check)
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	$(BIN)/twine check --strict dist/*

.PHONY: docs
docs: $(STAMP) ## build the reference documentation into site/ (offline; any warning is an error)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

.PHONY: docs-serve
docs-serve: $(STAMP) ## serve the documentation on http://127.0.0.1:8000, rebuilt on every change
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

.PHONY: conformance
conformance: $(STAMP) ## schemathesis with the patched spec against a fresh sandbox (EXAMPLES=100)
	$(BIN)/python scripts/conformance.py --max-examples $(or $(EXAMPLES),100)

.PHONY: bench
bench: $(STAMP) ## benchmarks: emulator latency/throughput, client overhead, import cost, load
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/load.py

.PHONY: chaos
chaos: $(STAMP) ## the chaos matrix (money operation x fault) and the money model over 5,000 steps, vs the ledger
	$(CLEAN_ENV) ORCHESTRA_CHAOS=full $(BIN)/python -m pytest -q -p no:xdist tests/test_chaos.py
	$(CLEAN_ENV) ORCHESTRA_MODEL_STEPS=5000 $(BIN)/python -m pytest -q -p no:xdist tests/test_money_model.py

.PHONY: record
record: $(STAMP) ## re-record every cassette: a fresh sandbox (LIVE=1: the real API, ORCHESTRA_API_KEY)
	$(if $(LIVE),ORCHESTRA_RECORD_LIVE=1 )$(BIN)/python -m pytest -q tests/test_cassettes.py --record-mode=rewrite
	$(BIN)/python -m pytest -q tests/test_cassette_hygiene.py

.PHONY: update-spec
update-spec: $(STAMP) ## take a new vendor spec: validate, patch, regenerate, report, test (SPEC=path COMMIT=full-sha [FAIL_ON_BREAKING=1])
	$(CLEAN_ENV) $(BIN)/python scripts/update_spec.py --spec "$(SPEC)" $(if $(COMMIT),--source-commit "$(COMMIT)") $(if $(NO_TESTS),--no-tests) $(if $(FAIL_ON_BREAKING),--fail-on-breaking) $(if $(PYTEST_ARGS),--pytest-args "$(PYTEST_ARGS)")

.PHONY: spec-diff
spec-diff: $(STAMP) ## the change report between two spec files, patched (OLD=path NEW=path); exit 1 if breaking, 2 unreadable
	$(CLEAN_ENV) $(BIN)/python scripts/specdiff.py "$(OLD)" "$(NEW)" --patched --fail-on-breaking

.PHONY: clean
clean: ## remove the virtualenv and caches
	rm -rf $(VENV) dist site .mypy_cache .pytest_cache .ruff_cache .hypothesis
