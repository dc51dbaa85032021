package dev.onyx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link Operator} is: its domain and name in the model, the opset versions it is
 * for, the element type of each input and output, and the attributes its kernel reads.
 * Setters return {@code this}, so they chain:
 *
 * <pre>{@code
 * OperatorDefinition definition = new OperatorDefinition("com.example", "ScaleShift")
 *         .input(ElementType.FLOAT32).output(ElementType.FLOAT32)
 *         .attribute("alpha", AttributeKind.FLOAT).attribute("beta", AttributeKind.FLOAT);
 * }</pre>
 *
 * The definition is checked (by onyx-core) when the {@link Operator} is made.
 */
public final class OperatorDefinition {
    private final String domain;
    private final String name;
    private final List<ElementType> inputs = new ArrayList<>();
    private final List<ElementType> outputs = new ArrayList<>();
    private final List<String> attributeNames = new ArrayList<>();
    private final List<AttributeKind> attributeKinds = new ArrayList<>();
    private int sinceVersion = 1;
    private int untilVersion = Integer.MAX_VALUE;

    /**
     * {@code domain::name}, for every opset version of the domain, with no inputs, outputs
     * or attributes yet.
     *
     * @param domain the operator's domain: your own, not empty and not one of ONNX's
     * @param name the operator's name (the model node's {@code op_type})
     */
    public OperatorDefinition(String domain, String name) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * @param type the element type of the next input
     * @return this
     */
    public OperatorDefinition input(ElementType type) {
        inputs.add(Objects.requireNonNull(type, "type"));
        return this;
    }

    /**
     * @param type the element type of the next output
     * @return this
     */
    public OperatorDefinition output(ElementType type) {
        outputs.add(Objects.requireNonNull(type, "type"));
        return this;
    }

    /**
     * An attribute every node of this operator must have, read once per node when a session
     * loads (a node without it, or with another type, fails the load with
     * {@link ErrorCode#INVALID_MODEL}).
     *
     * @param name the attribute's name
     * @param kind its type
     * @return this
     */
    public OperatorDefinition attribute(String name, AttributeKind kind) {
        attributeNames.add(Objects.requireNonNull(name, "name"));
        attributeKinds.add(Objects.requireNonNull(kind, "kind"));
        return this;
    }

    /**
     * @param since the first opset version of the domain this operator is for (default 1)
     * @param until the last (default: all)
     * @return this
     */
    public OperatorDefinition versions(int since, int until) {
        this.sinceVersion = since;
        this.untilVersion = until;
        return this;
    }

    /** @return the domain */
    public String domain() {
        return domain;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the number of inputs */
    public int inputCount() {
        return inputs.size();
    }

    /** @return the number of outputs */
    public int outputCount() {
        return outputs.size();
    }

    long create(Kernel kernel) {
        int[] in = inputs.stream().mapToInt(ElementType::onnxType).toArray();
        int[] out = outputs.stream().mapToInt(ElementType::onnxType).toArray();
        int[] kinds = attributeKinds.stream().mapToInt(AttributeKind::number).toArray();
        return Native.operatorNew(domain, name, in, out, attributeNames.toArray(new String[0]), kinds, sinceVersion, untilVersion, kernel);
    }

    @Override
    public String toString() {
        return domain + "::" + name;
    }
}
