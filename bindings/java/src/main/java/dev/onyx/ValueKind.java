package dev.onyx;

/** What kind of ONNX value a model input or output is. */
public enum ValueKind {
    /** A tensor. */
    TENSOR(1),
    /** A sequence of values. */
    SEQUENCE(2),
    /** A map. */
    MAP(3),
    /** An optional value. */
    OPTIONAL(4);

    private final int number;

    ValueKind(int number) {
        this.number = number;
    }

    /** @return the kind's number, as the C ABI's {@code ONYX_VALUE_KIND_*} */
    public int number() {
        return number;
    }

    /**
     * @param number a kind's number
     * @return the kind, or null for a number this version does not know
     */
    static ValueKind fromNumber(int number) {
        for (ValueKind kind : values()) {
            if (kind.number == number) {
                return kind;
            }
        }
        return null;
    }
}
