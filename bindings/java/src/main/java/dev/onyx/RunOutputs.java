package dev.onyx;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one {@link Session#run}, in the order asked (all outputs: the model's
 * order). Closing it closes every output tensor in it.
 */
public final class RunOutputs implements AutoCloseable, Iterable<Map.Entry<String, Tensor>> {
    private final List<String> names;
    private final List<Tensor> tensors;

    RunOutputs(List<String> names, List<Tensor> tensors) {
        this.names = names;
        this.tensors = Collections.unmodifiableList(tensors);
    }

    /** @return the number of outputs */
    public int size() {
        return tensors.size();
    }

    /**
     * @param index the output's position in these outputs
     * @return the output tensor
     */
    public Tensor get(int index) {
        return tensors.get(index);
    }

    /**
     * @param name an output name
     * @return the output tensor of that name
     * @throws OnyxException {@link ErrorCode#UNKNOWN_OUTPUT} when the run did not produce that output
     */
    public Tensor get(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new OnyxException(ErrorCode.UNKNOWN_OUTPUT, "the run has no output named '" + name + "'; it produced: "
                    + String.join(", ", names));
        }
        return tensors.get(index);
    }

    /** @return the output names, in order */
    public List<String> names() {
        return names;
    }

    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(names.get(i), tensors.get(i)));
        }
        return entries.iterator();
    }

    /** Closes every output tensor. */
    @Override
    public void close() {
        for (Tensor tensor : tensors) {
            tensor.close();
        }
    }
}
