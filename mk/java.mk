# Java: the dev.onyx:onyx jar (bindings/java, Maven) with its JNI library (cargo crate
# onyx-jni) and ONNX Runtime inside, the shared suite in JUnit 5, and examples/java built
# against nothing but the installed jar.
TEST_TARGETS += test-java conformance-java
DEMO_TARGETS += demo-java
BENCH_TARGETS += bench-java

JAVA_DIR := $(ROOT)/bindings/java
JAVA_STAGE := $(JAVA_DIR)/target/native-staging/dev/onyx/native/linux-x86_64
JAVA_JAR := $(JAVA_DIR)/target/onyx-$(ONYX_VERSION).jar
JAVA_BUILD := $(ROOT)/build/java
# Batch mode, quiet: only test output and errors reach the log. Maven 3.8 still writes
# colour resets in batch mode; NO_ANSI strips them so log lines start with the text.
MVN := mvn -B -q
NO_ANSI := sed -u 's/\x1b\[[0-9;]*m//g'

.PHONY: test-java conformance-java demo-java bench-java java-native java-jar

# libonyx_jni.so and ONNX Runtime (with the licences) where the pom packs them.
java-native: ort
	@echo "onyx: [java] building libonyx_jni.so (cargo, release) and staging it with ONNX Runtime $(ORT_VERSION)"
	@cargo build --quiet --release -p onyx-jni
	@mkdir -p $(JAVA_STAGE)
	@cp $(CARGO_TARGET)/libonyx_jni.so $(ORT_LIB) $(JAVA_STAGE)/
	@cp $(ORT_DIR)/LICENSE $(JAVA_STAGE)/LICENSE-onnxruntime.txt
	@cp $(ORT_DIR)/ThirdPartyNotices.txt $(JAVA_STAGE)/ThirdPartyNotices-onnxruntime.txt
	@for f in LICENSE-MIT LICENSE-APACHE; do if [ -f $$f ]; then cp $$f $(JAVA_STAGE)/$$f-onyx.txt; fi; done

# The jar alone, no tests (demo and bench).
java-jar: java-native
	@echo "onyx: [java] packaging $(notdir $(JAVA_JAR)) (mvn package, tests skipped)"
	@cd $(JAVA_DIR) && $(MVN) package -DskipTests 2>&1 | $(NO_ANSI)

test-java: ort fixtures java-native | $(LOGS)
	@mkdir -p $(JAVA_BUILD)
	@echo "onyx: [java] mvn verify: the shared suite and the Java tests (JUnit 5), then the jar"
	@status=0; (cd $(JAVA_DIR) && $(MVN) verify) 2>&1 | $(NO_ANSI) | tee $(JAVA_BUILD)/verify.log || status=$$?; \
	grep -E '^\[java\] (PASS|FAIL|SKIP) |^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$$' $(JAVA_BUILD)/verify.log > $(LOGS)/java.log || true; \
	exit $$status
	@echo "onyx: [java] examples/java against the jar alone, from a fresh local Maven repository"
	@bash $(JAVA_DIR)/scripts/consumer.sh $(JAVA_JAR) $(JAVA_DIR)/pom.xml $(ROOT)/tests/suite --check 2>&1 | $(NO_ANSI)

# ONNX's backend test suite through the Java API: ConformanceTest (JUnit 5) runs every case
# of .cache/conformance in one forked JVM and prints the [java] conformance lines.
conformance-java: ort conformance-fixtures java-native | $(LOGS)
	@echo "onyx: [java] ONNX's backend test suite through the Java API (.cache/conformance)"
	@cd $(JAVA_DIR) && $(CONFORMANCE_ENV) $(MVN) test -Dtest=ConformanceTest -Donyx.conformance=true 2>&1 | $(NO_ANSI) \
	  | grep --line-buffered -v -e '^onyx: onnxruntime' -e '^$$' | tee $(LOGS)/java-conformance.log

demo-java: ort fixtures java-jar
	@echo; echo "=== Java (examples/java, against the installed dev.onyx:onyx jar) ==="
	@bash $(JAVA_DIR)/scripts/consumer.sh $(JAVA_JAR) $(JAVA_DIR)/pom.xml $(ROOT)/tests/suite 2>&1 | $(NO_ANSI)

# Onyx Java and ONNX Runtime's own Java binding (Maven Central), alternating in one JVM.
bench-java: ort fixtures customops java-jar
	@mkdir -p $(ROOT)/build/bench
	@echo "onyx: [java] ResNet18 batch 1 (intra 1, 2) and add16 per call: Onyx Java vs ONNX Runtime's Java binding"
	@cd $(JAVA_DIR)/bench && $(MVN) compile 2>&1 | $(NO_ANSI)
	@env -u ONYX_ORT_LIBRARY java -cp $(JAVA_DIR)/bench/target/classes:$$(cat $(JAVA_DIR)/bench/target/classpath.txt) \
	  bench.Bench $(ROOT)/tests/suite $(ROOT)/build/bench 5
