# Custom operators: the two operator libraries the tests register, and their fixtures.
# - ONNX Runtime Extensions $(ORT_EXTENSIONS_VERSION) (versions.env), the native library
#   of its Maven Central jar: scripts/fetch-onnxruntime-extensions.sh (pinned, SHA-256
#   checked, cached in .cache/onnxruntime-extensions/, quiet when present).
# - libonyx_test_customops.so, built here from customops/ (dev.onyx.test::ScaleShift, ::Fail).
# tests/suite/customops.py writes the models into tests/suite/fixtures/customops/.
# Not in TEST_TARGETS: `make test-customops-artifacts` checks the artifacts alone,
# through ONNX Runtime's Python binding and its C API, without Onyx.
ORT_EXTENSIONS_LIB := $(ROOT)/.cache/onnxruntime-extensions/$(ORT_EXTENSIONS_VERSION)/libonnxruntime_extensions4j_jni.so
CUSTOMOPS_LIB := $(CARGO_TARGET)/libonyx_test_customops.so
CUSTOMOPS_FIXTURES := $(ROOT)/tests/suite/fixtures/customops

.PHONY: customops ort-extensions test-customops-artifacts

ort-extensions:
	@bash scripts/fetch-onnxruntime-extensions.sh

customops: ort-extensions
	@echo "onyx: building libonyx_test_customops.so (cargo, release)"
	@nice -n 10 cargo build --quiet --release -p onyx-test-customops

# Fetch, build, generate, then run every model with ONNX Runtime $(ORT_VERSION) itself:
# its Python binding (outputs bit-identical to NumPy's, the failures fail), then its C
# API (RegisterCustomOpsLibrary_V2, as Onyx calls it: the same outputs, and the code and
# message of every failure). One line per model and per failure.
test-customops-artifacts: ort customops
	@bash tests/suite/setup-venv.sh
	@$(VENV_PY) tests/suite/customops.py
	@echo "onyx: [customops] the fixtures through ONNX Runtime's Python binding (SessionOptions.register_custom_ops_library)"
	@$(VENV_PY) tests/suite/customops.py --check --library $(CUSTOMOPS_LIB) --extensions $(ORT_EXTENSIONS_LIB)
	@echo "onyx: [customops] the fixtures through ONNX Runtime's C API (RegisterCustomOpsLibrary_V2; customops/examples/c_api_check.rs)"
	@nice -n 10 cargo build --quiet --release -p onyx-test-customops --example c_api_check
	@$(CARGO_TARGET)/examples/c_api_check $(ORT_LIB) $(CUSTOMOPS_LIB) $(ORT_EXTENSIONS_LIB) $(CUSTOMOPS_FIXTURES)
