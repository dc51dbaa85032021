package dev.onyx;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of a {@link Kernel}: the node's attributes, its inputs and its outputs.
 *
 * <p><b>Valid only during {@link Kernel#compute}.</b> The context and every tensor it gives
 * are views of ONNX Runtime's memory for this call: no data is copied to make them. Once
 * {@code compute} returns (or throws), using any of them is an
 * {@link IllegalStateException}, never a crash; keep copies ({@link Tensor#toFloatArray()}
 * and the like) instead of the tensors. Inputs are read-only ({@link Tensor#copyFrom} on one
 * is an {@link IllegalStateException}); outputs are for the kernel to fill. Threads the kernel
 * starts may use the context during the call; {@code compute} returning waits for their
 * native calls in progress to end.
 *
 * <p>Not synchronised for writing: two threads filling one output must split the work
 * themselves.
 */
public final class KernelContext {
    private final NativeState state;
    private final int inputCount;
    private final int outputCount;
    private final Tensor[] inputs;
    /** The context and each tensor it lent: counted down as each is released. */
    private final AtomicInteger open = new AtomicInteger(CONTEXT);
    private static final int CONTEXT = 1 << 20;
    private final List<Tensor> lent = new ArrayList<>(2);

    private KernelContext(long call, int inputCount, int outputCount) {
        // Counted as 2^20 in `open`, so the tensors' count can reach 0 while it is open.
        this.state = new NativeState(null, call, h -> open.addAndGet(-CONTEXT), "kernel context (valid only during Kernel.compute)", null);
        this.inputCount = inputCount;
        this.outputCount = outputCount;
        this.inputs = new Tensor[inputCount];
    }

    /**
     * The one entry of the native side: runs {@code kernel} on a context for the call at
     * {@code call} and returns what it threw, or null. The context is closed, and its native
     * calls have ended, before this returns.
     */
    static Throwable invoke(Kernel kernel, long call, int inputCount, int outputCount) {
        KernelContext context = new KernelContext(call, inputCount, outputCount);
        try {
            kernel.compute(context);
            return null;
        } catch (Throwable thrown) {
            return thrown;
        } finally {
            context.end();
        }
    }

    private void end() {
        // First the context: no new tensor after this; one being lent now is listed before
        // the context is released (lending holds it).
        state.close();
        awaitOpen(CONTEXT - 1);
        synchronized (lent) {
            for (Tensor tensor : lent) {
                tensor.close();
            }
        }
        awaitOpen(0);
    }

    /** Waits until this many are open: each is released once no call uses it (a call in progress ends soon). */
    private void awaitOpen(int count) {
        while (open.get() > count) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** @return the model's name for this node */
    public String nodeName() {
        return state.call(Native::kernelNodeName);
    }

    /** @return the number of inputs the operator declares */
    public int inputCount() {
        return inputCount;
    }

    /** @return the number of outputs the operator declares */
    public int outputCount() {
        return outputCount;
    }

    /**
     * Input {@code index}: ONNX Runtime's memory seen in place (read-only). Asking again gives
     * the same object.
     *
     * @param index from 0 to {@link #inputCount()} - 1 ({@link ErrorCode#INDEX_OUT_OF_RANGE} otherwise)
     * @return the input, valid during this call only
     */
    public Tensor input(int index) {
        return state.call(h -> {
            boolean declared = index >= 0 && index < inputCount;
            Tensor tensor = declared ? inputs[index] : null;
            if (tensor == null) {
                tensor = lend(Native.kernelInput(h, index), true);
                if (declared) {
                    inputs[index] = tensor;
                }
            }
            return tensor;
        });
    }

    /**
     * Output {@code index} with this shape, allocated by ONNX Runtime, for the kernel to fill
     * ({@link Tensor#copyFrom}).
     *
     * @param index from 0 to {@link #outputCount()} - 1 ({@link ErrorCode#INDEX_OUT_OF_RANGE} otherwise)
     * @param shape its dimensions
     * @return the output, valid during this call only
     */
    public Tensor output(int index, long... shape) {
        Objects.requireNonNull(shape, "shape");
        return state.call(h -> lend(Native.kernelOutput(h, index, shape), false));
    }

    /**
     * @param name an attribute the operator declares {@link AttributeKind#FLOAT}
     * @return the node's value ({@link ErrorCode#TYPE_MISMATCH} for another declared type,
     *     {@link ErrorCode#INVALID_ARGUMENT} for an undeclared name)
     */
    public float attributeFloat(String name) {
        Objects.requireNonNull(name, "name");
        return state.call(h -> Native.kernelAttributeFloat(h, name));
    }

    /**
     * @param name an attribute the operator declares {@link AttributeKind#INT}
     * @return the node's value
     */
    public long attributeInt(String name) {
        Objects.requireNonNull(name, "name");
        return state.call(h -> Native.kernelAttributeInt(h, name));
    }

    /**
     * @param name an attribute the operator declares {@link AttributeKind#STRING}
     * @return the node's value
     */
    public String attributeString(String name) {
        Objects.requireNonNull(name, "name");
        return state.call(h -> Native.kernelAttributeString(h, name));
    }

    /** Called while the context is held. */
    private Tensor lend(long handle, boolean readOnly) {
        open.incrementAndGet();
        Tensor tensor = Tensor.kernelView(handle, readOnly, h -> open.decrementAndGet());
        synchronized (lent) {
            lent.add(tensor);
        }
        return tensor;
    }
}
