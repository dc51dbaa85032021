# C: the shared suite through the C ABI (tests/c), run by CTest, and the C example.
TEST_TARGETS += test-c
DEMO_TARGETS += demo-c

.PHONY: test-c demo-c
test-c: cmake-build | $(LOGS)
	@echo "onyx: [c] the shared suite through the C ABI (ctest -L c)"
	@ctest --test-dir $(CMAKE_BUILD) -L c -V 2>&1 | tee $(LOGS)/c.log

demo-c: cmake-build
	@echo; echo "=== C (examples/c) ==="
	@$(CMAKE_BUILD)/examples/c/classify_c $(ROOT)/tests/suite
