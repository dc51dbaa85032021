package dev.onyx;

import java.util.Objects;

/**
 * An operator whose kernel is Java code: a definition and a {@link Kernel}. Add it to
 * {@link SessionOptions#addOperator}; a model node {@code domain::name} then runs the kernel.
 *
 * <pre>{@code
 * try (Operator op = new Operator(definition, ctx -> { ... });
 *         Session session = Session.fromFile(model, new SessionOptions().addOperator(op))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifetime: the native operator holds the kernel (a JNI global reference) and every
 * session made with it keeps the native operator, so the kernel lives as long as the last of
 * those sessions, whether or not this object is closed or collected. Closing it only means no
 * new session can be made with it ({@link IllegalStateException}).
 *
 * <p>Threads: see {@link Kernel} and {@link KernelContext}.
 */
public final class Operator implements AutoCloseable {
    final NativeState state;
    private final OperatorDefinition definition;

    /**
     * @param definition the operator's definition (read now: later changes to it do not matter)
     * @param kernel its code
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} for a bad definition (onyx-core's
     *     checks: a domain of your own, a name, at least one output, distinct attribute names,
     *     {@code 1 <= since <= until})
     */
    public Operator(OperatorDefinition definition, Kernel kernel) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(kernel, "kernel");
        NativeLibrary.ensureLoaded();
        this.definition = definition;
        this.state = new NativeState(this, definition.create(kernel), Native::operatorFree, "operator", null);
    }

    /** @return the operator's domain */
    public String domain() {
        return definition.domain();
    }

    /** @return the operator's name */
    public String name() {
        return definition.name();
    }

    /** Releases this handle on the operator; sessions made with it keep it (and its kernel). */
    @Override
    public void close() {
        state.close();
    }

    @Override
    public String toString() {
        return "Operator(" + definition + ")";
    }
}
