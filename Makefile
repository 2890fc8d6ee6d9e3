# Two commands do everything on a fresh machine:
#   make book   build the report book from data/ (creates .venv and installs the locked requirements)
#   make test   build the book, then run every test: the full tier (what CI runs)
# While working: make check (lint, notebook templates, unit and data tests; under a minute).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.requirements-installed
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: book test check lint venv lock clean lab validate system-deps pdf report benchmark
# Debian packages the browser tests and the PDF export need: Chromium (driven by Playwright,
# whose own browser download can't be had offline), CJK fonts for the Chinese names,
# and poppler's pdftotext/pdftoppm to check the PDF.
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils

venv: $(STAMP)

# Reinstall whenever the requirements, their lock or the lib's packaging change. The lock pins every
# package to the version tested (refresh it with `make lock`).
$(STAMP): requirements.txt requirements.lock lib/pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt -c requirements.lock
	@touch $(STAMP)

# Re-resolve requirements.txt in a scratch environment and pin what it gets into requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -r requirements.txt
	( echo "# Exact versions make installs from (pip install -r requirements.txt -c requirements.lock)."; \
	  echo "# Refresh with: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' | LC_ALL=C sort -f ) > requirements.lock
	rm -rf .lock-venv

system-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	elif command -v sudo >/dev/null; then sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	else echo "Missing system packages; install them with: apt-get install -y $(SYSTEM_PACKAGES)" >&2; exit 1; fi

validate: $(STAMP)
	$(VENV)/bin/tradetalks validate

# The site, then the book as a PDF into it (the footer of every page links it) when Chromium is there
# (kept, not printed again, when nothing it is printed from changed: see tradetalks.pdf.record);
# without Chromium the site is still built and the line printed says how to get the PDF (make pdf).
book: $(STAMP)
	$(VENV)/bin/tradetalks build
	@if $(VENV)/bin/python -c "import sys; from tradetalks.pdf.site import missing_requirements as m; sys.exit(1 if m() else 0)"; \
	then $(VENV)/bin/tradetalks pdf --build never; \
	else echo "The PDF was not made (Chromium, poppler-utils or CJK fonts missing): run 'make pdf' to install them and print it."; fi

# Lint (ruff), templates stored without outputs, and the tests that need no book, browser or build.
lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests tools
	$(VENV)/bin/python -m tools.notebook_outputs notebooks

check: lint
	$(VENV)/bin/python -m pytest -n $(JOBS) -m "not site and not browser and not build"

# Everything, in one parallel run: build first (the site tests and strict nbval check what was built),
# then the unit, build, site, browser and PDF tests and strict nbval on the published notebooks
# (--dist loadscope keeps a module's shared fixtures, e.g. the browser visits, and a notebook's cells
# on one worker). The templates run top to bottom in tests/test_notebook_charts.py.
# No test may skip here (TRADETALKS_NO_SKIPS): every part is required. nbval reads the chart images the
# build drew from its image cache (TRADETALKS_CHART_CACHE; see tradetalks.charts.image_cache).
test: book system-deps lint
	TRADETALKS_NO_SKIPS=1 TRADETALKS_CHART_CACHE=$(CURDIR)/book/_build/cache/charts $(VENV)/bin/python -m pytest -n $(JOBS) --dist loadscope --durations=15 \
	  tests --nbval book/_build/notebooks

# The book as one PDF (title page, contents, every section, page numbers), printed from the
# built site with the system Chromium; builds the book first if it is missing or out of date.
pdf: $(STAMP) system-deps
	$(VENV)/bin/tradetalks pdf

# A custom report into a folder of your own, e.g.
#   make report ARGS="--out /tmp/june --start 2025-06-01 --end 2025-06-30 --sticking-point rare-earths --pdf"
report: $(STAMP)
	$(VENV)/bin/tradetalks report $(ARGS)

# Build times (clean, no-op, per notebook, against Jupyter Book's own execution), where the time goes,
# page weights, and the same at 10x, 100x and 1000x the data. ARGS="--quick" for a short run.
benchmark: $(STAMP)
	$(VENV)/bin/python -m tools.benchmark $(ARGS)

# JupyterLab on the templates, as root or not; ARGS are passed on (e.g. ARGS="--port 9999").
lab: $(STAMP)
	$(VENV)/bin/python -m tools.lab $(ARGS)

clean:
	rm -rf book/_build
