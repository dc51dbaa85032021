# `make bench` (not part of `make test`): the anchors first, then each language.
# bench-anchors measures `ort` called directly and the C ABI, alternating processes,
# and writes build/bench/anchors.txt for the other languages' ratios.
BENCH_DIR := $(ROOT)/build/bench

.PHONY: bench-anchors
bench-anchors: ort fixtures
	@echo "onyx: building the benchmark (cargo, release)"
	@cargo build --quiet --release -p onyx-bench
	@rm -f $(BENCH_DIR)/results.txt
	@echo "onyx: [bench] ort direct vs the C ABI, 5 alternating rounds"
	@$(CARGO_TARGET)/onyx-bench all $(ROOT)/tests/suite $(ORT_LIB) $(BENCH_DIR) 5
