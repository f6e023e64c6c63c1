PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROTO_SRC := $(shell find proto -name '*.proto')

.PHONY: run test proto check-proto lint lint-proto bench clean setup toolchain

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) toolchain

# The C plugin toolchain (clang for wasm32-wasi, lld, wasi-libc); installed only when missing (needs root).
WASI_PACKAGES := clang lld wasi-libc libclang-rt-14-dev-wasm32
toolchain:
	@if command -v clang >/dev/null 2>&1 && [ -d /usr/include/wasm32-wasi ]; then :; else \
		echo "installing the C plugin toolchain: $(WASI_PACKAGES)"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(WASI_PACKAGES); \
	fi

proto: $(STAMP)
	$(BIN)/python -m kernel.tools.genproto

check-proto: $(STAMP)
	$(BIN)/python -m kernel.tools.genproto --check

run: proto
	$(BIN)/arcade run examples/hello/arcade.yaml

test: $(STAMP) check-proto toolchain
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
