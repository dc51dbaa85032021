# Soak tests: memory stays flat over many runs, session cycles and failing calls.
# `make test` runs the C soak (10^6 runs) and, inside their own suites, the Java and C#
# ones (2x10^5 runs); `make soak` runs all three ten times longer.
TEST_TARGETS += test-soak-c

.PHONY: test-soak-c soak
test-soak-c: cmake-build
	@echo "onyx: [soak] C: 10^6 add16 runs, 5x10^5 into a caller buffer, 2x10^5 failing calls, 2,000 session cycles"
	@$(CMAKE_BUILD)/onyx_c_soak $(ROOT)/tests/suite 2>&1 | grep '^\[soak\]'

SOAK_SCALE ?= 10
soak: cmake-build java-native fixtures
	@echo "onyx: [soak] C, Java and C# at $(SOAK_SCALE)x the counts of make test"
	@$(CMAKE_BUILD)/onyx_c_soak $(ROOT)/tests/suite $$(( 1000000 * $(SOAK_SCALE) )) $$(( 2000 * $(SOAK_SCALE) )) $$(( 100000 * $(SOAK_SCALE) )) 2>&1 | grep '^\[soak\]'
	@cd $(JAVA_DIR) && $(MVN) test -Dtest=SoakTest -Donyx.soak.scale=$(SOAK_SCALE) -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E '^\[soak\]|FAIL|ERROR'
	@ONYX_SOAK_SCALE=$(SOAK_SCALE) $(MAKE) --no-print-directory test-dotnet-suite 2>&1 | grep -E '^\[soak\]|Tests run|Failures'
