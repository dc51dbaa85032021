package dev.onyx;

/**
 * The code of an {@link Operator}: called once per execution of each model node of that
 * operator. A lambda works:
 *
 * <pre>{@code
 * Kernel scaleShift = ctx -> {
 *     float alpha = ctx.attributeFloat("alpha"), beta = ctx.attributeFloat("beta");
 *     Tensor x = ctx.input(0);
 *     float[] y = x.toFloatArray();
 *     for (int i = 0; i < y.length; i++) {
 *         y[i] = alpha * y[i] + beta;
 *     }
 *     ctx.output(0, x.shape()).copyFrom(y);
 * };
 * }</pre>
 *
 * <p>Rules (see {@link KernelContext}): the kernel runs on whichever thread runs the node (the
 * thread that called {@code run}, one of ONNX Runtime's threads, or one of Onyx's workers),
 * on several at once for concurrent runs, so it must be thread-safe; the context and its
 * tensors are valid only until {@code compute} returns.
 */
@FunctionalInterface
public interface Kernel {
    /**
     * Computes the node's outputs from its inputs.
     *
     * @param context the node's inputs, outputs and attributes, for this call only
     * @throws Exception anything: it fails the run with {@link ErrorCode#KERNEL_FAILED} and the
     *     message {@code "<exception class>: <message>"} (an {@link OnyxException} keeps its own
     *     code); the session stays usable
     */
    void compute(KernelContext context) throws Exception;
}
