# Rust: the core's own tests and the shared suite through onyx-core.
TEST_TARGETS += test-rust
DEMO_TARGETS += demo-rust

.PHONY: test-rust demo-rust
# ONNX Runtime $(ORT_TOO_OLD_VERSION) (versions.env), older than Onyx accepts, for the test that it is refused.
OLD_ORT_LIB := $(ROOT)/.cache/onnxruntime/$(ORT_TOO_OLD_VERSION)/libonnxruntime.so.$(ORT_TOO_OLD_VERSION)
.PHONY: ort-old
ort-old:
	@bash scripts/fetch-onnxruntime.sh $(ORT_TOO_OLD_VERSION)

test-rust: ort ort-old fixtures | $(LOGS)
	@echo "onyx: [rust] unit tests and the shared suite (cargo test)"
	@ONYX_TEST_OLD_ORT_LIBRARY=$(OLD_ORT_LIB) cargo test --quiet --release -p onyx-ffi -p onyx-boundary
	@cargo test --quiet --release -p onyx-core --lib --test float_vectors
	@ONYX_ORT_LIBRARY=$(ORT_LIB) cargo test --quiet --release -p onyx-core --test suite 2>&1 | tee $(LOGS)/rust.log

demo-rust: ort fixtures
	@echo; echo "=== Rust (examples/rust) ==="
	@ONYX_ORT_LIBRARY=$(ORT_LIB) cargo run --quiet --release -p onyx-example-rust -- $(ROOT)/tests/suite

# ONNX's backend test suite through onyx-core: one process for every case.
.PHONY: conformance-rust
TEST_TARGETS += conformance-rust
conformance-rust: ort conformance-fixtures | $(LOGS)
	@echo "onyx: [rust] ONNX's backend test suite through onyx-core (.cache/conformance)"
	@$(CONFORMANCE_ENV) ONYX_ORT_LIBRARY=$(ORT_LIB) cargo test --quiet --release -p onyx-core --test conformance 2>&1 | tee $(LOGS)/rust-conformance.log
