# C++: onyx.hpp over the C ABI. The shared suite in GoogleTest (ctest -L cpp), the
# README's example compiled and run, then the installed CMake package proven from
# outside: install into a fresh temporary prefix, build examples/cpp against it
# alone, run it with no environment, check its top-5 against spec.txt.
# conformance-cpp: ONNX's backend conformance cases through onyx.hpp.
TEST_TARGETS += test-cpp
DEMO_TARGETS += demo-cpp
BENCH_TARGETS += bench-cpp

.PHONY: test-cpp demo-cpp bench-cpp

test-cpp: cmake-build | $(LOGS)
	@echo "onyx: [cpp] the shared suite and the C++ tests through onyx.hpp (ctest -L cpp)"
	@ctest --test-dir $(CMAKE_BUILD) -L cpp -V 2>&1 | tee $(LOGS)/cpp.log
	@echo "onyx: [cpp] bindings/cpp/README.md's example: compiled (warnings as errors) and run in tests/suite/fixtures"
	@mkdir -p build/readme
	@awk '/^```cpp$$/{f=1;next} /^```$$/{if(f){exit}} f' bindings/cpp/README.md > build/readme/quickstart.cpp
	@c++ -std=c++17 -Wall -Wextra -Werror build/readme/quickstart.cpp -Iinclude -Ibindings/cpp/include \
	  -L$(CMAKE_BUILD)/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/quickstart-cpp
	@cd tests/suite/fixtures && $(ROOT)/build/readme/quickstart-cpp
	@echo "onyx: [cpp] bindings/cpp/README.md's operator example: compiled and run"
	@awk '/^```cpp operator$$/{f=1;next} /^```$$/{if(f){exit}} f' bindings/cpp/README.md > build/readme/operator.cpp
	@c++ -std=c++17 -Wall -Wextra -Werror build/readme/operator.cpp -Iinclude -Ibindings/cpp/include \
	  -L$(CMAKE_BUILD)/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/operator-cpp
	@cd tests/suite/fixtures && $(ROOT)/build/readme/operator-cpp
	@echo "onyx: [cpp] bindings/cpp/README.md's values example: compiled and run"
	@awk '/^```cpp values$$/{f=1;next} /^```$$/{if(f){exit}} f' bindings/cpp/README.md > build/readme/values.cpp
	@c++ -std=c++17 -Wall -Wextra -Werror build/readme/values.cpp -Iinclude -Ibindings/cpp/include \
	  -L$(CMAKE_BUILD)/lib -lonyx -Wl,-rpath,$(CMAKE_BUILD)/lib -o build/readme/values-cpp
	@cd tests/suite/fixtures && $(ROOT)/build/readme/values-cpp
	@work=$$(mktemp -d); trap 'rm -rf "$$work"' EXIT; \
	echo "onyx: [cpp] installing Onyx into a fresh prefix and building examples/cpp against it (find_package(Onyx))"; \
	example=$$(bash examples/cpp/build-against-package.sh $(CMAKE_BUILD) $$work); \
	echo "onyx: [cpp] running the example with no environment variable; checking its top-5 against spec.txt"; \
	env -u ONYX_ORT_LIBRARY -u LD_LIBRARY_PATH $$example $(ROOT)/tests/suite | python3 tests/suite/check_top5.py $(SPEC) cpp

demo-cpp: cmake-build
	@echo; echo "=== C++ (examples/cpp, built against the installed package) ==="
	@example=$$(bash examples/cpp/build-against-package.sh $(CMAKE_BUILD) $(ROOT)/build/cpp-example); \
	env -u ONYX_ORT_LIBRARY -u LD_LIBRARY_PATH $$example $(ROOT)/tests/suite

# ONNX's backend test suite through onyx.hpp: one process for every case
# (bindings/cpp/tests/conformance.cpp, the value format in tests/case_folder.cpp).
.PHONY: conformance-cpp
TEST_TARGETS += conformance-cpp
conformance-cpp: cmake-build conformance-fixtures | $(LOGS)
	@echo "onyx: [cpp] ONNX's backend test suite through onyx.hpp (.cache/conformance)"
	@$(CONFORMANCE_ENV) $(CMAKE_BUILD)/bindings/cpp/onyx_cpp_conformance 2>&1 | grep --line-buffered -v '^onyx: onnxruntime' | tee $(LOGS)/cpp-conformance.log

bench-cpp: cmake-build
	@mkdir -p $(ROOT)/build/bench
	@echo "onyx: [cpp] ResNet18 batch 1 (intra 1, 2) and add16 per call through onyx.hpp, alternating with the C ABI"
	@env -u ONYX_ORT_LIBRARY $(CMAKE_BUILD)/bindings/cpp/onyx_cpp_bench $(ROOT)/tests/suite $(ROOT)/build/bench
