# e-Pôles — two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint format seed seed-full bench mutation clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.deps $@

# Browser tests drive Debian's chromium (never `playwright install`: no download allowed).
/usr/bin/chromium:
	@if [ "$$(id -u)" = "0" ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	elif command -v sudo >/dev/null; then \
		sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else echo "chromium absent : les tests navigateur seront ignorés"; fi

# The checkers of the conformance tests (axe-core, vnu-jar), pinned in package.json; vnu runs
# on Debian's Java. No CDN: whatever a page or a test uses is installed and served from here.
# A node_modules that is a link (a git worktree sharing another checkout's install) is left
# alone: npm ci would empty the shared folder through the link.
node_modules/.installed: package.json package-lock.json
	@if [ -L node_modules ]; then \
		echo "node_modules est un lien vers une installation partagée : npm ci non relancé"; \
	else \
		if ! command -v npm >/dev/null || ! command -v java >/dev/null; then \
			if [ "$$(id -u)" = "0" ]; then \
				DEBIAN_FRONTEND=noninteractive apt-get update -q && \
				DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm default-jre-headless; \
			else echo "npm ou java absent : apt-get install npm default-jre-headless"; fi; \
		fi; \
		npm ci --no-audit --no-fund --ignore-scripts && touch $@; \
	fi

run: $(VENV)/.deps
	$(BIN)/python -m app.serve --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps /usr/bin/chromium node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

seed: $(VENV)/.deps
	$(FLASK) seed --scale demo

seed-full: $(VENV)/.deps
	$(FLASK) seed --scale full

# Every benchmark in one run (bench/__main__.py), the goals with their figures at the end.
bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

# Mutation testing of app/rules and the verbs (bench/mutate.py): slow, not part of `make test`.
# MUTATION_MODULES="app/rules/points.py ..." restricts it; the report is bench/mutation_report.txt.
mutation: $(VENV)/.dev-deps
	$(BIN)/python -m bench.mutate --jobs 2

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
