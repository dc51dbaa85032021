# Node.js: the npm package (bindings/node) with its N-API addon (cargo crate onyx-node)
# and ONNX Runtime beside it, the shared suite and the Node-only tests under node --test,
# the typings checked by tsc, and examples/node run from the packed tarball.
TEST_TARGETS += test-node conformance-node
DEMO_TARGETS += demo-node
BENCH_TARGETS += bench-node

NODE_DIR := $(ROOT)/bindings/node
NODE_STAGE := $(NODE_DIR)/prebuilt/linux-x64
NODE_BUILD := $(ROOT)/build/node
NODE_TOOLS := $(NODE_BUILD)/tools

.PHONY: test-node demo-node bench-node node-native node-pack node-tools conformance-node

# onyx.node (libonyx_node.so) and ONNX Runtime (with the licences) where index.js loads them.
node-native: ort
	@echo "onyx: [node] building onyx.node (cargo, release) and staging it with ONNX Runtime $(ORT_VERSION)"
	@cargo build --quiet --release -p onyx-node
	@mkdir -p $(NODE_STAGE)
	@cp $(CARGO_TARGET)/libonyx_node.so $(NODE_STAGE)/onyx.node
	@cp $(ORT_LIB) $(NODE_STAGE)/
	@cp $(ORT_DIR)/LICENSE $(NODE_STAGE)/LICENSE-onnxruntime.txt
	@cp $(ORT_DIR)/ThirdPartyNotices.txt $(NODE_STAGE)/ThirdPartyNotices-onnxruntime.txt
	@for f in LICENSE-MIT LICENSE-APACHE; do if [ -f $$f ]; then cp $$f $(NODE_STAGE)/$$f-onyx.txt; cp $$f $(NODE_DIR)/$$f; fi; done

# TypeScript (and Node's typings) for tsc --noEmit, from the npm registry, in build/.
node-tools:
	@if [ ! -x $(NODE_TOOLS)/node_modules/.bin/tsc ]; then \
	  echo "onyx: [node] installing TypeScript into build/node/tools (npm)"; mkdir -p $(NODE_TOOLS); \
	  (cd $(NODE_TOOLS) && npm install --silent --no-audit --no-fund --ignore-scripts typescript@5.9.3 @types/node@20 >/dev/null); fi

# The tarball (npm pack): addon, ONNX Runtime, licences; no install script.
node-pack: node-native
	@mkdir -p $(NODE_BUILD)
	@rm -f $(NODE_BUILD)/onyx-onnx-$(ONYX_VERSION).tgz
	@cd $(NODE_DIR) && npm pack --silent --pack-destination $(NODE_BUILD) >/dev/null
	@echo "onyx: [node] packed $$(cd $(NODE_BUILD) && ls *.tgz)"

test-node: ort fixtures node-native node-tools | $(LOGS)
	@mkdir -p $(NODE_BUILD)
	@echo "onyx: [node] node --test: the shared suite, then the Node-only tests"
	@status=0; (cd $(NODE_DIR) && env -u ONYX_ORT_LIBRARY node --expose-gc --test test/suite.test.js test/node.test.js test/values.test.js) 2>&1 | tee $(NODE_BUILD)/test.log >/dev/null || status=$$?; \
	sed -n 's/^# \(\[node\] .*\)$$/\1/p; s/^# \([0-9]* passed, [0-9]* failed, [0-9]* skipped\)$$/\1/p' $(NODE_BUILD)/test.log > $(LOGS)/node.log; \
	cat $(LOGS)/node.log; grep -E '^# (event-loop lag|concurrent runs|pass |fail )' $(NODE_BUILD)/test.log || true; \
	if [ $$status -ne 0 ]; then grep -E '^not ok|error:|Error' $(NODE_BUILD)/test.log | head -30; fi; exit $$status
	@echo "onyx: [node] tsc --noEmit on index.d.ts and examples/node"
	@$(NODE_TOOLS)/node_modules/.bin/tsc --noEmit -p $(NODE_DIR)/tsconfig.json
	@$(MAKE) --no-print-directory node-pack
	@echo "onyx: [node] examples/node from the tarball, installed into a fresh folder"
	@bash $(NODE_DIR)/scripts/consumer.sh $(NODE_BUILD)/onyx-onnx-$(ONYX_VERSION).tgz $(ROOT)/tests/suite --check $(NODE_LINUX_X64_TGZ)

demo-node: ort fixtures node-pack
	@echo; echo "=== Node.js (examples/node, from the npm tarball) ==="
	@bash $(NODE_DIR)/scripts/consumer.sh $(NODE_BUILD)/onyx-onnx-$(ONYX_VERSION).tgz $(ROOT)/tests/suite "" $(NODE_LINUX_X64_TGZ)

# Onyx Node vs onnxruntime-node 1.30.0 (installed with --ignore-scripts into build/ for
# the benchmark only: its postinstall downloads), alternating blocks in separate processes.
NODE_ORT_BENCH := $(NODE_BUILD)/onnxruntime-node
bench-node: ort fixtures node-native
	@if [ ! -d $(NODE_ORT_BENCH)/node_modules/onnxruntime-node ]; then \
	  echo "onyx: [node] installing onnxruntime-node@1.30.0 (--ignore-scripts) into build/node"; mkdir -p $(NODE_ORT_BENCH); \
	  (cd $(NODE_ORT_BENCH) && npm install --silent --no-audit --no-fund --ignore-scripts onnxruntime-node@1.30.0 >/dev/null); fi
	@echo "onyx: [node] ResNet18 batch 1 (intra 1, 2), add16 per awaited run, event-loop lag: Onyx Node vs onnxruntime-node 1.30.0"
	@bash $(NODE_DIR)/bench/run.sh $(ROOT)/tests/suite $(NODE_ORT_BENCH) 3

# ONNX's backend test suite through the Node binding (Session.runValues): one node process
# for every case (bindings/node/test/conformance.js, the value format in test/values.js).
conformance-node: node-native conformance-fixtures | $(LOGS)
	@echo "onyx: [node] ONNX's backend test suite through the Node binding (.cache/conformance)"
	@cd $(NODE_DIR) && $(CONFORMANCE_ENV) env -u ONYX_ORT_LIBRARY node test/conformance.js 2>&1 | grep --line-buffered -v '^onyx: onnxruntime' | tee $(LOGS)/node-conformance.log
