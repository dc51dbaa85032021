package dev.onyx;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** What a model says about one of its inputs or outputs (onyx-core's {@code ValueInfo}). Immutable. */
public final class ValueInfo {
    private final String name;
    private final ValueKind kind;
    private final int onnxElementType;
    private final long[] shape;
    private final List<String> dimensionNames;
    private final ValueType valueType;

    /** Made by the native library, from onyx-core's value info, in one call. */
    ValueInfo(String name, int kind, int onnxElementType, long[] shape, String[] dimensionNames, ValueType valueType) {
        this.valueType = valueType;
        this.name = name;
        this.kind = ValueKind.fromNumber(kind);
        this.onnxElementType = onnxElementType;
        this.shape = shape;
        this.dimensionNames = Collections.unmodifiableList(Arrays.asList(dimensionNames));
    }

    /** @return the value's name, as given to {@link Session#run} */
    public String name() {
        return name;
    }

    /** @return what kind of value it is (a tensor, a sequence, ...) */
    public ValueKind kind() {
        return kind;
    }

    /** @return the element type of a tensor of a type Onyx supports; empty otherwise */
    public Optional<ElementType> elementType() {
        return Optional.ofNullable(ElementType.fromOnnx(onnxElementType));
    }

    /**
     * @return ONNX's element type number of a tensor (1 = float), also for a type Onyx
     *     does not support (14 = complex64); 0 for a value that is not a tensor
     */
    public int onnxElementType() {
        return onnxElementType;
    }

    /**
     * @return the full ONNX type, e.g. {@code tensor(float)} or {@code seq(map(int64,tensor(float)))}
     *     (its {@code toString()} is ONNX's notation)
     */
    public ValueType valueType() {
        return valueType;
    }

    /** @return the dimensions, -1 where the model leaves a dimension free (a copy) */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the dimensions' names, "" where unnamed, one per dimension */
    public List<String> dimensionNames() {
        return dimensionNames;
    }

    @Override
    public String toString() {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                dims.append(',');
            }
            String symbol = i < dimensionNames.size() ? dimensionNames.get(i) : "";
            dims.append(shape[i] >= 0 ? Long.toString(shape[i]) : symbol.isEmpty() ? "?" : symbol);
        }
        String type = kind == ValueKind.TENSOR ? elementType().map(ElementType::onnxName).orElse("type " + onnxElementType) : valueType.toString();
        return name + " " + type + " [" + dims + "]";
    }
}
