package dev.onyx;

import java.util.List;

/**
 * The outputs of one {@link Session#run}, in the order asked (all outputs: the model's
 * order). Closing it closes every output tensor in it.
 */
public final class RunOutputs extends NamedOutputs<Tensor> {
    RunOutputs(List<String> names, List<Tensor> tensors) {
        super(names, tensors);
    }
}
