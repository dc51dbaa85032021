# Other platforms: linux-arm64 (aarch64-unknown-linux-gnu) and windows-x64
# (x86_64-pc-windows-gnu) beside the native linux-x64. Cross-built here with Debian's
# cross compilers and tested under emulation (tests/platforms: qemu-user for arm64,
# Wine for Windows). macOS is not built: no SDK or linker is available here.
#
#   make platforms          cross-build libonyx, the C suite and the test custom-op
#                           library for both platforms (build/platforms/<platform>/)
#   make test-platforms     the C and Rust suites under emulation: columns c-arm64,
#                           rust-arm64, c-win64, rust-win64 of the case x language table;
#                           then the CMake archives and a cross-compiled consumer
#
# Everything lands in build/platforms/; cargo's cross builds in target/<triple>/.
TEST_TARGETS += test-platforms

PLATFORMS := linux-arm64 windows-x64
PLAT_BUILD := $(ROOT)/build/platforms
PLAT_DIST := $(PLAT_BUILD)/dist
RUST_TARGET_linux-arm64 := aarch64-unknown-linux-gnu
RUST_TARGET_windows-x64 := x86_64-pc-windows-gnu
TOOLCHAIN_linux-arm64 := $(ROOT)/cmake/toolchains/aarch64-linux-gnu.cmake
TOOLCHAIN_windows-x64 := $(ROOT)/cmake/toolchains/x86_64-w64-mingw32.cmake
EMULATOR_linux-arm64 := $(ROOT)/tests/platforms/qemu-arm64.sh
EMULATOR_windows-x64 := $(ROOT)/tests/platforms/wine-win64.sh
# The table's column suffix per platform (c-arm64, rust-win64, ...).
COLUMN_linux-arm64 := arm64
COLUMN_windows-x64 := win64
# ONNX Runtime and the test custom-op libraries as each platform names them.
ORT_FILE_linux-arm64 := libonnxruntime.so.$(ORT_VERSION)
ORT_FILE_windows-x64 := onnxruntime.dll
CUSTOMOPS_FILE_linux-arm64 := libonyx_test_customops.so
CUSTOMOPS_FILE_windows-x64 := onyx_test_customops.dll
EXTENSIONS_windows-x64 := $(ROOT)/.cache/onnxruntime-extensions/$(ORT_EXTENSIONS_VERSION)/windows-x64/onnxruntime_extensions4j_jni.dll
ORT_PLATFORM_DIR = $(ROOT)/.cache/onnxruntime/$(ORT_VERSION)/$(1)
# Cargo runs a target's test binaries through the platform's emulator.
CARGO_RUNNER_ENV_linux-arm64 := CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=$(EMULATOR_linux-arm64)
CARGO_RUNNER_ENV_windows-x64 := CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$(EMULATOR_windows-x64)

# Pattern targets (lib-%, cmake-%, ...) cannot be .PHONY: make skips pattern rules for those.
.PHONY: platforms test-platforms ort-platforms

ort-platforms:
	@for p in $(PLATFORMS); do bash scripts/fetch-onnxruntime-platform.sh $$p; done

# libonyx for one platform: target/<triple>/release/libonyx.so or onyx.dll.
lib-%: toolchain ort-platforms
	@echo "onyx: [$*] building libonyx (cargo, release, --target $(RUST_TARGET_$*))"
	@cargo build --quiet --release --target $(RUST_TARGET_$*) -p onyx-ffi

customops-%: toolchain
	@echo "onyx: [$*] building the test custom-op library (cargo, release, --target $(RUST_TARGET_$*))"
	@nice -n 10 cargo build --quiet --release --target $(RUST_TARGET_$*) -p onyx-test-customops

# The CMake tree for one platform, through its toolchain file (it builds libonyx with
# cargo itself and stages ONNX Runtime beside it): the C suite, the C example, the
# header's compile checks.
cmake-%: toolchain ort-platforms
	@echo "onyx: [$*] building the CMake tree (build/platforms/$*/cmake, $(notdir $(TOOLCHAIN_$*)))"
	@cmake -S . -B $(PLAT_BUILD)/$*/cmake -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_TOOLCHAIN_FILE=$(TOOLCHAIN_$*) -DCMAKE_INSTALL_PREFIX=/onyx >/dev/null
	@cmake --build $(PLAT_BUILD)/$*/cmake | { grep -Ev '^\[[0-9]+/[0-9]+\] |^ninja: no work to do' || true; }

# The suite as the platform's runners read it (tests/platforms/platform_suite.py).
suite-%: fixtures customops-%
	@python3 tests/platforms/platform_suite.py $* $(PLAT_BUILD)/$*/suite \
	  --custom-op-library $(ROOT)/target/$(RUST_TARGET_$*)/release/$(CUSTOMOPS_FILE_$*) \
	  $(if $(EXTENSIONS_$*),--extensions-library $(EXTENSIONS_$*))

platforms: $(foreach p,$(PLATFORMS),cmake-$(p) customops-$(p))

# The C runner, cross-built by CMake, under the emulator. It finds ONNX Runtime beside
# libonyx with no environment variable, as on linux-x64.
test-c-%: cmake-% suite-% | $(LOGS)
	@echo "onyx: [c-$(COLUMN_$*)] the shared suite through the C ABI, $* under $(notdir $(EMULATOR_$*))"
	@t0=$$(date +%s); status=0; \
	exe=$(PLAT_BUILD)/$*/cmake/$(if $(filter windows-%,$*),bin/onyx_c_suite.exe,onyx_c_suite); \
	env -u ONYX_ORT_LIBRARY bash tests/platforms/run-suite.sh c-$(COLUMN_$*) $(PLAT_BUILD)/$*/suite \
	  $(EMULATOR_$*) $$exe $(PLAT_BUILD)/$*/suite > $(LOGS)/c-$(COLUMN_$*).log || status=$$?; \
	echo "onyx: [c-$(COLUMN_$*)] $$(grep -E '^[0-9]+ passed' $(LOGS)/c-$(COLUMN_$*).log || echo 'no summary line'), $$(grep -c 'SKIP' $(LOGS)/c-$(COLUMN_$*).log) skip lines, $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

# The Rust suite (core/tests/suite.rs): `cargo test --target`, whose runner is the emulator.
test-rust-%: suite-% ort-platforms | $(LOGS)
	@echo "onyx: [rust-$(COLUMN_$*)] the shared suite through onyx-core (cargo test --target $(RUST_TARGET_$*), run by $(notdir $(EMULATOR_$*)))"
	@cargo test --quiet --release --target $(RUST_TARGET_$*) -p onyx-core --test suite --no-run 2>/dev/null
	@t0=$$(date +%s); status=0; \
	ONYX_SUITE_SPEC=$(PLAT_BUILD)/$*/suite/spec.txt ONYX_ORT_LIBRARY=$(call ORT_PLATFORM_DIR,$*)/$(ORT_FILE_$*) $(CARGO_RUNNER_ENV_$*) \
	  bash tests/platforms/run-suite.sh rust-$(COLUMN_$*) $(PLAT_BUILD)/$*/suite \
	  cargo test --quiet --release --target $(RUST_TARGET_$*) -p onyx-core --test suite > $(LOGS)/rust-$(COLUMN_$*).log || status=$$?; \
	echo "onyx: [rust-$(COLUMN_$*)] $$(grep -E '^[0-9]+ passed' $(LOGS)/rust-$(COLUMN_$*).log || echo 'no summary line'), $$(grep -c 'SKIP' $(LOGS)/rust-$(COLUMN_$*).log) skip lines, $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

test-platforms:
	@t0=$$(date +%s); status=0; \
	for p in $(PLATFORMS); do \
	  for t in test-c-$$p test-rust-$$p; do $(MAKE) --no-print-directory $$t || status=1; done; \
	done; \
	echo "onyx: [platforms] the emulated suites took $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

