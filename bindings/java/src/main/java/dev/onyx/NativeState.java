package dev.onyx;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * The native half of one Java object (session, tensor, run options): its handle, an
 * in-use count, and the rule that the native object is freed exactly once, and never
 * while a call is using it.
 *
 * <p>Every native call goes through {@link #call} (or {@link #callVoid}), which brackets it
 * with {@link #acquire} / {@link #release}; a run, which holds several objects at once,
 * uses those two directly.
 * {@link #close} marks the object closed (later acquires throw
 * {@link IllegalStateException}) and frees it at once if no call is in progress;
 * otherwise the last call to finish frees it. So closing a session while another thread
 * runs it neither blocks nor frees memory in use. A {@link Cleaner} closes what a user
 * forgot to close; since the count lives here and not in the owner, the cleaner cannot
 * free an object a call is still using either, even when the JIT considers the owner
 * unreachable during that call.
 */
final class NativeState implements Runnable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Lowest bit: closed. The rest: twice the number of calls in progress. */
    private static final long CLOSED = 1;
    private static final long ONE_CALL = 2;

    private final AtomicLong state = new AtomicLong();
    private final long handle;
    private final LongConsumer free;
    private final String what;
    private final Cleaner.Cleanable cleanable;
    /** Java memory the native object points into (a direct buffer), kept until the free. */
    private volatile Object keepAlive;

    /**
     * @param owner the Java object; when it becomes unreachable the native object is closed
     *     (null: no cleaner, the creator closes it itself)
     * @param handle the native handle, not 0
     * @param free frees the native object
     * @param what names the object in "is closed" messages
     * @param keepAlive memory the native object borrows, or null
     */
    NativeState(Object owner, long handle, LongConsumer free, String what, Object keepAlive) {
        this.handle = handle;
        this.free = free;
        this.what = what;
        this.keepAlive = keepAlive;
        this.cleanable = owner == null ? null : CLEANER.register(owner, this);
    }

    /**
     * Calls {@code body} with the handle, holding the object so it cannot be freed
     * during the call.
     *
     * @throws IllegalStateException when the object is closed
     */
    <R> R call(LongFunction<R> body) {
        long h = acquire();
        try {
            return body.apply(h);
        } finally {
            release();
        }
    }

    /** As {@link #call}, for a body that returns nothing. */
    void callVoid(LongConsumer body) {
        long h = acquire();
        try {
            body.accept(h);
        } finally {
            release();
        }
    }

    /** Starts a native call: returns the handle, or throws if the object is closed. */
    long acquire() {
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw new IllegalStateException("this " + what + " is closed");
            }
            if (state.compareAndSet(s, s + ONE_CALL)) {
                return handle;
            }
        }
    }

    /** Ends a native call started by {@link #acquire}. */
    void release() {
        if (state.addAndGet(-ONE_CALL) == CLOSED) {
            freeNow();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Closes the object; a second close does nothing. */
    void close() {
        if (cleanable != null) {
            cleanable.clean(); // runs run() at most once, and unregisters from the cleaner
        } else {
            run(); // frees at most once: only the first close finds the state without CLOSED
        }
    }

    /** The cleaning action: mark closed, free now if no call is in progress. */
    @Override
    public void run() {
        long before = state.getAndUpdate(s -> s | CLOSED);
        if (before == 0) {
            freeNow();
        }
    }

    private void freeNow() {
        free.accept(handle);
        keepAlive = null;
    }
}
