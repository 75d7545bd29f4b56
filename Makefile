# ipflow — `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install assets browser init run test lint check-migrations bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) assets

# Front-end assets (bpmn-js viewer) from npm, bundled by esbuild into webui/static/build (git-ignored).
# npm ci runs only when the lock file changed; the bundle is rebuilt only when its sources did.
NPM_STAMP := node_modules/.ipflow-npm-stamp
BUNDLE    := webui/static/build/case-diagram.js

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

$(BUNDLE): $(NPM_STAMP) $(wildcard webui/assets/*.js webui/assets/*.mjs webui/assets/*.json)
	node webui/assets/build.mjs

assets: $(BUNDLE)

# Browser tests drive Debian's Chromium (never a downloaded one): install it when we are root.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	  else \
	    echo "Browser tests need Chromium: run 'sudo apt-get install chromium' (they are skipped until then)."; \
	  fi; }

init: install
	$(BIN)/ipflow init --demo-cases

run: init
	$(BIN)/ipflow serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check engine webui tests bench migrations/env.py
	$(BIN)/lint-imports --config setup.cfg

test: install lint browser
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
