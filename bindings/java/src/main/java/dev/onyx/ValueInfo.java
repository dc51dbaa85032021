package dev.onyx;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** What a model says about one of its inputs or outputs. Immutable. */
public final class ValueInfo {
    private final String name;
    private final int onnxType;
    private final long[] shape;
    private final List<String> dimensionNames;

    ValueInfo(String name, int onnxType, long[] shape, String[] dimensionNames) {
        this.name = name;
        this.onnxType = onnxType;
        this.shape = shape;
        this.dimensionNames = Collections.unmodifiableList(Arrays.asList(dimensionNames));
    }

    /** @return the value's name, as given to {@link Session#run} */
    public String name() {
        return name;
    }

    /** @return the element type, or null when the value is not a tensor of a type Onyx supports */
    public ElementType elementType() {
        return ElementType.fromOnnx(onnxType);
    }

    /** @return ONNX's element type number (1 = float; 0 when the value is not a tensor) */
    public int onnxType() {
        return onnxType;
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
        ElementType type = elementType();
        return name + " " + (type != null ? type.onnxName() : "type " + onnxType) + " [" + dims + "]";
    }
}
