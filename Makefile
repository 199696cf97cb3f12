# Two promises: `make demo` and `make test`, on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export SELKO_ORIGIN ?= http://localhost:$(PORT)

.PHONY: demo serve test setup translations clean lint ruff check lock

# The versions CI tested, with their hashes (requirements.lock); then Selko itself.
$(BIN)/selko: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After changing the dependencies in pyproject.toml: pin them again. On
# Debian's Python (3.11.2), the oldest Selko runs on: it needs packages a
# newer 3.11 does not (redis wants async-timeout before 3.11.3), and the
# lock must hold them.
LOCK_PYTHON ?= /usr/bin/python3
lock:
	$(LOCK_PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools
	.venv-lock/bin/pip-compile --quiet --extra test --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

translations: $(BIN)/selko
	$(BIN)/selko translate compile

setup: $(BIN)/selko node_modules/.package-lock.json translations
	$(BIN)/selko migrate

# The worker sends break alarms beside the web server; both stop together.
# Logs as plain lines for a person at the terminal (production: JSON).
demo: export SELKO_LOG_FORMAT ?= text
demo: setup
	$(BIN)/selko demo
	$(BIN)/selko worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/selko run --host 127.0.0.1 --port $(PORT)

# Production on this machine: the settings come from the environment
# (deploy/selko.env.example); web (gunicorn) and worker stop together.
serve: setup
	$(BIN)/selko worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	$(BIN)/selko serve

# The browser tests drive Debian's Chromium; install it once if it is missing.
/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The selko lint reads Finnish grammar with Voikko and its Finnish dictionary.
VOIKKO_FI := /usr/lib/voikko/5/mor-standard/index.txt
$(VOIKKO_FI):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvoikko1 voikko-fi >/dev/null

# tests/test_several_hosts.py starts its own Redis for the shared rate-limit counters.
/usr/bin/redis-server:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null

test: $(BIN)/selko node_modules/.package-lock.json translations /usr/bin/chromium $(VOIKKO_FI) /usr/bin/redis-server
	$(BIN)/pytest -n auto -m "not alone"
	$(BIN)/pytest -m alone

lint: $(BIN)/selko $(VOIKKO_FI)
	$(BIN)/selko lint

ruff: $(BIN)/selko
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Before a commit: the code's lint and the selko lint (also as .pre-commit-config.yaml).
check: ruff lint

clean:
	rm -rf $(VENV) .venv-lock node_modules instance
