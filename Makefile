# LocalChat: `make run` starts a server and a client window on it; `make test` runs every test.
# Both set up .venv by themselves on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 13333
NICK ?= $(USER)
PYTEST_ARGS ?=

.PHONY: run server client test fresh-check bench clean

$(VENV)/.installed: pyproject.toml
	@bash scripts/system-deps.sh run
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

run: $(VENV)/.installed
	@$(PY) -m server --host $(HOST) --port $(PORT) & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT INT TERM; \
	sleep 0.5; $(if $(filter 127.0.0.1 localhost,$(HOST)),LOCALCHAT_MDNS_INTERFACES=127.0.0.1) $(PY) -m app --host $(HOST) --port $(PORT) $(if $(NICK),--nick $(NICK))

server: $(VENV)/.installed
	$(PY) -m server --host 0.0.0.0 --port $(PORT) -v

client: $(VENV)/.installed
	$(PY) -m app

# make test installs every program the tests drive, so a missing one is a failure, not a skip.
test: $(VENV)/.installed
	@bash scripts/system-deps.sh test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	@rc=0; LOCALCHAT_REQUIRE_INTEROP=1 $(PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected" >&2; exit 1; fi; exit $$rc

# The proof that a fresh machine passes (root, Debian): see scripts/fresh-check.sh.
fresh-check:
	bash scripts/fresh-check.sh

bench: $(VENV)/.installed
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) build *.egg-info
