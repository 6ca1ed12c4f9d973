# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format system-packages

# A virtualenv with requirements.txt, rebuilt when requirements.txt changes.
$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# A regional node on the embedded SQLite database, at http://127.0.0.1:8000/.
run: $(INSTALLED)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn -c gunicorn.conf.py

# Lint, then the whole suite against its own PostgreSQL primary, standby and Redis.
test: $(INSTALLED) system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite needs PostgreSQL server binaries (initdb, pg_basebackup) and
# redis-server. Installed from Debian's packages when missing and we may.
system-packages:
	@if { [ -z "$$PG_BINDIR" ] && ! ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1; } \
	    || ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql redis-server; \
	  else \
	    echo "Missing PostgreSQL server binaries or redis-server: install them (Debian: postgresql redis-server) or set PG_BINDIR." >&2; \
	    exit 1; \
	  fi; \
	fi
