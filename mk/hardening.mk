# Hardening (docs/reliability.md): the cargo-fuzz targets, the mutation smoke test,
# the C and C++ suites under ASan+UBSan, the Rust race tests under ThreadSanitizer,
# and the C suite under valgrind memcheck.
#
#   make test-hardening   all of it, each fuzz target briefly (FUZZ_TEST_SECONDS)
#   make fuzz             each fuzz target for FUZZ_SECONDS (default 300)
#   make fuzz-seeds       rewrites the committed seed models (fuzz/seeds/model_bytes)
#
# Everything it creates goes under build/ (fuzz, hardening, asan, tsan); it installs
# what it needs (nightly's rust-src, cargo-fuzz) when missing, and says so. It writes
# no $(LOGS)/*.log: its results are not suite cases, so the case x language table
# has no column for them; the summary lines below are its report.
TEST_TARGETS += test-hardening

HARDEN := $(ROOT)/build/hardening
FUZZ_WORK := $(ROOT)/build/fuzz
FUZZ_BIN := $(FUZZ_WORK)/target/x86_64-unknown-linux-gnu/release
FUZZ_TARGETS := run_args model_bytes
FUZZ_SECONDS ?= 300
FUZZ_TEST_SECONDS ?= 45
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 10
CARGO_FUZZ_VERSION := 0.13.2
NIGHTLY := cargo +nightly
RUST_TARGET := x86_64-unknown-linux-gnu
ASAN_BUILD := $(ROOT)/build/asan
TSAN_TARGET := $(ROOT)/build/tsan/target
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
# halt_on_error: the first report fails the run. allocator_may_return_null: the suites
# ask for tensors too large to allocate on purpose and expect OUT_OF_MEMORY.
# new_delete_type_mismatch=0: onnxruntime-extensions 0.13.0, the custom-op library the
# suite loads, frees a 296-byte object with a sized delete of another size in its own
# static destructors at exit (__cxa_finalize); ASan has no suppression by library for
# this check (docs/reliability.md, O2). Onyx's C++ is onyx.hpp, whose deletes are
# unique_ptr's of the allocated type.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:halt_on_error=1:detect_odr_violation=0:new_delete_type_mismatch=0 \
  LSAN_OPTIONS=suppressions=$(ROOT)/tests/hardening/lsan.supp \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
TSAN_ENV := ONYX_ORT_LIBRARY=$(ORT_LIB) RUSTFLAGS=-Zsanitizer=thread CARGO_TARGET_DIR=$(TSAN_TARGET) \
  TSAN_OPTIONS="ignore_noninstrumented_modules=1 suppressions=$(ROOT)/tests/hardening/tsan.supp halt_on_error=1 allocator_may_return_null=1"
TSAN_CARGO := $(NIGHTLY) test --quiet -Zbuild-std --target $(RUST_TARGET)
VALGRIND := valgrind --suppressions=$(ROOT)/tests/hardening/valgrind.supp --error-exitcode=99 \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=40
# Cases the valgrind copy of the suite leaves out: time bounds that valgrind's 50x
# slowdown would break, a terminate that must land while the run is going, and the
# scikit-learn text model: memcheck reports uninitialised reads at its load and runs, all
# inside libonnxruntime, in its contrib Tokenizer, which is built on RE2 (whose sparse
# sets read uninitialised memory on purpose unless built with RE2_ON_VALGRIND).
VALGRIND_SKIP := --skip 'terminate_*' --skip 'hostile_metadata_*' --skip 'hostile_nodes_*' --skip 'sklearn_text'
# Libraries to preload into the sanitizer and valgrind runs: none since finding F4 was
# fixed (core never unloads a custom-op library, so their load-time memory is not lost);
# set it to the two custom-op libraries to compare.
CUSTOMOP_PRELOAD =
HARDENING_STEPS := hardening-fuzz hardening-mutation hardening-asan hardening-tsan hardening-valgrind

.PHONY: test-hardening fuzz fuzz-tools fuzz-build fuzz-seeds hardening-lib $(HARDENING_STEPS)

# Every step runs even when one fails; the summary says which failed.
test-hardening: toolchain ort fixtures customops
	@start=$$(date +%s); failed=(); passed=0; \
	for step in $(HARDENING_STEPS); do \
	  t0=$$(date +%s); \
	  if $(MAKE) --no-print-directory $$step; then passed=$$((passed + 1)); r=ok; else failed+=($${step#hardening-}); r=FAILED; fi; \
	  echo "onyx: [hardening] $${step#hardening-}: $$r ($$(( $$(date +%s) - t0 )) s)"; \
	done; \
	echo "onyx: [hardening] summary: $$passed of $(words $(HARDENING_STEPS)) steps passed in $$(( $$(date +%s) - start )) s$${failed:+; FAILED: $${failed[*]}}"; \
	[ $${#failed[@]} -eq 0 ]

# --- tools -----------------------------------------------------------------------

# The nightly toolchain is on these machines; rust-src (for -Zbuild-std) and cargo-fuzz
# are added when missing.
fuzz-tools:
	@if ! rustup toolchain list | grep -q '^nightly'; then \
	  echo "onyx: [hardening] installing the nightly Rust toolchain (rustup)"; rustup toolchain install nightly --profile minimal; fi
	@if ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then \
	  echo "onyx: [hardening] adding rust-src to nightly (rustup; ThreadSanitizer rebuilds std with it)"; \
	  rustup component add rust-src --toolchain nightly; fi
	@if ! command -v cargo-fuzz >/dev/null 2>&1; then \
	  echo "onyx: [hardening] installing cargo-fuzz $(CARGO_FUZZ_VERSION) (cargo install --locked; a few minutes)"; \
	  cargo install --quiet --locked cargo-fuzz --version $(CARGO_FUZZ_VERSION); fi

# --- fuzzing ---------------------------------------------------------------------

fuzz-build: toolchain ort fixtures fuzz-tools
	@echo "onyx: [hardening] building the fuzz targets (cargo fuzz build: nightly, ASan, libFuzzer) into build/fuzz"
	@cd fuzz && $(NIGHTLY) fuzz build --target-dir $(FUZZ_WORK)/target 2>&1 | { grep -Ev '^\s+(Compiling|Finished|Downloaded|Downloading|Updating|Locking|Adding)\b' || true; }
	@for t in $(FUZZ_TARGETS); do test -x $(FUZZ_BIN)/$$t || { echo "onyx: [hardening] fuzz target $$t was not built" >&2; exit 1; }; done

fuzz: fuzz-build
	@FUZZ_BIN=$(FUZZ_BIN) FUZZ_WORK=$(FUZZ_WORK) ONYX_ORT_LIBRARY=$(ORT_LIB) FUZZ_RSS_MB=$(FUZZ_RSS_MB) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
	  bash tests/hardening/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

hardening-fuzz: fuzz-build
	@FUZZ_BIN=$(FUZZ_BIN) FUZZ_WORK=$(FUZZ_WORK) ONYX_ORT_LIBRARY=$(ORT_LIB) FUZZ_RSS_MB=$(FUZZ_RSS_MB) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
	  bash tests/hardening/fuzz.sh $(FUZZ_TEST_SECONDS) $(FUZZ_TARGETS)

fuzz-seeds: fixtures
	@$(VENV_PY) tests/hardening/make_seeds.py

# --- mutation smoke test ---------------------------------------------------------

# libonyx as shipped: libonyx.so.1 with ONNX Runtime beside it (found with no variable).
hardening-lib: lib
	@mkdir -p $(HARDEN)/lib
	@cp $(ONYX_LIB) $(HARDEN)/lib/libonyx.so.1
	@ln -sf $(ORT_LIB) $(HARDEN)/lib/
	@cc -std=c11 -O1 -g -Wall -Wextra -Werror tests/hardening/load_run.c -Iinclude \
	  -L$(HARDEN)/lib -l:libonyx.so.1 -Wl,-rpath,$(HARDEN)/lib -o $(HARDEN)/load_run

hardening-mutation: hardening-lib fixtures
	@echo "onyx: [hardening] mutation: truncations and bit flips of add16.onnx, add16.ort and resnet18.onnx, one child process each (C ABI)"
	@env -u ONYX_ORT_LIBRARY $(VENV_PY) tests/hardening/mutate.py --load-run $(HARDEN)/load_run --work $(HARDEN)/mutate

# --- ASan + UBSan: the C suite and the C++ tests ---------------------------------

# A separate CMake tree whose test programs are built with ASan and UBSan; libonyx
# and ONNX Runtime are the usual (uninstrumented) libraries, whose heap use ASan
# still checks through its malloc. The CMake package test is left to test-cpp.
hardening-asan: toolchain ort fixtures customops
	@echo "onyx: [hardening] asan: building the C and C++ suites with -fsanitize=address,undefined (build/asan)"
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONYX_BUILD_EXAMPLES=OFF \
	  "-DCMAKE_C_FLAGS=$(SAN_FLAGS)" "-DCMAKE_CXX_FLAGS=$(SAN_FLAGS)" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
	@status=0; for t in onyx_c_suite bindings/cpp/onyx_cpp_suite bindings/cpp/onyx_cpp_noexcept; do \
	  name=$$(basename $$t); log=$(ASAN_BUILD)/$$name.log; \
	  if ! cmake --build $(ASAN_BUILD) --target $$name > $(ASAN_BUILD)/$$name.build.log 2>&1; then \
	    status=1; echo "onyx: [hardening] asan: $$name does not build; log $(ASAN_BUILD)/$$name.build.log" >&2; \
	    grep -E -A6 'error|FAILED' $(ASAN_BUILD)/$$name.build.log | head -20 >&2; continue; fi; \
	  if env -u ONYX_ORT_LIBRARY $(ASAN_ENV) LD_PRELOAD=$$(gcc -print-file-name=libasan.so):$(CUSTOMOP_PRELOAD) \
	      $(ASAN_BUILD)/$$t $(ROOT)/tests/suite > $$log 2>&1; then \
	    echo "onyx: [hardening] asan: $$name: $$(grep -E '^[0-9]+ passed, [0-9]+ failed|^\[  PASSED  \]|^PASS' $$log | tr '\n' ' ')no sanitizer report"; \
	  else status=1; echo "onyx: [hardening] asan: $$name FAILED; log $$log" >&2; \
	    grep -E -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:|FAIL' $$log | head -60 >&2; fi; \
	done; exit $$status

# --- ThreadSanitizer: the Rust tests of the Sync claims and the terminate flag ----

# std is rebuilt with TSan (-Zbuild-std, nightly's rust-src) so its atomics and locks
# are seen; ONNX Runtime is not instrumented (tests/hardening/tsan.supp says how that
# is handled). Core's unit tests, the C ABI tests (terminate/reset race included), and
# tests/hardening/tsan (concurrent runs, shared inputs and run options, init races).
hardening-tsan: ort fixtures fuzz-tools
	@echo "onyx: [hardening] tsan: core unit tests, ffi/tests/abi.rs and tests/hardening/tsan under -Zsanitizer=thread (build/tsan)"
	@mkdir -p $(ROOT)/build/tsan
	@$(TSAN_ENV) $(TSAN_CARGO) -p onyx-core --lib > $(ROOT)/build/tsan/core.log 2>&1 || { tail -80 $(ROOT)/build/tsan/core.log >&2; exit 1; }
	@grep -h '^test result' $(ROOT)/build/tsan/core.log | sed 's/^/onyx: [hardening] tsan: core unit tests: /'
	@$(TSAN_ENV) $(TSAN_CARGO) -p onyx-ffi --test abi > $(ROOT)/build/tsan/abi.log 2>&1 || { tail -80 $(ROOT)/build/tsan/abi.log >&2; exit 1; }
	@grep -h '^test result' $(ROOT)/build/tsan/abi.log | sed 's/^/onyx: [hardening] tsan: ffi abi: /'
	@$(TSAN_ENV) $(TSAN_CARGO) --manifest-path tests/hardening/tsan/Cargo.toml --test races > $(ROOT)/build/tsan/races.log 2>&1 || { tail -80 $(ROOT)/build/tsan/races.log >&2; exit 1; }
	@grep -h '^test result' $(ROOT)/build/tsan/races.log | sed 's/^/onyx: [hardening] tsan: races: /'

# --- valgrind memcheck: the C suite ----------------------------------------------

# The C runner over a copy of the suite with a small stand-in for ResNet18 (valgrind
# is ~50x slower; see tests/hardening/valgrind_suite.py), no leak of definite kind
# allowed, suppressions for the two known false positives outside Onyx.
# Its own CMake tree holding just the C runner, so a build break elsewhere in the tree
# does not hide what valgrind would say.
hardening-valgrind: toolchain ort fixtures customops
	@mkdir -p $(HARDEN)/valgrind
	@cmake -S . -B $(HARDEN)/cmake -G Ninja -DCMAKE_BUILD_TYPE=Release -DONYX_BUILD_EXAMPLES=OFF >/dev/null
	@cmake --build $(HARDEN)/cmake --target onyx_c_suite | { grep -Ev '^\[[0-9]+/[0-9]+\] ' || true; }
	@$(VENV_PY) tests/hardening/valgrind_suite.py $(HARDEN)/valgrind/suite $(VALGRIND_SKIP) > $(HARDEN)/valgrind/cases.txt
	@echo "onyx: [hardening] valgrind: the C suite ($$(cat $(HARDEN)/valgrind/cases.txt) cases, ResNet18 stand-in) under memcheck"
	@if env -u ONYX_ORT_LIBRARY LD_PRELOAD=$(CUSTOMOP_PRELOAD) $(VALGRIND) $(HARDEN)/cmake/onyx_c_suite $(HARDEN)/valgrind/suite > $(HARDEN)/valgrind/memcheck.log 2>&1; then \
	  echo "onyx: [hardening] valgrind: $$(grep -E '^[0-9]+ passed' $(HARDEN)/valgrind/memcheck.log), $$(grep -o 'ERROR SUMMARY: .*' $(HARDEN)/valgrind/memcheck.log)"; \
	else echo "onyx: [hardening] valgrind FAILED; log $(HARDEN)/valgrind/memcheck.log" >&2; \
	  grep -E -B2 -A30 '== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and dest)|definitely lost in|FAIL' $(HARDEN)/valgrind/memcheck.log | head -80 >&2; exit 1; fi
