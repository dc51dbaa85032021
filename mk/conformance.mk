# The ONNX backend conformance cases: every backend test case of the pinned onnx wheel
# (2,033), written by tests/conformance/generate.py into .cache/conformance in the
# language-neutral value format (tests/conformance/README.md), each with what ONNX
# Runtime's Python binding does with it (committed in tests/conformance/outcomes.txt).
# Silent when already generated. The runners take CONFORMANCE_ENV.
# Not in TEST_TARGETS: the runners' targets depend on conformance-fixtures.
CONFORMANCE_DIR := $(ROOT)/.cache/conformance
CONFORMANCE_ENV := LOCPATH=$(ROOT)/.cache/locale ONYX_CONFORMANCE=$(CONFORMANCE_DIR)

.PHONY: conformance-fixtures conformance-check conformance-refresh

conformance-fixtures: fixtures
	@if ! $(VENV_PY) tests/conformance/generate.py --up-to-date; then \
	  echo "onyx: conformance: generating ONNX backend cases (.cache/conformance)"; \
	  $(VENV_PY) tests/conformance/generate.py; fi

# Reads every generated case back and reruns ONNX Runtime's Python binding against it.
conformance-check: conformance-fixtures
	@$(VENV_PY) tests/conformance/generate.py --check

# Regenerates and rewrites tests/conformance/outcomes.txt (after changing a pin).
conformance-refresh: fixtures
	@echo "onyx: conformance: generating ONNX backend cases (.cache/conformance)"
	@$(VENV_PY) tests/conformance/generate.py --refresh
