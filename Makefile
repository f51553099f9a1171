# The set-up commands of the README, plus helpers for CI. Needs Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# True when the interpreter given is Python 3.11 with a working pip (or venv module).
IS_311 = -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'

.PHONY: run test install install-dev lint venv assets

## A .venv on Python 3.11; a missing, broken or other-version .venv is (re)built.
venv:
	@if ! $(PY) $(IS_311) 2>/dev/null || ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  if ! "$(PYTHON)" $(IS_311) 2>/dev/null; then \
	    echo "Python 3.11 is needed; '$(PYTHON)' is $$("$(PYTHON)" -V 2>&1 || echo missing)." >&2; \
	    echo "Install python3.11 (with its venv module) or run: make PYTHON=/path/to/python3.11" >&2; \
	    exit 1; \
	  fi; \
	  if [ -e $(VENV) ]; then echo "$(VENV) is broken or not Python 3.11: rebuilding it."; fi; \
	  rm -rf $(VENV); \
	  "$(PYTHON)" -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "Could not create $(VENV): install Python 3.11's venv module (python3.11-venv)." >&2; \
	    exit 1; }; \
	  $(PIP) install --quiet --upgrade pip; \
	fi

install: venv
	$(PIP) install --quiet -e .

install-dev: venv
	$(PIP) install --quiet -e ".[dev]"

## Install, create the SQLite database with the reference data, and serve on :$(PORT).
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_reference_data
	@echo
	@echo "Admin: create an editor with DEBUG=1 $(PY) manage.py create_editor NAME --password …"
	@echo "       then log in at        http://127.0.0.1:$(PORT)/admin/"
	@echo "API:   http://127.0.0.1:$(PORT)/api/v1/   docs: http://127.0.0.1:$(PORT)/api/docs/"
	@echo "Explorer (public pages): http://127.0.0.1:$(PORT)/"
	@echo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Install with the test tools and run the whole test suite (SQLite unless DATABASE_URL is set).
test: install-dev
	$(VENV)/bin/pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Rebuild the explorer's vendored chart libraries (explorer/static/explorer/vendor) from the
## npm lockfile; needs Node and npm. The built files are committed: `make run` does not need this.
assets:
	cd explorer/frontend && npm ci --no-audit --no-fund && npm run build
