# The commands of the README: `make run`, `make test` and `make cluster`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# checkov pins packaging<24, which pytest 9 cannot use: it gets a venv of its own.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := $(VENV)/checkov
CHECKOV_INSTALLED := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
# The regions' own addresses in the local topology (localcluster/regions.py).
REGION_IPS := US_EAST_1_IP=127.0.0.11 EU_WEST_1_IP=127.0.0.12 AP_SOUTHEAST_1_IP=127.0.0.13

.PHONY: run test lint format system-packages checkov cluster cluster-status cluster-stop \
	cluster-fault dist-test

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
test: $(INSTALLED) $(CHECKOV_INSTALLED) system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

# checkov, for tests/infra (it checks infra/terraform offline).
checkov: $(CHECKOV_INSTALLED)

$(CHECKOV_INSTALLED):
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	touch $@

# Three regions on one machine (README): PostgreSQL primary and standbys,
# regional nodes, HAProxy as Route 53, nginx as CloudFront; state in .state/cluster.
cluster: $(INSTALLED) system-packages
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python -m localcluster start

cluster-status: $(INSTALLED)
	$(BIN)/python -m localcluster status

cluster-stop: $(INSTALLED)
	$(BIN)/python -m localcluster stop

# e.g. make cluster-fault FAULT="pause-replay eu-west-1"; FAULT=heal undoes them all.
cluster-fault: $(INSTALLED)
	$(BIN)/python -m localcluster fault $(FAULT)

# dist-test.sh against `make cluster`: the edge, then each region pinned by its address.
dist-test:
	$(REGION_IPS) ./dist-test.sh http://localhost:8080

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The suite needs PostgreSQL server binaries (initdb, pg_basebackup) and
# redis-server; the local topology also haproxy and nginx. Installed from
# Debian's packages when missing and we may.
system-packages:
	@if { [ -z "$$PG_BINDIR" ] && ! ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1; } \
	    || ! command -v redis-server >/dev/null \
	    || ! PATH="$$PATH:/usr/sbin" command -v haproxy >/dev/null \
	    || ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql redis-server haproxy nginx; \
	  else \
	    echo "Missing PostgreSQL server binaries, redis-server, haproxy or nginx: install them (Debian: postgresql redis-server haproxy nginx) or set PG_BINDIR for PostgreSQL." >&2; \
	    exit 1; \
	  fi; \
	fi
