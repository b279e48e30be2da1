# LocalChat: `make run` starts a server and a client window on it; `make test` runs every test.
# Both set up .venv by themselves on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 13333
NICK ?= $(USER)
PYTEST_ARGS ?=

.PHONY: run server client test fresh-check bench clean install-desktop uninstall-desktop

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
	$(PY) -m server --port $(PORT) -v

# The desktop entry and icon in the user's share directory (the menu then shows LocalChat; its
# Exec is `localchat`, e.g. from `pipx install .`). DATA_HOME may point elsewhere (tests).
DATA_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
install-desktop:
	install -D -m 644 contrib/localchat.desktop $(DATA_HOME)/applications/localchat.desktop
	install -D -m 644 app/assets/localchat.svg $(DATA_HOME)/icons/hicolor/scalable/apps/localchat.svg
	install -D -m 644 app/assets/localchat.png $(DATA_HOME)/icons/hicolor/256x256/apps/localchat.png
	-@update-desktop-database -q $(DATA_HOME)/applications 2>/dev/null || true
	-@gtk-update-icon-cache -q -t $(DATA_HOME)/icons/hicolor 2>/dev/null || true

uninstall-desktop:
	rm -f $(DATA_HOME)/applications/localchat.desktop \
	  $(DATA_HOME)/icons/hicolor/scalable/apps/localchat.svg \
	  $(DATA_HOME)/icons/hicolor/256x256/apps/localchat.png

client: $(VENV)/.installed
	$(PY) -m app

# make test installs every program the tests drive, so a missing one is a failure, not a skip.
test: $(VENV)/.installed
	@bash scripts/system-deps.sh test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	@rc=0; LOCALCHAT_REQUIRE_INTEROP=1 $(PY) -m pytest -n 2 $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests were collected" >&2; exit 1; fi; exit $$rc

# The proof that a fresh machine passes (root, Debian): see scripts/fresh-check.sh.
fresh-check:
	bash scripts/fresh-check.sh

# BENCH_ARGS: e.g. --quick, --only localchat, --json FILE, --profile DIR, --ngircd-from FILE
# (see python -m bench.run -h)
BENCH_ARGS ?=
$(VENV)/.bench-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench-installed
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
