# Two commands (see README): `make report` and `make test`. Both create/update .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dfslab-installed

.PHONY: report test venv bench clean-reports browser

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

## The main job: the slate report on the built-in demo slate -> reports/demo/slate_report.html
report: $(STAMP)
	$(BIN)/dfslab report --demo --out reports/demo

## Headless Chromium for the report's browser test: Debian's package, installed when missing and possible.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
	      apt-get install -y -q chromium >/dev/null 2>&1; }; } && echo "installed Debian chromium (browser test)" \
	      || echo "could not install chromium: the browser test will skip and say so"; \
	  else echo "no chromium and no root apt-get: the browser test will skip and say so"; fi; }

## All tests: pytest (library, doctests, real-data checks) and nbval (every notebook runs), on every core
## (pytest-xdist; --dist loadfile keeps a notebook's cells and a module's fixtures in one worker).
## pytest exits 5 when it collected nothing: treat that as a failure, never a silent pass.
test: $(STAMP) browser
	@set -o pipefail; $(BIN)/python -m pytest --doctest-modules dfslab tests \
	  --nbval-lax notebooks --nbval-sanitize-with notebooks/nbval_sanitize.cfg -p no:cacheprovider \
	  -n auto --dist loadfile --durations=25; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done
