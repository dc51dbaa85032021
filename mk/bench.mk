# `make bench` (not part of `make test`): the anchors first, then each language.
# bench-anchors measures `ort` called directly and the C ABI in one process, in
# alternating blocks, and writes build/bench/anchors.txt for the other languages.
BENCH_DIR := $(ROOT)/build/bench

.PHONY: bench-anchors
bench-anchors: ort fixtures
	@echo "onyx: building the benchmark (cargo, release)"
	@cargo build --quiet --release -p onyx-bench
	@rm -f $(BENCH_DIR)/results.txt
	@$(CARGO_TARGET)/onyx-bench $(ROOT)/tests/suite $(ORT_LIB) $(BENCH_DIR)

# Instructions per add16 call, ort direct against the C ABI, counted by callgrind
# inside the per-call functions only (set-up and ONNX Runtime's idle threads excluded).
.PHONY: bench-instructions
BENCH_TARGETS += bench-instructions
bench-instructions: ort fixtures
	@cargo build --quiet --release -p onyx-bench
	@mkdir -p $(BENCH_DIR)
	@echo "onyx: [bench] instructions per add16 call (valgrind --tool=callgrind, 500 calls per path)"
	@for path in ort c; do \
	  valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*one_call_*' \
	    $(CARGO_TARGET)/onyx-bench count $$path $(ROOT)/tests/suite $(ORT_LIB) 500 2>&1 | awk -v p=$$path '/Collected :/ {print p, $$4}'; \
	done | python3 -c 'import sys; r={p:int(i)/500 for p,i in (l.split() for l in sys.stdin)}; o,c=r["ort"],r["c"]; print(f"onyx: ort direct {o:.0f}, C ABI {c:.0f} instructions per call (C / direct {c/o:.3f})"); open("$(BENCH_DIR)/results.txt","a").write(f"bench c add16_call_instructions {c:.0f} instructions {c/o:.4f}\n")'

# One call of a trivial kernel (ScaleShift on 16 floats) written in Rust and in C against
# the same operator from the project's native custom-op library; the target: within 1 us.
.PHONY: bench-kernels
BENCH_TARGETS += bench-kernels
bench-kernels: ort fixtures customops
	@cargo build --quiet --release -p onyx-bench
	@mkdir -p $(BENCH_DIR)
	@echo "onyx: [bench] a host-language kernel call (Rust, C) against the native library's, ScaleShift on 16 floats"
	@$(CARGO_TARGET)/onyx-bench kernels $(ROOT)/tests/suite $(ORT_LIB) $(CUSTOMOPS_LIB) $(BENCH_DIR)

# Resident memory of 1 and 4 ResNet18 sessions, with and without SharedWeights, each
# mode in three processes of its own (medians); the target: each extra shared session
# costs at most 25 % of the first.
.PHONY: bench-memory
BENCH_TARGETS += bench-memory
bench-memory: ort fixtures
	@cargo build --quiet --release -p onyx-bench
	@mkdir -p $(BENCH_DIR)
	@echo "onyx: [bench] resident memory of ResNet18 sessions (intra-op 1, each run once), plain and shared, 3 processes each"
	@for round in 1 2 3; do for mode in plain shared; do \
	  $(CARGO_TARGET)/onyx-bench memory $(ROOT)/tests/suite $(ORT_LIB) $$mode 4 | sed "s/^/$$mode /"; \
	done; done | python3 scripts/memory-table.py $(BENCH_DIR)/results.txt

# A run with string and ZipMap outputs (the scikit-learn classifier): Onyx's Rust API
# (run_values) against ONNX Runtime's Python binding, in alternating processes.
.PHONY: bench-values
BENCH_TARGETS += bench-values
bench-values: ort fixtures
	@cargo build --quiet --release -p onyx-bench
	@mkdir -p $(BENCH_DIR)
	@echo "onyx: [bench] scikit-learn classifier (4 rows; string labels, ZipMap), per run: ORT Python and Onyx run_values, alternating"
	@for i in 1 2 3; do \
	  echo "ort $$($(VENV_PY) bench/ort_python_values.py $(ROOT)/tests/suite)"; \
	  echo "onyx $$($(CARGO_TARGET)/onyx-bench values $(ROOT)/tests/suite $(ORT_LIB) 2>/dev/null)"; \
	done | python3 -c 'import sys, statistics as st; r={}; [r.setdefault(k, []).append(float(v)) for k, v in (l.split() for l in sys.stdin)]; o, c = st.median(r["ort"]), st.median(r["onyx"]); print(f"onyx: [bench] per run: ORT Python {o:.1f} us, Onyx Rust run_values {c:.1f} us (Onyx / ORT Python {c/o:.3f})"); open("$(BENCH_DIR)/results.txt", "a").write(f"bench rust sklearn_classifier_run_values_us {c:.4f} us {c/o:.4f}\n")'
