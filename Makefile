PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROTO_SRC := $(shell find proto -name '*.proto')

.PHONY: run test proto check-proto lint lint-proto bench clean setup

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

proto: $(STAMP)
	$(BIN)/python -m kernel.tools.genproto

check-proto: $(STAMP)
	$(BIN)/python -m kernel.tools.genproto --check

run: proto
	$(BIN)/arcade run examples/hello/arcade.yaml

test: $(STAMP) check-proto
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

lint-proto:
	cd proto && npx --yes @bufbuild/buf lint

bench: $(STAMP)
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .arcade
