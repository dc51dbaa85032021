# The two commands a newcomer types: `make demo` and `make test`.
# Each does its own set-up on a fresh machine and says what it is doing.
# Language parts live in mk/<language>.mk; this file holds what they share.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
ROOT := $(CURDIR)

# Every pinned version (ORT_VERSION, ONYX_VERSION, SHA-256s) comes from versions.env.
include $(ROOT)/versions.env
ORT_DIR := $(ROOT)/.cache/onnxruntime/$(ORT_VERSION)
ORT_LIB := $(ORT_DIR)/libonnxruntime.so.$(ORT_VERSION)
VENV_PY := $(ROOT)/.cache/venv/bin/python
CARGO_TARGET := $(ROOT)/target/release
ONYX_LIB := $(CARGO_TARGET)/libonyx.so
SPEC := $(ROOT)/tests/suite/spec.txt
LOGS := $(ROOT)/build/logs
CMAKE_BUILD := $(ROOT)/build/cmake

.PHONY: all demo test bench setup toolchain ort fixtures lib header header-check clean
.DEFAULT_GOAL := all
all: test

# --- set-up shared by every language ---------------------------------------------

toolchain:
	@bash scripts/install-toolchain.sh

ort:
	@bash scripts/fetch-onnxruntime.sh

fixtures:
	@bash tests/suite/setup-venv.sh
	@$(VENV_PY) tests/suite/generate.py

setup: toolchain ort fixtures customops

lib: ort
	@echo "onyx: building libonyx (cargo, release)"
	@cargo build --quiet --release -p onyx-ffi

# include/onyx.h is generated from ffi/ and committed; `make test` fails when stale.
header:
	@cd ffi && cbindgen --quiet --config cbindgen.toml --crate onyx-ffi --output ../include/onyx.h

header-check: toolchain
	@tmp=$$(mktemp); (cd ffi && cbindgen --quiet --config cbindgen.toml --crate onyx-ffi --output $$tmp); \
	if ! cmp -s $$tmp include/onyx.h; then \
	  echo "onyx: include/onyx.h is stale: run 'make header' and commit it" >&2; diff -u include/onyx.h $$tmp | head -40 >&2; rm -f $$tmp; exit 1; fi; \
	rm -f $$tmp; echo "onyx: include/onyx.h matches ffi/ (cbindgen)"

$(LOGS):
	@mkdir -p $@

# The CMake build (C and C++ tests, examples, the installable package). CMake builds
# libonyx through cargo itself; see CMakeLists.txt.
.PHONY: cmake-build
cmake-build: toolchain ort fixtures
	@echo "onyx: building the CMake tree (build/cmake)"
	@cmake -S . -B $(CMAKE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(CMAKE_BUILD)

# --- languages -------------------------------------------------------------------
# Each mk/<language>.mk adds test-<language>, demo-<language> and bench-<language>
# to TEST_TARGETS, DEMO_TARGETS and BENCH_TARGETS; test targets write $(LOGS)/<language>.log.

TEST_TARGETS :=
DEMO_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

# Every copy of a version pin agrees with versions.env; docs/api-map.md names exist.
.PHONY: consistency-check
consistency-check:
	@python3 scripts/check-versions.py
	@python3 scripts/check-api-map.py

test: setup header-check consistency-check
	@rm -f $(LOGS)/*.log
	@status=0; for t in $(TEST_TARGETS); do $(MAKE) --no-print-directory $$t || status=1; done; \
	echo; echo "onyx: the shared suite, case x language:"; \
	python3 tests/suite/table.py $(LOGS)/*.log || status=1; \
	if [ $$status = 0 ]; then echo "onyx: make test passed"; else echo "onyx: make test FAILED" >&2; fi; exit $$status

demo: setup
	@for t in $(DEMO_TARGETS); do $(MAKE) --no-print-directory $$t; done

bench: setup
	@$(MAKE) --no-print-directory bench-anchors
	@for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t; done
	@echo; echo "onyx: all results (build/bench/results.txt):"; cat $(BENCH_DIR)/results.txt

clean:
	rm -rf build target
