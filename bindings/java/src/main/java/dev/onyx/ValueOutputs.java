package dev.onyx;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one {@link Session#runValues}, as {@link RunOutputs} is for
 * {@link Session#run}: values in the order asked (all outputs: the model's order).
 * Closing it closes every output value in it.
 */
public final class ValueOutputs implements AutoCloseable, Iterable<Map.Entry<String, Value>> {
    private final List<String> names;
    private final List<Value> values;

    ValueOutputs(List<String> names, List<Value> values) {
        this.names = names;
        this.values = Collections.unmodifiableList(values);
    }

    /** @return the number of outputs */
    public int size() {
        return values.size();
    }

    /**
     * @param index the output's position in these outputs
     * @return the output value
     */
    public Value get(int index) {
        return values.get(index);
    }

    /**
     * @param name an output name
     * @return the output value of that name
     * @throws OnyxException {@link ErrorCode#UNKNOWN_OUTPUT} when the run did not produce that output
     */
    public Value get(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new OnyxException(ErrorCode.UNKNOWN_OUTPUT, "the run has no output named '" + name + "'; it produced: "
                    + String.join(", ", names));
        }
        return values.get(index);
    }

    /** @return the output names, in order */
    public List<String> names() {
        return names;
    }

    @Override
    public Iterator<Map.Entry<String, Value>> iterator() {
        List<Map.Entry<String, Value>> entries = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(names.get(i), values.get(i)));
        }
        return entries.iterator();
    }

    /** Closes every output value. */
    @Override
    public void close() {
        for (Value value : values) {
            value.close();
        }
    }
}
