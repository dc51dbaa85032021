package dev.onyx;

/**
 * A group of sessions that share the weights of each model they load: the second and later
 * sessions of a model made with options naming the group
 * ({@link SessionOptions#setSharedWeights}) cost a fraction of the first (about 9 MiB instead
 * of 72 for ResNet18), with bit-identical answers. Sessions of different models share nothing.
 *
 * <pre>{@code
 * try (SharedWeights group = new SharedWeights()) {
 *     SessionOptions options = new SessionOptions().setSharedWeights(group);
 *     Session a = Session.fromFile(model, options); // optimizes the model once
 *     Session b = Session.fromFile(model, options); // runs on a's weights
 * }
 * }</pre>
 *
 * <p>A model's weights are held while a session of it lives. The group may be closed while
 * its sessions live: they keep what they use (but options naming a closed group can create
 * no more sessions: {@link IllegalStateException}). The first session of a model in a
 * group loads it twice (once to let ONNX Runtime optimize it). Safe to use from many threads.
 */
public final class SharedWeights implements AutoCloseable {
    final NativeState state;

    /** An empty group. */
    public SharedWeights() {
        NativeLibrary.ensureRuntime();
        state = new NativeState(this, Native.sharedWeightsNew(), Native::sharedWeightsFree, "shared weights group", null);
    }

    /** @return how many models the group holds weights of now (those with a live session) */
    public int modelCount() {
        return (int) Math.min(Integer.MAX_VALUE, state.call(Native::sharedWeightsModelCount));
    }

    /** @return the bytes of weights the group holds now, each counted once however many sessions use them */
    public long byteLength() {
        return state.call(Native::sharedWeightsByteLength);
    }

    /** Frees the group; its sessions keep what they use. A second close does nothing. */
    @Override
    public void close() {
        state.close();
    }
}
