# C: the shared suite through the C ABI (tests/c), run by CTest, and the C example.
TEST_TARGETS += test-c
DEMO_TARGETS += demo-c

.PHONY: test-c demo-c
test-c: cmake-build | $(LOGS)
	@echo "onyx: [c] the shared suite through the C ABI (ctest -L '^c$$')"
	@ctest --test-dir $(CMAKE_BUILD) -L '^c$$' -V 2>&1 | tee $(LOGS)/c.log

demo-c: cmake-build
	@echo; echo "=== C (examples/c) ==="
	@$(CMAKE_BUILD)/examples/c/classify_c $(ROOT)/tests/suite

# The README's C quickstart must compile and run as written.
.PHONY: test-readme-c
TEST_TARGETS += test-readme-c
test-readme-c: cmake-build
	@echo "onyx: [c] compiling and running the README's C quickstart"
	@mkdir -p build/readme
	@awk '/^```c$$/{f=1;next} /^```$$/{if(f){exit}} f' README.md > build/readme/quickstart.c
	@cc -std=c11 -Wall -Wextra -Werror build/readme/quickstart.c -Iinclude -Lbuild/cmake/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/quickstart
	@build/readme/quickstart
	@echo "onyx: [c] compiling and running docs/c-abi.md's operator example"
	@awk '/^```c operator$$/{f=1;next} /^```$$/{if(f){exit}} f' docs/c-abi.md > build/readme/operator.c
	@cc -std=c11 -Wall -Wextra -Werror build/readme/operator.c -Iinclude -Lbuild/cmake/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/operator-c
	@cd tests/suite/fixtures && $(ROOT)/build/readme/operator-c
	@echo "onyx: [c] compiling and running docs/c-abi.md's values example"
	@awk '/^```c values$$/{f=1;next} /^```$$/{if(f){exit}} f' docs/c-abi.md > build/readme/values.c
	@cc -std=c11 -Wall -Wextra -Werror build/readme/values.c -Iinclude -Lbuild/cmake/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/values-c
	@cd tests/suite/fixtures && $(ROOT)/build/readme/values-c

# ONNX's backend test suite through the C ABI: one process for every case.
.PHONY: conformance-c
TEST_TARGETS += conformance-c
conformance-c: cmake-build conformance-fixtures | $(LOGS)
	@echo "onyx: [c] ONNX's backend test suite through the C ABI (.cache/conformance)"
	@$(CONFORMANCE_ENV) $(CMAKE_BUILD)/onyx_c_conformance 2>&1 | tee $(LOGS)/c-conformance.log
