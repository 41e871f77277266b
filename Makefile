# kg: two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_DIR := tools/cypher-lint
OUT := out

.PHONY: demo test test-neo4j bench schemas lint system-deps node-deps venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,llm,spark]'
	touch $(STAMP)

# Headless Chromium and a CJK font for the browser tests (Debian packages; needs root or sudo).
system-deps:
	bash scripts/system-deps.sh

# Neo4j's own Cypher front end for the lint tests (npm, pinned, offline afterwards).
node-deps: $(LINT_DIR)/node_modules/.installed

$(LINT_DIR)/node_modules/.installed: $(LINT_DIR)/package.json $(LINT_DIR)/package-lock.json
	cd $(LINT_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: venv
	mkdir -p $(OUT)
	rm -f $(OUT)/kg.db $(OUT)/kg.db-wal $(OUT)/kg.db-shm  # a fresh store: one left by an older kg has another schema
	$(BIN)/kg build examples/articles --db $(OUT)/kg.db
	$(BIN)/kg view --db $(OUT)/kg.db -o $(OUT)/graph.html

test: venv system-deps node-deps
	CI=$${CI:-true} $(BIN)/python -m pytest -q

test-neo4j: venv
	@test -n "$$NEO4J_URI" || (echo "Set NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD) to run the Neo4j integration tests" && exit 2)
	$(BIN)/python -m pytest -q -m neo4j tests

bench: venv
	$(BIN)/python benchmarks/run.py

schemas: venv
	$(BIN)/kg schemas --out schemas

clean:
	rm -rf $(VENV) $(OUT) $(LINT_DIR)/node_modules
