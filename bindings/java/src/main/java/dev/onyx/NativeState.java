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
    /** For a view of part of another object (a value's item or tensor): that object's state. */
    private final NativeState parent;
    /** Whether {@link #transfer} may give the native object away (an owned object, not a view). */
    private final boolean movable;
    /** Set when {@link #transfer} gave the native object away, for the "closed" message. */
    private volatile boolean moved;

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
        this.parent = null;
        this.movable = owner != null;
        this.cleanable = owner == null ? null : CLEANER.register(owner, this);
    }

    private NativeState(NativeState parent, long handle, String what, Object keepAlive) {
        this.handle = handle;
        this.free = h -> { };
        this.what = what;
        this.keepAlive = keepAlive;
        this.parent = parent;
        this.movable = false;
        this.cleanable = null;
    }

    /**
     * A view of part of {@code parent}'s native object (its memory, never freed here): every
     * call through it holds {@code parent} too, so it fails with
     * {@link IllegalStateException} once {@code parent} is closed, and never reads freed memory.
     *
     * @param keepAlive the parent's Java owner, kept reachable while the view is (so its
     *     cleaner cannot close it under the view)
     */
    static NativeState view(NativeState parent, long handle, String what, Object keepAlive) {
        return new NativeState(parent, handle, what, keepAlive);
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
        if (parent != null) {
            parent.acquire();
        }
        while (true) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                if (parent != null) {
                    parent.release();
                }
                throw new IllegalStateException("this " + what + (moved ? " was moved into a Value (use the value's view of it)" : " is closed"));
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
        if (parent != null) {
            parent.release();
        }
    }

    /**
     * Throws {@link IllegalStateException} unless {@link #transfer} would succeed now: the
     * object is owned (not a view) and open.
     */
    void checkMovable() {
        if (!movable) {
            throw new IllegalStateException("this " + what + " is a view of another object and cannot be moved into a Value; make a new one");
        }
        long s = state.get();
        if ((s & CLOSED) != 0) {
            throw new IllegalStateException("this " + what + (moved ? " was moved into a Value already" : " is closed"));
        }
        if (s != 0) {
            throw new IllegalStateException("this " + what + " is in use by a call in progress and cannot be moved into a Value");
        }
    }

    /**
     * Gives the native object away (a native function takes it): the state is closed
     * without freeing it, and later calls throw {@link IllegalStateException}.
     *
     * @return the handle, now owned by whoever it is given to
     */
    long transfer() {
        checkMovable();
        if (!state.compareAndSet(0, CLOSED)) {
            checkMovable(); // closed or in use meanwhile: say which
            throw new IllegalStateException("this " + what + " cannot be moved into a Value now");
        }
        moved = true;
        if (cleanable != null) {
            cleanable.clean(); // unregisters; run() finds the state closed and frees nothing
        }
        keepAlive = null;
        return handle;
    }

    /** @return the memory the native object borrows (see the constructor), or null */
    Object keepAlive() {
        return keepAlive;
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
