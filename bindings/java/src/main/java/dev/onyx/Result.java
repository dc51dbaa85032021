package dev.onyx;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The outputs of one {@link Session#run}, in the order asked (all outputs: the model's
 * order). Closing the result closes every output tensor in it.
 */
public final class Result implements AutoCloseable, Iterable<Map.Entry<String, Tensor>> {
    private final List<String> names;
    private final List<Tensor> tensors;

    Result(List<String> names, List<Tensor> tensors) {
        this.names = names;
        this.tensors = Collections.unmodifiableList(tensors);
    }

    /** @return the number of outputs */
    public int size() {
        return tensors.size();
    }

    /**
     * @param index the output's position in this result
     * @return the output tensor
     */
    public Tensor get(int index) {
        return tensors.get(index);
    }

    /**
     * @param name an output name
     * @return the output tensor of that name
     * @throws NoSuchElementException when the result has no output of that name
     */
    public Tensor get(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new NoSuchElementException("no output named '" + name + "' in this result; it has " + names);
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
