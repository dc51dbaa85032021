package dev.onyx;

import java.util.List;

/**
 * The outputs of one {@link Session#runValues}, as {@link RunOutputs} is for
 * {@link Session#run}: values in the order asked (all outputs: the model's order).
 * Closing it closes every output value in it.
 */
public final class ValueOutputs extends NamedOutputs<Value> {
    ValueOutputs(List<String> names, List<Value> values) {
        super(names, values);
    }
}
