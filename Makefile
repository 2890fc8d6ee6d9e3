# Two commands do everything on a fresh machine:
#   make book   build the report book from data/ (creates .venv and installs requirements.txt if needed)
#   make test   run every test (builds the book first if it is missing or out of date)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.requirements-installed
SITE := book/_build/html/index.html

.PHONY: book test venv clean lab validate system-deps pdf report benchmark
# Debian packages the browser tests and the PDF export need: Chromium (driven by Playwright,
# whose own browser download can't be had offline), CJK fonts for the Chinese names,
# and poppler's pdftotext/pdftoppm to check the PDF.
SYSTEM_PACKAGES := chromium fonts-noto-cjk poppler-utils

venv: $(STAMP)

# Reinstall whenever requirements.txt or the lib's packaging changes.
$(STAMP): requirements.txt lib/pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

system-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep "Noto Sans CJK" >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	elif command -v sudo >/dev/null; then sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(SYSTEM_PACKAGES); \
	else echo "Missing system packages; install them with: apt-get install -y $(SYSTEM_PACKAGES)" >&2; exit 1; fi

validate: $(STAMP)
	$(VENV)/bin/tradetalks validate

book: $(STAMP)
	$(VENV)/bin/tradetalks build

# Build first (the site tests and strict nbval check what was built), then:
#   unit, build and site tests; strict nbval on the published notebooks; nbval-lax on the templates.
test: book system-deps
	$(VENV)/bin/python -m pytest
	$(VENV)/bin/python -m pytest --nbval book/_build/notebooks
	$(VENV)/bin/python -m pytest --nbval-lax notebooks

# The book as one PDF (title page, contents, every section, page numbers), printed from the
# built site with the system Chromium; builds the book first if it is missing or out of date.
# Prints the path: book/_build/pdf/us-china-trade-negotiations-2025.pdf
pdf: $(STAMP) system-deps
	$(VENV)/bin/tradetalks pdf

# A custom report into a folder of your own, e.g.
#   make report ARGS="--out /tmp/june --start 2025-06-01 --end 2025-06-30 --sticking-point rare-earths --pdf"
report: $(STAMP)
	$(VENV)/bin/tradetalks report $(ARGS)

# Build times (clean, no-op, per notebook, against Jupyter Book's own execution), page weights, and
# the same at 10x, 100x and 1000x the data: figures printed, nothing asserted. ARGS="--quick" for a short run.
benchmark: $(STAMP)
	$(VENV)/bin/tradetalks benchmark $(ARGS)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf book/_build
