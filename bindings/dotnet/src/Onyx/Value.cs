using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// An ONNX value: a tensor (numbers or strings), a sequence of values of one type, a map (a
    /// 1-D tensor of integer or string keys and a 1-D tensor of as many values, as ONNX Runtime
    /// holds maps) or an optional value, present or absent. Made with <c>Value.Of</c>,
    /// <c>Value.Sequence</c>, <c>Value.Map</c> and <c>Value.Optional</c>, or returned by
    /// <see cref="Session.RunValues(IReadOnlyDictionary{string, Value}, IReadOnlyList{string}, RunOptions)"/>.
    /// </summary>
    /// <remarks>
    /// A value owns its tensors and items: the tensors and values given to the factories are
    /// taken over (they read as disposed afterwards; an array a tensor borrows stays pinned as long
    /// as the value lives). What a value lends (<see cref="Tensor"/>, <see cref="Items"/>,
    /// <see cref="Item"/>, <see cref="Keys"/>, <see cref="Values"/>) belongs to it: read it while the
    /// value lives; disposing those does nothing, and they end when the value is disposed.
    /// <see cref="ToDictionary"/> and <see cref="Onyx.Tensor.ToStringArray"/> copy into .NET's own
    /// types. ONNX Runtime copies the sequences and maps a run is given (a plain tensor value is
    /// passed without a copy), and the sequences and maps a run returns are copies too.
    /// Not synchronised, like a tensor. Disposing frees the native value (the finalizer does it
    /// for a value never disposed).
    /// </remarks>
    public sealed class Value : IDisposable
    {
        private readonly ValueHandle handle;
        // The value that owns this one, for an item it lends; null for a value the caller owns.
        private readonly Value owner;
        private readonly object sync = new object();
        // What this owned value lent (tensors and items, with their own loans), in the order made.
        private List<object> loans;
        private Tensor tensor;
        private Tensor keys;
        private Tensor values;
        private ReadOnlyCollection<Value> items;

        private Value(ValueHandle handle, Value owner)
        {
            this.handle = handle;
            this.owner = owner;
        }

        /// <summary>A value a run (or a factory) just made, owned by the caller.</summary>
        internal static Value Owned(IntPtr value, List<GCHandle> pins)
        {
            return new Value(new ValueHandle(value, pins), null);
        }

        /// <summary>Makes a tensor value. It takes <paramref name="tensor"/> over: the tensor reads as
        /// disposed afterwards, and an array it borrows stays pinned until the value is disposed.
        /// (Like every factory here, call it when no run on another thread uses what it takes over.)</summary>
        /// <param name="tensor">A tensor the caller owns (not one a value or a kernel lends).</param>
        public static Value Of(Tensor tensor)
        {
            if (tensor == null) throw new ArgumentNullException(nameof(tensor));
            Library.EnsureCompatible();
            GCHandle pin;
            IntPtr raw = tensor.GiveAway(out pin);
            var pins = Pins(pin);
            IntPtr value;
            return Made(Native.onyx_value_create_tensor(raw, out value), value, pins);
        }

        /// <summary>Makes a sequence of <paramref name="items"/>, all of one type (none for an empty
        /// sequence). It takes every item over: they read as disposed afterwards.</summary>
        /// <param name="items">Values the caller owns, each given once (not items another value lends).</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/>, naming the first item whose type
        /// differs from the first's; the items are disposed then too.</exception>
        public static unsafe Value Sequence(IEnumerable<Value> items)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            var list = new List<Value>(items);
            Library.EnsureCompatible();
            var seen = new HashSet<Value>();
            for (int i = 0; i < list.Count; i++)
            {
                if (list[i] == null) throw new ArgumentException("items[" + i + "] is null", nameof(items));
                list[i].CheckCanGiveAway("items[" + i + "]");
                if (!seen.Add(list[i])) throw new ArgumentException("items[" + i + "] is given twice", nameof(items));
            }
            var raws = new IntPtr[list.Count + 1];
            List<GCHandle> pins = null;
            int given = 0;
            try
            {
                for (; given < list.Count; given++)
                {
                    List<GCHandle> itemPins;
                    raws[given] = list[given].GiveAway(out itemPins);
                    if (itemPins != null)
                    {
                        if (pins == null) pins = new List<GCHandle>();
                        pins.AddRange(itemPins);
                    }
                }
            }
            catch
            {
                // Only a race (another thread disposing an item meanwhile) gets here: free what
                // was already taken from the items, which nothing else owns now.
                for (int j = 0; j < given; j++) Native.onyx_value_free(raws[j]);
                ValueHandle.FreePins(pins);
                throw;
            }
            IntPtr value;
            IntPtr status;
            fixed (IntPtr* pointers = raws)
            {
                status = Native.onyx_value_create_sequence(pointers, (UIntPtr)list.Count, out value);
            }
            return Made(status, value, pins);
        }

        /// <summary>Makes a map from a 1-D tensor of keys (integers or strings) and a 1-D tensor of as many
        /// values. It takes both tensors over: they read as disposed afterwards.</summary>
        /// <param name="keys">The keys (for example <see cref="Onyx.Tensor.FromStrings"/> or int64).</param>
        /// <param name="values">The values, one per key.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> when the counts differ,
        /// <see cref="ErrorCode.TypeMismatch"/> for keys of another type, <see cref="ErrorCode.RankMismatch"/>
        /// for tensors that are not 1-D (the tensors are disposed then too).</exception>
        public static Value Map(Tensor keys, Tensor values)
        {
            if (keys == null) throw new ArgumentNullException(nameof(keys));
            if (values == null) throw new ArgumentNullException(nameof(values));
            if (ReferenceEquals(keys, values)) throw new ArgumentException("the keys and the values are one tensor", nameof(values));
            Library.EnsureCompatible();
            CheckCanGiveAway(keys);
            CheckCanGiveAway(values);
            GCHandle keysPin, valuesPin;
            IntPtr rawKeys = keys.GiveAway(out keysPin);
            IntPtr rawValues;
            try
            {
                rawValues = values.GiveAway(out valuesPin);
            }
            catch
            {
                Native.onyx_tensor_free(rawKeys);
                if (keysPin.IsAllocated) keysPin.Free();
                throw;
            }
            var pins = Pins(keysPin);
            if (valuesPin.IsAllocated) (pins ?? (pins = new List<GCHandle>())).Add(valuesPin);
            IntPtr value;
            return Made(Native.onyx_value_create_map(rawKeys, rawValues, out value), value, pins);
        }

        /// <summary>Makes an optional value holding <paramref name="item"/>, or an absent one for null (an
        /// absent optional input is the same as leaving the input out). It takes the item over.</summary>
        /// <param name="item">A value the caller owns, or null.</param>
        public static Value Optional(Value item)
        {
            Library.EnsureCompatible();
            List<GCHandle> pins = null;
            IntPtr raw = IntPtr.Zero;
            if (item != null)
            {
                item.CheckCanGiveAway("item");
                raw = item.GiveAway(out pins);
            }
            IntPtr value;
            return Made(Native.onyx_value_create_optional(raw, out value), value, pins);
        }

        private static List<GCHandle> Pins(GCHandle pin)
        {
            if (!pin.IsAllocated) return null;
            return new List<GCHandle> { pin };
        }

        /// <summary>The value a create call made, or its error; the pins of the arrays it took over are
        /// released on failure (the native tensors reading them are already freed).</summary>
        private static Value Made(IntPtr status, IntPtr value, List<GCHandle> pins)
        {
            if (status != IntPtr.Zero)
            {
                ValueHandle.FreePins(pins);
                throw Status.ToException(status);
            }
            return Owned(value, pins);
        }

        private static void CheckCanGiveAway(Tensor t)
        {
            TensorHandle h = t.Handle; // throws ObjectDisposedException once disposed
            if (h.IsLent)
                throw new ArgumentException("this tensor belongs to a value or a kernel's context and cannot be given to a value: copy it (Tensor.Copy) first");
        }

        private void CheckCanGiveAway(string what)
        {
            handle.ThrowIfClosed(nameof(Value));
            if (owner != null)
                throw new ArgumentException(what + " belongs to another value (it is one of its items) and cannot be given away");
        }

        /// <summary>Hands the native value over to a C function that takes ownership of it: ends
        /// everything it lent, marks it disposed without freeing it and returns the pointer;
        /// <paramref name="pins"/> receives the pins its new owner must keep.</summary>
        private IntPtr GiveAway(out List<GCHandle> pins)
        {
            CheckCanGiveAway("the value");
            // Its loans point into the native value, which moves: end them, and wait for reads
            // in progress on other threads, before the value changes hands.
            EndLoans(true);
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                if (handle.Disposed) throw new ObjectDisposedException(nameof(Value));
                IntPtr raw = handle.DangerousGetHandle();
                pins = handle.TakePins();
                handle.Surrender();
                return raw;
            }
            finally
            {
                if (added) handle.DangerousRelease();
            }
        }

        /// <summary>What the value is: a tensor, a sequence, a map or an optional.</summary>
        public ValueKind Kind
        {
            get
            {
                bool added = false;
                try
                {
                    IntPtr raw = Enter(ref added);
                    return (ValueKind)Native.onyx_value_kind(raw);
                }
                finally
                {
                    if (added) handle.DangerousRelease();
                }
            }
        }

        /// <summary>The tensor a tensor value is (numbers or strings), lent by the value: valid while the
        /// value lives, read-only.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a value of another kind.</exception>
        public Tensor Tensor
        {
            get
            {
                lock (sync)
                {
                    if (tensor != null) return Live(tensor);
                    bool added = false;
                    try
                    {
                        IntPtr raw = Enter(ref added);
                        IntPtr t;
                        Status.Check(Native.onyx_value_tensor(raw, out t));
                        return tensor = Lend(Onyx.Tensor.OfValue(t, handle));
                    }
                    finally
                    {
                        if (added) handle.DangerousRelease();
                    }
                }
            }
        }

        /// <summary>The items of a sequence (or of an optional: none when absent, else its value), in
        /// order, lent by the value.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a tensor or a map.</exception>
        public IReadOnlyList<Value> Items
        {
            get
            {
                lock (sync)
                {
                    if (items != null)
                    {
                        handle.ThrowIfClosed(nameof(Value));
                        return items;
                    }
                    bool added = false;
                    try
                    {
                        IntPtr raw = Enter(ref added);
                        long count = (long)(ulong)Native.onyx_value_count(raw);
                        var list = new List<Value>();
                        // Item 0 is asked for even when there is none: Onyx checks the kind first
                        // (TYPE_MISMATCH), then the index (INDEX_OUT_OF_RANGE: no items).
                        for (long i = 0; i < Math.Max(count, 1); i++)
                        {
                            IntPtr item;
                            IntPtr status = Native.onyx_value_item(raw, (UIntPtr)(ulong)i, out item);
                            if (status != IntPtr.Zero)
                            {
                                OnyxException e = Status.ToException(status);
                                if (count == 0 && e.ErrorCode == ErrorCode.IndexOutOfRange) break;
                                throw e;
                            }
                            list.Add(Lend(new Value(new ValueHandle(item, handle), Root)));
                        }
                        return items = list.AsReadOnly();
                    }
                    finally
                    {
                        if (added) handle.DangerousRelease();
                    }
                }
            }
        }

        /// <summary>An optional's value, lent by the optional; null when it is absent.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a value that is not an optional.</exception>
        public Value Item
        {
            get
            {
                bool added = false;
                try
                {
                    IntPtr unused;
                    Status.Check(Native.onyx_value_optional(Enter(ref added), out unused)); // core's error for another kind
                }
                finally
                {
                    if (added) handle.DangerousRelease();
                }
                IReadOnlyList<Value> present = Items;
                return present.Count == 0 ? null : present[0];
            }
        }

        /// <summary>A map's keys: a 1-D tensor of integers or strings, lent by the value.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a value that is not a map.</exception>
        public Tensor Keys
        {
            get
            {
                ReadMap();
                return Live(keys);
            }
        }

        /// <summary>A map's values: a 1-D tensor with one element per key, lent by the value.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a value that is not a map.</exception>
        public Tensor Values
        {
            get
            {
                ReadMap();
                return Live(values);
            }
        }

        /// <summary>
        /// A map as .NET's own dictionary (a copy): keys are <see cref="string"/> for string keys and
        /// <see cref="long"/> for integer keys (look them up with a <c>long</c>: <c>d[1L]</c>); values are
        /// the elements boxed as their .NET type (<see cref="float"/>, <see cref="double"/>, <see cref="long"/>,
        /// <see cref="string"/>, ...). Entries keep the map's order; a repeated key keeps its last value.
        /// </summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.TypeMismatch"/> for a value that is not a map.</exception>
        public IReadOnlyDictionary<object, object> ToDictionary()
        {
            ReadMap();
            Array k = Elements(Live(keys));
            Array v = Elements(Live(values));
            bool integerKeys = keys.ElementType != ElementType.String;
            var result = new Dictionary<object, object>(k.Length);
            for (int i = 0; i < k.Length; i++)
            {
                object key = k.GetValue(i);
                if (integerKeys) key = Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture);
                result[key] = v.GetValue(i);
            }
            return new ReadOnlyDictionary<object, object>(result);
        }

        /// <summary>The tensor's elements in a new array of their .NET type (strings for a string tensor,
        /// bytes for the raw-byte types).</summary>
        private static Array Elements(Tensor t)
        {
            switch (t.ElementType)
            {
                case ElementType.String: return t.ToStringArray();
                case ElementType.Float32: return t.ToArray<float>();
                case ElementType.Float64: return t.ToArray<double>();
                case ElementType.Int64: return t.ToArray<long>();
                case ElementType.Int32: return t.ToArray<int>();
                case ElementType.Int16: return t.ToArray<short>();
                case ElementType.Int8: return t.ToArray<sbyte>();
                case ElementType.UInt8: return t.ToArray<byte>();
                case ElementType.UInt16: return t.ToArray<ushort>();
                case ElementType.UInt32: return t.ToArray<uint>();
                case ElementType.UInt64: return t.ToArray<ulong>();
                case ElementType.Bool: return t.ToArray<bool>();
                case ElementType.Float16: return t.ToArray<Float16>();
                case ElementType.BFloat16: return t.ToArray<BFloat16>();
                default: return t.ToArray<byte>();
            }
        }

        private void ReadMap()
        {
            lock (sync)
            {
                if (keys != null)
                {
                    handle.ThrowIfClosed(nameof(Value));
                    return;
                }
                bool added = false;
                try
                {
                    IntPtr raw = Enter(ref added);
                    IntPtr k, v;
                    Status.Check(Native.onyx_value_map(raw, out k, out v));
                    values = Lend(Onyx.Tensor.OfValue(v, handle));
                    keys = Lend(Onyx.Tensor.OfValue(k, handle));
                }
                finally
                {
                    if (added) handle.DangerousRelease();
                }
            }
        }

        /// <summary>The value that owns this one's memory (itself for a value the caller owns).</summary>
        private Value Root
        {
            get { return owner ?? this; }
        }

        /// <summary>Records a loan with the owning value, which ends it on Dispose.</summary>
        private T Lend<T>(T loan) where T : class
        {
            Value root = Root;
            lock (root.sync)
            {
                if (root.loans == null) root.loans = new List<object>();
                root.loans.Add(loan);
            }
            return loan;
        }

        private Tensor Live(Tensor t)
        {
            handle.ThrowIfClosed(nameof(Value));
            return t;
        }

        /// <summary>Ends every loan, newest first (a loan's own loans were made after it). With
        /// <paramref name="wait"/>, returns once no call on another thread still reads one.</summary>
        private void EndLoans(bool wait)
        {
            List<object> ended;
            lock (sync)
            {
                ended = loans;
                loans = null;
                tensor = keys = values = null;
                items = null;
            }
            if (ended == null) return;
            for (int i = ended.Count - 1; i >= 0; i--)
            {
                var t = ended[i] as Tensor;
                if (t != null)
                {
                    if (wait) t.EndView();
                    else t.EndViewNoWait();
                    continue;
                }
                var v = (Value)ended[i];
                v.handle.Dispose();
                if (!wait) continue;
                var spin = new System.Threading.SpinWait();
                while (!v.handle.Released) spin.SpinOnce();
            }
        }

        /// <summary>Takes a reference on the handle for a native call and returns the pointer.</summary>
        private IntPtr Enter(ref bool added)
        {
            handle.ThrowIfClosed(nameof(Value));
            handle.DangerousAddRef(ref added);
            return handle.DangerousGetHandle();
        }

        internal ValueHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(Value)); return handle; }
        }

        /// <summary>
        /// Frees the native value and everything it holds (once no run uses it any more), ending
        /// everything it lent. For a value that another value lends (an item), does nothing: it
        /// ends with its owner. A second call does nothing.
        /// </summary>
        public void Dispose()
        {
            if (owner != null) return;
            EndLoans(false);
            handle.Dispose();
        }

        /// <summary>The kind and size, for people.</summary>
        public override string ToString()
        {
            if (handle.Disposed) return "Value (disposed)";
            ValueKind kind = Kind;
            switch (kind)
            {
                case ValueKind.Tensor: return "Value " + Tensor;
                case ValueKind.Sequence: return "Value sequence of " + Items.Count;
                case ValueKind.Map: return "Value map of " + Keys.ElementCount + " " + Keys.ElementType + " keys to " + Values.ElementType;
                case ValueKind.Optional: return Item == null ? "Value optional (absent)" : "Value optional of " + Item;
                default: return "Value " + kind;
            }
        }
    }
}
