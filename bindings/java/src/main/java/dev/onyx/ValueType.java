package dev.onyx;

import java.util.Optional;

/**
 * The full ONNX type of a model's input or output (onyx-core's {@code ValueType}), nested as
 * ONNX nests them: {@code tensor(float)}, {@code seq(map(int64,tensor(float)))},
 * {@code optional(tensor(string))}. {@link #toString()} is ONNX's notation, as onyx-core
 * writes it. Immutable.
 */
public final class ValueType {
    private final ValueKind kind;
    private final int elementType;
    private final int keyType;
    private final ValueType item;
    private final String text;

    /** Made by the native library from onyx-core's type (element types are ONNX numbers, 0 where none). */
    ValueType(int kind, int elementType, int keyType, ValueType item, String text) {
        this.kind = ValueKind.fromNumber(kind);
        this.elementType = elementType;
        this.keyType = keyType;
        this.item = item;
        this.text = text;
    }

    /** @return what kind of value it is */
    public ValueKind kind() {
        return kind;
    }

    /**
     * @return ONNX's element type number of a tensor, or of a map's values (as onyx-core's
     *     {@code element_type}), also for types Onyx does not hold (14 = complex64); 0 for a
     *     sequence or an optional
     */
    public int onnxElementType() {
        return kind == ValueKind.MAP && item != null ? item.onnxElementType() : elementType;
    }

    /** @return {@link #onnxElementType()} as an element type, empty when there is none or Onyx does not hold it */
    public Optional<ElementType> elementType() {
        return Optional.ofNullable(ElementType.fromOnnx(onnxElementType()));
    }

    /** @return a map's key element type (ONNX's number: 7 = int64, 8 = string); 0 for the other kinds */
    public int onnxKeyType() {
        return keyType;
    }

    /** @return what a sequence or optional holds, or a map's values; empty for a tensor */
    public Optional<ValueType> item() {
        return Optional.ofNullable(item);
    }

    /** @return the type in ONNX's notation, e.g. {@code seq(map(int64,tensor(float)))} */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValueType && ((ValueType) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
