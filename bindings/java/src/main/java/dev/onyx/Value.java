package dev.onyx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An ONNX value (onyx-core's {@code Value}): a tensor (numbers or strings), a sequence of
 * values of one type, a map (a 1-D tensor of integer or string keys and a 1-D tensor of as
 * many values, as ONNX Runtime holds maps) or an optional value, present or absent. Runs on
 * values are {@link Session#runValues}.
 *
 * <pre>{@code
 * try (Value input = Value.of(Tensor.fromStrings(new long[] {2}, new String[] {"a b", "c"}));
 *      ValueOutputs outputs = session.runValues(Map.of("text", input))) {
 *     String[] labels = outputs.get("label").tensor().toStringArray();
 *     for (Value row : outputs.get("probabilities").items()) {
 *         Map<Object, Object> probabilities = row.toMap(); // {"cat"=0.9, "dog"=0.1}
 *     }
 * }
 * }</pre>
 *
 * <p><b>Ownership.</b> A value owns its tensors and items. The builders take what they are
 * given: {@code Value.of(tensor)}, {@code Value.map(keys, values)},
 * {@code Value.sequence(items)} and {@code Value.optional(item)} move the native
 * tensors and values into the new value (also when it then fails, as the C ABI's builders
 * do), and the objects given are closed (using them again throws
 * {@link IllegalStateException}; closing them again does nothing). Plain tensor inputs reach
 * ONNX Runtime without a copy; ONNX Runtime copies the sequences and maps it is given, and
 * strings are always copied, in and out.
 *
 * <p><b>Views.</b> {@link #tensor()}, {@link #items()}, {@link #keys()}, {@link #values()}
 * and {@link #toOptional()} return views of the parts of this value, without a copy: they
 * stay usable while this value is open (afterwards they throw
 * {@link IllegalStateException}), the tensors among them are read-only, and closing a view
 * does not close the value. {@link #toMap()} copies a map into Java's own types.
 *
 * <p>Close values (try-with-resources) to free native memory promptly; a forgotten one is
 * freed after it becomes unreachable. A value is not synchronised: share it read-only.
 */
public final class Value implements AutoCloseable {
    final NativeState state;
    private ValueKind kind;

    private Value(NativeState state) {
        this.state = state;
    }

    private Value(long handle, Object keepAlive) {
        this.state = new NativeState(this, handle, Native::valueFree, "value", keepAlive);
    }

    /**
     * Wraps a value the native side created (a builder's result or a run's output);
     * {@code keepAlive}: Java memory its tensors borrow (direct buffers), or null.
     */
    static Value wrap(long handle, Object keepAlive) {
        return new Value(handle, keepAlive);
    }

    /** A view of part {@code handle} (lent by the native side) of {@code owner}. */
    private static Value partOf(Value owner, long handle) {
        return new Value(NativeState.view(owner.state, handle, "value (part of another Value)", owner));
    }

    // --- building -------------------------------------------------------------------------

    /**
     * A tensor value. It takes the tensor: {@code tensor} is closed, and {@link #tensor()}
     * is its view from now on.
     *
     * @param tensor the tensor, an owned one (not a view of another value's)
     * @return the value
     * @throws IllegalStateException when the tensor is closed, a view, or in use by a run
     */
    public static Value of(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        Object kept = tensor.state.keepAlive();
        return created(Native.valueFromTensor(tensor.state.transfer()), kept);
    }

    /**
     * A sequence. It takes every item (they are closed), also when it fails.
     *
     * @param items the items, all of one type (an empty list is an empty sequence)
     * @return the value
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} naming the first item whose type
     *     differs from item 0's (onyx-core's check)
     * @throws IllegalStateException when an item is closed, a view, or in use
     * @throws IllegalArgumentException when the same item is given twice
     */
    public static Value sequence(List<Value> items) {
        Objects.requireNonNull(items, "items");
        Map<Value, Boolean> seen = new IdentityHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            Value item = Objects.requireNonNull(items.get(i), "items[" + i + "]");
            if (seen.put(item, Boolean.TRUE) != null) {
                throw new IllegalArgumentException("items[" + i + "] is given twice: a sequence owns each of its items");
            }
            item.state.checkMovable();
        }
        NativeLibrary.ensureRuntime();
        long[] handles = new long[items.size()];
        List<Object> kept = new ArrayList<>();
        for (int i = 0; i < handles.length; i++) {
            NativeState item = items.get(i).state;
            if (item.keepAlive() != null) {
                kept.add(item.keepAlive());
            }
            handles[i] = item.transfer();
        }
        return created(Native.valueSequence(handles), kept.isEmpty() ? null : kept);
    }

    /**
     * A map of {@code keys} to {@code values}, as ONNX Runtime holds maps (ZipMap's outputs,
     * for example). It takes both tensors (they are closed), also when it fails.
     *
     * @param keys a 1-D tensor of integers or strings
     * @param values a 1-D tensor of as many elements
     * @return the value
     * @throws OnyxException {@link ErrorCode#INVALID_ARGUMENT} when the counts differ,
     *     {@link ErrorCode#TYPE_MISMATCH} for keys of another type (onyx-core's checks)
     * @throws IllegalStateException when a tensor is closed, a view, or in use
     */
    public static Value map(Tensor keys, Tensor values) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(values, "values");
        if (keys == values) {
            throw new IllegalArgumentException("the keys and the values are the same tensor");
        }
        keys.state.checkMovable();
        values.state.checkMovable();
        List<Object> kept = new ArrayList<>();
        for (Tensor tensor : new Tensor[] {keys, values}) {
            if (tensor.state.keepAlive() != null) {
                kept.add(tensor.state.keepAlive());
            }
        }
        long k = keys.state.transfer();
        long v = values.state.transfer();
        return created(Native.valueMap(k, v), kept.isEmpty() ? null : kept);
    }

    /**
     * An optional value: present (it takes {@code item}, which is closed) or absent (null).
     * An absent optional input is the same as leaving the input out.
     *
     * @param item the value, or null for an absent optional
     * @return the value
     * @throws IllegalStateException when the item is closed, a view, or in use
     */
    public static Value optional(Value item) {
        NativeLibrary.ensureRuntime();
        if (item == null) {
            return created(Native.valueOptional(0), null);
        }
        Object kept = item.state.keepAlive();
        return created(Native.valueOptional(item.state.transfer()), kept);
    }

    private static Value created(long handle, Object keepAlive) {
        return wrap(handle, keepAlive);
    }

    // --- reading --------------------------------------------------------------------------

    /** @return what kind of value this is */
    public ValueKind kind() {
        ValueKind k = kind;
        if (k == null) {
            k = ValueKind.fromNumber(state.call(h -> Native.valueKind(h)));
            kind = k;
        }
        return k;
    }

    /**
     * @return the tensor of a tensor value: a read-only view, usable while this value is open
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} for another kind of value
     */
    public Tensor tensor() {
        return Tensor.partOf(this, state.call(h -> Native.valueTensor(h)));
    }

    /**
     * @return a sequence's items, in order: views, usable while this value is open
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} for another kind of value
     */
    public List<Value> items() {
        long[] handles = state.call(Native::valueItems);
        List<Value> items = new ArrayList<>(handles.length);
        for (long handle : handles) {
            items.add(partOf(this, handle));
        }
        return Collections.unmodifiableList(items);
    }

    /**
     * @return a map's keys (a 1-D tensor of integers or strings): a read-only view
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless this is a map
     */
    public Tensor keys() {
        return Tensor.partOf(this, state.call(h -> Native.valueMapPart(h, false)));
    }

    /**
     * @return a map's values (a 1-D tensor, one element per key): a read-only view
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless this is a map
     */
    public Tensor values() {
        return Tensor.partOf(this, state.call(h -> Native.valueMapPart(h, true)));
    }

    /**
     * @return an optional's value (a view, usable while this value is open), or empty when it is absent
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless this is an optional
     */
    public Optional<Value> toOptional() {
        long handle = state.call(h -> Native.valueOptionalItem(h));
        return handle == 0 ? Optional.empty() : Optional.of(partOf(this, handle));
    }

    /**
     * A map as Java's own types, copied: keys in the map's order, boxed as {@code String}
     * (string keys) or {@code Long} (integer keys); values boxed as {@code Float} (float),
     * {@code Double} (double), {@code Long} (integers), {@code Boolean} (bool) or
     * {@code String} (string). Unsigned integers keep their bits (a uint64 above
     * {@link Long#MAX_VALUE} reads negative).
     *
     * @return a new {@link LinkedHashMap}
     * @throws OnyxException {@link ErrorCode#TYPE_MISMATCH} unless this is a map, or for
     *     values of a type without a boxed Java type (float16, ...: read {@link #values()})
     */
    public Map<Object, Object> toMap() {
        Object[] keys = boxed(keys());
        Object[] values = boxed(values());
        Map<Object, Object> map = new LinkedHashMap<>(keys.length * 2);
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
        return map;
    }

    /** A tensor's elements, boxed as {@link #toMap()} describes. */
    private static Object[] boxed(Tensor tensor) {
        ElementType type = tensor.elementType();
        Object[] out = new Object[(int) tensor.elementCount()];
        if (type == null) {
            throw new OnyxException(ErrorCode.TYPE_MISMATCH, "a map of an element type Onyx does not know");
        }
        switch (type) {
            case STRING:
                return tensor.toStringArray();
            case FLOAT32: {
                float[] v = tensor.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            case FLOAT64: {
                double[] v = tensor.toDoubleArray();
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            case BOOL: {
                boolean[] v = tensor.toBooleanArray();
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            case INT64:
            case UINT64: {
                long[] v = (long[]) tensor.toArray(type);
                for (int i = 0; i < v.length; i++) {
                    out[i] = v[i];
                }
                return out;
            }
            case INT32:
            case UINT32: {
                int[] v = (int[]) tensor.toArray(type);
                for (int i = 0; i < v.length; i++) {
                    out[i] = type == ElementType.UINT32 ? Integer.toUnsignedLong(v[i]) : (long) v[i];
                }
                return out;
            }
            case INT16:
            case UINT16: {
                short[] v = (short[]) tensor.toArray(type);
                for (int i = 0; i < v.length; i++) {
                    out[i] = type == ElementType.UINT16 ? Short.toUnsignedLong(v[i]) : (long) v[i];
                }
                return out;
            }
            case INT8:
            case UINT8: {
                byte[] v = (byte[]) tensor.toArray(type);
                for (int i = 0; i < v.length; i++) {
                    out[i] = type == ElementType.UINT8 ? Byte.toUnsignedLong(v[i]) : (long) v[i];
                }
                return out;
            }
            default:
                throw new OnyxException(ErrorCode.TYPE_MISMATCH, "a map of " + type.onnxName()
                        + " elements has no boxed Java type: read keys() and values() instead");
        }
    }

    /**
     * Closes the value and frees what it owns (once no run is using it); its views throw
     * {@link IllegalStateException} from then on. Closing a view does not close its value.
     * A second close does nothing.
     */
    @Override
    public void close() {
        state.close();
    }

    /** @return e.g. {@code Value(seq(map(string,tensor(float))))}, or {@code Value(closed)} */
    @Override
    public String toString() {
        if (state.isClosed()) {
            return "Value(closed)";
        }
        String type = state.call(Native::valueTypeName);
        return "Value(" + (type != null ? type : "empty " + String.valueOf(kind()).toLowerCase(java.util.Locale.ROOT)) + ")";
    }
}
