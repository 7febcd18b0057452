# Corridor: `make run` to try it, `make test` to check it. Nothing else needs installing by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip --disable-pip-version-check -q
export DJANGO_SETTINGS_MODULE := corridor.settings

.PHONY: run test test-postgres lint bench audit messages system-deps system-deps-test screenshots catalogues clean

$(BIN)/corridor: requirements/base.txt requirements/build.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes -r requirements/build.txt
	$(PIP) install --require-hashes -r requirements/base.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: $(BIN)/corridor requirements/dev.txt
	$(PIP) install --require-hashes -r requirements/dev.txt
	touch $@

# System packages: gettext to compile translations; Chromium and fonts for the browser tests.
system-deps:
	scripts/system-deps.sh gettext
system-deps-test:
	scripts/system-deps.sh gettext chromium fonts-dejavu-core nodejs
	command -v npm >/dev/null || scripts/system-deps.sh npm

# axe-core, injected by the browser tests into every page they check (package-lock.json pins it
# with its hash; never loaded from a CDN, never served).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

messages: $(BIN)/corridor system-deps
	$(BIN)/corridor compilemessages -v 0 --ignore=.venv

# Refresh the .po catalogues from the source (then translate the new entries in uk and ru).
catalogues: $(BIN)/corridor system-deps
	$(BIN)/corridor makemessages -l uk -l ru -l en --no-location \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=scripts

run: $(BIN)/corridor messages
	$(BIN)/corridor migrate -v 0
	test -f var/keys/escrow.pub || $(BIN)/corridor keys init
	test -f var/keys/audit.key || $(BIN)/corridor keys add-audit-key
	$(BIN)/corridor demo
	$(BIN)/corridor worker --no-startup-delay -v 0 & $(BIN)/corridor serve 127.0.0.1:8000

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r corridor accounts audit cases vault intake planning family reception rewards telegram_bot
	$(BIN)/python scripts/custom_checks.py

test: $(VENV)/.dev system-deps-test node_modules/axe-core/axe.min.js messages lint
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:cacheprovider

# The same suite against PostgreSQL: DATABASE_URL must point at a server (see .ci/run).
test-postgres: $(VENV)/.dev system-deps-test node_modules/axe-core/axe.min.js messages
	test -n "$$DATABASE_URL" || (echo "set DATABASE_URL=postgres://..." && exit 2)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -p no:cacheprovider

# Benchmarks print JSON (docs/performance.md). On SQLite unless DATABASE_URL names PostgreSQL.
bench: $(VENV)/.dev
	$(BIN)/python bench/vault.py
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/logins.py
	$(BIN)/python bench/cases.py
	$(BIN)/python bench/roster.py
	$(BIN)/python bench/telegram.py

# The README's pictures, from a throwaway demo database and a real server.
screenshots: $(VENV)/.dev system-deps-test messages
	$(BIN)/python scripts/screenshots.py

# Needs a connected machine: pip-audit asks a vulnerability service.
audit: $(VENV)/.dev
	$(BIN)/pip install -q pip-audit && $(BIN)/pip-audit -r requirements/base.txt -r requirements/dev.txt

clean:
	rm -rf $(VENV) var node_modules
