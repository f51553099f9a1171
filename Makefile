# The two set-up commands of the README, plus helpers for CI and benchmarks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-dev lint assets

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet -e .

install-dev: $(PY)
	$(PIP) install --quiet -e ".[dev]"

## Install, create the SQLite database with the reference data, and serve on :8000.
run: install
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py load_reference_data
	@echo
	@echo "Admin: create a user with   DEBUG=1 $(PY) manage.py createsuperuser"
	@echo "       then log in at        http://127.0.0.1:8000/admin/"
	@echo "API:   http://127.0.0.1:8000/api/v1/   docs: http://127.0.0.1:8000/api/docs/"
	@echo "Explorer (public pages): http://127.0.0.1:8000/"
	@echo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

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
