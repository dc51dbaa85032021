package dev.onyx;

/** What kind of ONNX value a model input or output is. */
public enum ValueKind {
    /** A tensor. */
    TENSOR,
    /** A sequence of values. */
    SEQUENCE,
    /** A map. */
    MAP,
    /** An optional value. */
    OPTIONAL;

    /** @return the kind's number, as the C ABI's {@code ONYX_VALUE_KIND_*} (its position, from 1) */
    public int number() {
        return ordinal() + 1;
    }

    /** The kind numbered {@code number} by onyx-core, or null for one this version does not know. */
    static ValueKind fromNumber(int number) {
        return number >= 1 && number <= values().length ? values()[number - 1] : null;
    }
}
