# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean postgresql

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,serve,postgres,ray]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f demo/propwatch.db demo/propwatch.db-wal demo/propwatch.db-shm
	$(BIN)/propwatch kb import claimreview demo/factchecks.jsonld --db demo/propwatch.db
	$(BIN)/propwatch analyze demo/corpus --db demo/propwatch.db --report demo/report.html
	@echo 'Open the workspace: $(BIN)/propwatch serve --db demo/propwatch.db  (then http://127.0.0.1:8000/)'

# Browser tests drive Debian's Chromium headless (no browser download).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

# The store tests run against SQLite and a throw-away server of Debian's PostgreSQL.
INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) $(shell command -v initdb))

postgresql:
	@[ -n "$(INITDB)" ] || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; }

test: $(STAMP) $(CHROMIUM) postgresql
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf $(VENV) demo/propwatch.db* demo/report.html
