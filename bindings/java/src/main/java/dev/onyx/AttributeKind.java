package dev.onyx;

/**
 * The type of an attribute an {@link Operator}'s kernel reads, numbered as ONNX's
 * {@code AttributeProto} types (the same numbers in every Onyx language).
 */
public enum AttributeKind {
    /** A float attribute, read with {@link KernelContext#attributeFloat}. */
    FLOAT(1),
    /** An integer attribute, read with {@link KernelContext#attributeInt}. */
    INT(2),
    /** A string attribute, read with {@link KernelContext#attributeString}. */
    STRING(3);

    private final int number;

    AttributeKind(int number) {
        this.number = number;
    }

    /** @return ONNX's number for the type */
    public int number() {
        return number;
    }
}
