# Rust: the core's own tests and the shared suite through onyx-core.
TEST_TARGETS += test-rust
DEMO_TARGETS += demo-rust

.PHONY: test-rust demo-rust
test-rust: ort fixtures | $(LOGS)
	@echo "onyx: [rust] unit tests and the shared suite (cargo test)"
	@cargo test --quiet --release -p onyx-ffi
	@ONYX_ORT_LIBRARY=$(ORT_LIB) cargo test --quiet --release -p onyx-core --test suite 2>&1 | tee $(LOGS)/rust.log

demo-rust: ort fixtures
	@echo; echo "=== Rust (examples/rust) ==="
	@ONYX_ORT_LIBRARY=$(ORT_LIB) cargo run --quiet --release -p onyx-example-rust -- $(ROOT)/tests/suite
