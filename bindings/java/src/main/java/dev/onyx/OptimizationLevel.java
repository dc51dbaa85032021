package dev.onyx;

/** How much ONNX Runtime rewrites the graph before running it. */
public enum OptimizationLevel {
    /** No graph optimizations. */
    DISABLED(0),
    /** Semantics-preserving rewrites such as constant folding. */
    BASIC(1),
    /** Also node fusions. */
    EXTENDED(2),
    /** Everything, including layout optimizations (the default). */
    ALL(99);

    private final int number;

    OptimizationLevel(int number) {
        this.number = number;
    }

    /** @return the level's number, as the C ABI's {@code ONYX_OPTIMIZATION_*} */
    public int number() {
        return number;
    }
}
