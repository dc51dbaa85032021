package dev.onyx;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A run's outputs by name, in the order asked (all outputs: the model's order): tensors
 * ({@link RunOutputs}) or values ({@link ValueOutputs}). Closing it closes every output in it.
 *
 * @param <T> what each output is
 */
public abstract class NamedOutputs<T extends AutoCloseable> implements AutoCloseable, Iterable<Map.Entry<String, T>> {
    private final List<String> names;
    private final List<T> outputs;

    NamedOutputs(List<String> names, List<T> outputs) {
        this.names = names;
        this.outputs = Collections.unmodifiableList(outputs);
    }

    /** @return the number of outputs */
    public int size() {
        return outputs.size();
    }

    /**
     * @param index the output's position in these outputs
     * @return the output
     */
    public T get(int index) {
        return outputs.get(index);
    }

    /**
     * @param name an output name
     * @return the output of that name
     * @throws OnyxException {@link ErrorCode#UNKNOWN_OUTPUT} when the run did not produce that output
     */
    public T get(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new OnyxException(ErrorCode.UNKNOWN_OUTPUT, "the run has no output named '" + name + "'; it produced: "
                    + String.join(", ", names));
        }
        return outputs.get(index);
    }

    /** @return the output names, in order */
    public List<String> names() {
        return names;
    }

    @Override
    public Iterator<Map.Entry<String, T>> iterator() {
        List<Map.Entry<String, T>> entries = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(names.get(i), outputs.get(i)));
        }
        return entries.iterator();
    }

    /** Closes every output. */
    @Override
    public void close() {
        for (T output : outputs) {
            try {
                output.close();
            } catch (Exception e) {
                // Tensor and Value close without checked exceptions.
                throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
            }
        }
    }
}
