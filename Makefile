# Every target installs what it needs: a fresh clone has only python3, pip, venv and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: install dev browser bytecode run test lint samples bench clean

DEV_STAMP := $(VENV)/.dev-installed

# `run` needs only the tool itself; the test and lint tools come with `make test` / `make lint`.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(STAMP)

dev: $(DEV_STAMP)

# The HTML report is checked in a real browser (tests/report/test_report_html.py): Debian's chromium, installed
# when missing (as root, or through sudo without a password). Where neither works the browser test is skipped,
# except under CI=true, where it fails.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	else echo "note: chromium is missing and cannot be installed here (no root): the HTML browser test is skipped"; fi

# The package is installed in place (-e), so pip compiles none of it; where PYTHONDONTWRITEBYTECODE is set, Python
# would then compile every module on every run, a tenth of a second of each start-up. Stale files are recompiled.
bytecode: install
	$(BIN)/python -m compileall -q healthcheck

# Audits the bundled demo account. The demo is built to be at risk / in breach, so exit codes 1 and 2
# are the expected outcome here; 3 (the audit could not be completed) still fails the target.
run: bytecode
	$(BIN)/healthcheck audit sample_reports/ --format table || test $$? -le 2

test: dev browser
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check healthcheck tests scripts bench
	$(BIN)/ruff format --check healthcheck tests scripts bench
	$(BIN)/mypy
	$(BIN)/mypy bench
	$(BIN)/mypy --explicit-package-bases tests

# healthcheck against a DuckDB baseline on synthetic 100k and 1M-order accounts (generated once into .bench/);
# prints wall time, peak memory and their ratios, and fails if the two disagree on a number. docs/performance.md
$(BENCH_STAMP): $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# SIZES="1m 5m" chooses the accounts (100k and 1m by default); 5m is generated only when asked for.
bench: $(BENCH_STAMP) bytecode
	$(BIN)/python bench/run.py $(if $(SIZES),--sizes $(SIZES))

samples: dev
	$(BIN)/python scripts/make_samples.py sample_reports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
