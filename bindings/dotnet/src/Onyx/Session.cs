using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Onyx
{
    /// <summary>
    /// A loaded model, ready to run. Thread-safe: any number of threads may run one session
    /// at once, and their runs proceed in parallel. Disposing it while another thread runs
    /// is safe too: the native session is freed when the last run returns.
    /// </summary>
    public sealed class Session : IDisposable
    {
        private readonly SessionHandle handle;
        private readonly ReadOnlyCollection<ValueInfo> inputs;
        private readonly ReadOnlyCollection<ValueInfo> outputs;
        private readonly ReadOnlyCollection<string> outputNames;
        private readonly ModelMetadata metadata;
        // Model input and output names -> the session's own NUL-terminated UTF-8 copies of them
        // (borrowed from the native session, valid while it lives), so a run encodes no names.
        private readonly Dictionary<string, IntPtr> nativeNames = new Dictionary<string, IntPtr>();

        /// <summary>Loads the model in the file at <paramref name="modelPath"/>.</summary>
        /// <param name="modelPath">Path of the .onnx file.</param>
        /// <param name="options">Session options, or null for the defaults.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.ModelNotFound"/>, <see cref="ErrorCode.InvalidModel"/>,
        /// <see cref="ErrorCode.RuntimeLoadFailed"/>, <see cref="ErrorCode.ExecutionProviderUnavailable"/>.</exception>
        public static Session FromFile(string modelPath, SessionOptions options = null)
        {
            return new Session(CreateFromFile(modelPath, options));
        }

        /// <summary>Loads a model from its bytes, which are only read during the call.</summary>
        /// <param name="model">The .onnx file's contents.</param>
        /// <param name="options">Session options, or null for the defaults.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidModel"/>, <see cref="ErrorCode.RuntimeLoadFailed"/>, ...</exception>
        public static Session FromBytes(byte[] model, SessionOptions options = null)
        {
            return new Session(CreateFromBytes(model, options));
        }

        // Both factories end here once the native session exists, so a failure while
        // describing it frees it.
        private Session(IntPtr session)
        {
            handle = new SessionHandle(session);
            try
            {
                ReadDescription(out inputs, out outputs, out metadata);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            outputNames = NamesOf(outputs);
        }

        private static IntPtr CreateFromFile(string modelPath, SessionOptions options)
        {
            if (modelPath == null) throw new ArgumentNullException(nameof(modelPath));
            Library.EnsureCompatible();
            IntPtr session;
            using (SessionOptions defaults = options == null ? new SessionOptions() : null)
            {
                Utf8.Check(modelPath, "model path");
                Status.Check(Native.onyx_session_create_from_file(modelPath, (options ?? defaults).Handle, out session));
            }
            return session;
        }

        private static unsafe IntPtr CreateFromBytes(byte[] model, SessionOptions options)
        {
            if (model == null) throw new ArgumentNullException(nameof(model));
            Library.EnsureCompatible();
            IntPtr session;
            using (SessionOptions defaults = options == null ? new SessionOptions() : null)
            {
                fixed (byte* bytes = model)
                {
                    Status.Check(Native.onyx_session_create_from_bytes(bytes, (UIntPtr)model.Length, (options ?? defaults).Handle, out session));
                }
            }
            return session;
        }

        /// <summary>The model's inputs, in model order.</summary>
        public IReadOnlyList<ValueInfo> Inputs
        {
            get { handle.ThrowIfClosed(nameof(Session)); return inputs; }
        }

        /// <summary>The model's outputs, in model order.</summary>
        public IReadOnlyList<ValueInfo> Outputs
        {
            get { handle.ThrowIfClosed(nameof(Session)); return outputs; }
        }

        /// <summary>Input number <paramref name="index"/> (model order).</summary>
        /// <param name="index">0 up to the number of inputs.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.IndexOutOfRange"/> past the end (Onyx's check, as in every language).</exception>
        public ValueInfo Input(int index)
        {
            return Described(inputs, index, true);
        }

        /// <summary>Output number <paramref name="index"/> (model order); an index past the end is refused as by <see cref="Input"/>.</summary>
        /// <param name="index">0 up to the number of outputs.</param>
        public ValueInfo Output(int index)
        {
            return Described(outputs, index, false);
        }

        /// <summary>Asks Onyx for value <paramref name="index"/>, which checks the index, and answers
        /// with the description read when the session was created.</summary>
        private ValueInfo Described(ReadOnlyCollection<ValueInfo> infos, int index, bool input)
        {
            handle.ThrowIfClosed(nameof(Session));
            // A negative index reaches Onyx as a huge one, which it refuses the same way.
            NativeInfo(input, (UIntPtr)unchecked((ulong)(long)index));
            return infos[index];
        }

        /// <summary>Ends profiling (see <see cref="SessionOptions.EnableProfiling"/>) and returns the path
        /// of the JSON profile ONNX Runtime wrote; later runs are not profiled.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> when profiling is not enabled.</exception>
        public string EndProfiling()
        {
            handle.ThrowIfClosed(nameof(Session));
            IntPtr path;
            Status.Check(Native.onyx_session_end_profiling(handle, out path));
            return Utf8.FromNative(path);
        }

        /// <summary>The model's metadata.</summary>
        public ModelMetadata Metadata
        {
            get { handle.ThrowIfClosed(nameof(Session)); return metadata; }
        }

        /// <summary>
        /// Runs the model. Every model input must be given, by name. Returns the outputs named in
        /// <paramref name="outputNames"/> (all of them, in model order, when null), which the caller disposes.
        /// </summary>
        /// <param name="inputs">Input name to tensor.</param>
        /// <param name="outputNames">The outputs wanted, or null for all.</param>
        /// <param name="runOptions">Run options (tag, terminate switch), or null.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.UnknownInput"/>, <see cref="ErrorCode.MissingInput"/>,
        /// <see cref="ErrorCode.TypeMismatch"/>, <see cref="ErrorCode.RankMismatch"/>, <see cref="ErrorCode.ShapeMismatch"/>,
        /// <see cref="ErrorCode.UnknownOutput"/>, <see cref="ErrorCode.Cancelled"/> (terminated through
        /// <paramref name="runOptions"/>). The session stays usable after any of them.</exception>
        public RunOutputs Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string> outputNames = null, RunOptions runOptions = null)
        {
            return RunCore(inputs, outputNames, null, runOptions);
        }

        /// <summary>
        /// Runs the model and stops it when <paramref name="cancellationToken"/> is cancelled, throwing
        /// <see cref="OperationCanceledException"/> (the .NET convention for a cancelled token).
        /// Otherwise as <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>.
        /// </summary>
        /// <param name="inputs">Input name to tensor.</param>
        /// <param name="cancellationToken">Cancelling it terminates the run within milliseconds.</param>
        /// <param name="outputNames">The outputs wanted, or null for all.</param>
        /// <exception cref="OperationCanceledException">The token was cancelled before or during the run.</exception>
        public RunOutputs Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken, IReadOnlyList<string> outputNames = null)
        {
            return WithCancellation(cancellationToken, runOptions => RunCore(inputs, outputNames, null, runOptions));
        }

        /// <summary>
        /// Runs the model on values of any kind (tensors, string tensors, sequences, maps, optionals)
        /// and returns every kind of output as a <see cref="Value"/>: the outputs named in
        /// <paramref name="outputNames"/> (all of them, in model order, when null), which the caller
        /// disposes. The inputs stay the caller's (the run only reads them). A plain tensor value is
        /// passed without a copy; ONNX Runtime copies sequences and maps. An absent optional
        /// (<c>Value.Optional(null)</c>) is the same as leaving the input out.
        /// </summary>
        /// <param name="inputs">Input name to value.</param>
        /// <param name="outputNames">The outputs wanted, or null for all.</param>
        /// <param name="runOptions">Run options (tag, terminate switch), or null.</param>
        /// <exception cref="OnyxException">As for <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>;
        /// <see cref="ErrorCode.MissingInput"/> for an absent optional given for an input the model requires.</exception>
        public RunOutputs<Value> RunValues(IReadOnlyDictionary<string, Value> inputs, IReadOnlyList<string> outputNames = null, RunOptions runOptions = null)
        {
            return RunValuesCore(inputs, outputNames, runOptions);
        }

        /// <summary>
        /// <see cref="RunValues(IReadOnlyDictionary{string, Value}, IReadOnlyList{string}, RunOptions)"/>, stopped when
        /// <paramref name="cancellationToken"/> is cancelled (throws <see cref="OperationCanceledException"/>).
        /// </summary>
        /// <param name="inputs">Input name to value.</param>
        /// <param name="cancellationToken">Cancelling it terminates the run within milliseconds.</param>
        /// <param name="outputNames">The outputs wanted, or null for all.</param>
        public RunOutputs<Value> RunValues(IReadOnlyDictionary<string, Value> inputs, CancellationToken cancellationToken, IReadOnlyList<string> outputNames = null)
        {
            return WithCancellation(cancellationToken, runOptions => RunValuesCore(inputs, outputNames, runOptions));
        }

        /// <summary>
        /// Runs the model writing each output into the caller's tensor of that name, with no
        /// allocation and no copy (use <see cref="Tensor.Borrow{T}(T[], long[])"/> to write straight
        /// into your own array). Each output tensor must have that output's element type and shape.
        /// </summary>
        /// <param name="inputs">Input name to tensor.</param>
        /// <param name="outputs">Output name to the tensor that receives it.</param>
        /// <param name="runOptions">Run options, or null.</param>
        /// <exception cref="OnyxException">As for Run, and <see cref="ErrorCode.TypeMismatch"/>,
        /// <see cref="ErrorCode.RankMismatch"/>, <see cref="ErrorCode.ShapeMismatch"/> for an output tensor,
        /// <see cref="ErrorCode.InvalidArgument"/> for an output tensor that is also an input or another output.</exception>
        public void RunInto(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> outputs, RunOptions runOptions = null)
        {
            if (outputs == null) throw new ArgumentNullException(nameof(outputs));
            RunCore(inputs, null, outputs, runOptions);
        }

        /// <summary>
        /// <see cref="RunInto(IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, Tensor}, RunOptions)"/>,
        /// stopped when <paramref name="cancellationToken"/> is cancelled (throws <see cref="OperationCanceledException"/>).
        /// </summary>
        /// <param name="inputs">Input name to tensor.</param>
        /// <param name="outputs">Output name to the tensor that receives it.</param>
        /// <param name="cancellationToken">Cancelling it terminates the run within milliseconds.</param>
        public void RunInto(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> outputs, CancellationToken cancellationToken)
        {
            if (outputs == null) throw new ArgumentNullException(nameof(outputs));
            WithCancellation(cancellationToken, runOptions => RunCore(inputs, null, outputs, runOptions));
        }

        /// <summary>
        /// Starts a run on Onyx's worker threads and returns at once; the task completes when the run
        /// is over, with the outputs named in <paramref name="outputNames"/> (all of them, in model
        /// order, when null), which the caller disposes. Continuations never run on Onyx's worker
        /// threads (the task is completed with <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>).
        /// Any number of runs may be in flight on one session at once.
        /// </summary>
        /// <remarks>
        /// Every mistake Onyx finds (an unknown input, a wrong shape, ...) fails the task with the
        /// <see cref="OnyxException"/> that <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>
        /// would throw; it is never thrown by this call. Only the misuse .NET itself catches is thrown
        /// here, as for Run: null arguments, and a disposed session or tensor.
        /// The run holds the session and every input tensor until it is over: disposing them meanwhile
        /// is safe (a borrowed array stays pinned and the native objects are freed when the run ends),
        /// but keep a borrowed array unchanged until then.
        /// Cancelling <paramref name="cancellationToken"/>, and terminating <paramref name="runOptions"/>,
        /// stops the run: the task is then Canceled (awaiting it throws <see cref="TaskCanceledException"/>,
        /// carrying the token when the token cancelled it), unless the run's result was already decided.
        /// A token cancelled before the call gives a Canceled task at once (the run never starts).
        /// </remarks>
        /// <param name="inputs">Input name to tensor.</param>
        /// <param name="outputNames">The outputs wanted, or null for all.</param>
        /// <param name="runOptions">Run options (tag, config entries, terminate switch), or null; the
        /// run takes its own copy of the tag and entries, and <see cref="RunOptions.Terminate"/> still reaches it.</param>
        /// <param name="cancellationToken">Cancels this run alone.</param>
        public unsafe Task<RunOutputs> RunAsync(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string> outputNames = null,
                                                RunOptions runOptions = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            handle.ThrowIfClosed(nameof(Session));
            int inputCount = inputs.Count;
            int outputCount = outputNames != null ? outputNames.Count : 0;
            IntPtr* inputNames = stackalloc IntPtr[inputCount + 1];
            IntPtr* inputHandles = stackalloc IntPtr[inputCount + 1];
            IntPtr* outputNamesPtr = stackalloc IntPtr[outputCount + 1];
            IReadOnlyList<string> names = outputNames == null ? (IReadOnlyList<string>)this.outputNames : new ReadOnlyCollection<string>(new List<string>(outputNames));
            // The session and the inputs are held until the run is over; the run options only
            // for this call (the C ABI copies them, and the names).
            var pending = new PendingRun(names, cancellationToken, inputCount + 1);
            var callHeld = new SafeHandle[1];
            int callHeldCount = 0;
            List<IntPtr> encoded = null;
            bool started = false;
            try
            {
                IntPtr session = Hold(handle, pending.Held, ref pending.HeldCount);
                FillInputs(inputs, inputCount, inputNames, inputHandles, pending.Held, ref pending.HeldCount, ref encoded);
                if (outputNames != null) FillOutputNames(names, outputCount, outputNamesPtr, ref encoded);
                IntPtr options = runOptions == null ? IntPtr.Zero : Hold(runOptions.Handle, callHeld, ref callHeldCount);
                // Checked here, not left to onyx_async_run_cancel after the start: a run may be
                // over before the token could reach it, and an already cancelled token must win.
                if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<RunOutputs>(cancellationToken);
                IntPtr run;
                IntPtr status = Native.onyx_session_run_async(session, options, inputNames, inputHandles, (UIntPtr)inputCount,
                                                              outputNames != null ? outputNamesPtr : null, (UIntPtr)outputCount,
                                                              PendingRun.CallbackPointer, pending.UserData, out run);
                // A failed call never calls back (only arguments it cannot read fail it).
                if (status != IntPtr.Zero) return Task.FromException<RunOutputs>(Status.ToException(status));
                started = true;
                pending.Started(run);
                return pending.Task;
            }
            catch (OnyxException e)
            {
                // Onyx refused something before the run (a name with a NUL): the task says so.
                return Task.FromException<RunOutputs>(e);
            }
            finally
            {
                if (!started) pending.Abandon();
                for (int j = 0; j < callHeldCount; j++) callHeld[j].DangerousRelease();
                if (encoded != null) foreach (IntPtr p in encoded) Marshal.FreeHGlobal(p);
            }
        }

        /// <summary>Frees the native session once no run uses it any more. A second call does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        private static TResult WithCancellation<TResult>(CancellationToken token, Func<RunOptions, TResult> run)
        {
            token.ThrowIfCancellationRequested();
            if (!token.CanBeCanceled) return run(null);
            using (var runOptions = new RunOptions())
            {
                // Disposing the registration waits for a callback in progress, so the options
                // outlive every Terminate the token triggers.
                using (token.Register(TerminateQuietly, runOptions))
                {
                    try
                    {
                        return run(runOptions);
                    }
                    catch (OnyxException e)
                    {
                        if (e.ErrorCode == ErrorCode.Cancelled && token.IsCancellationRequested)
                            throw new OperationCanceledException(e.Message, e, token);
                        throw;
                    }
                }
            }
        }

        private static void TerminateQuietly(object runOptions)
        {
            // Runs on whichever thread cancels the token: it must not throw there.
            try
            {
                ((RunOptions)runOptions).Terminate();
            }
            catch (Exception)
            {
            }
        }

        private unsafe RunOutputs RunCore(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string> wanted,
                                          IReadOnlyDictionary<string, Tensor> into, RunOptions runOptions)
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            handle.ThrowIfClosed(nameof(Session));
            int inputCount = inputs.Count;
            int outputCount = into != null ? into.Count : wanted != null ? wanted.Count : outputs.Count;
            IntPtr* inputNames = stackalloc IntPtr[inputCount + 1];
            IntPtr* inputHandles = stackalloc IntPtr[inputCount + 1];
            IntPtr* outputNamesPtr = stackalloc IntPtr[outputCount + 1];
            IntPtr* outputHandles = stackalloc IntPtr[outputCount + 1];
            // Every handle a native call uses holds a reference for the call, so a concurrent
            // Dispose cannot free it (or unpin its array) under the run.
            var held = new SafeHandle[inputCount + outputCount + 2];
            int heldCount = 0;
            List<IntPtr> encoded = null;
            try
            {
                IntPtr session = Hold(handle, held, ref heldCount);
                IntPtr options = runOptions == null ? IntPtr.Zero : Hold(runOptions.Handle, held, ref heldCount);
                FillInputs(inputs, inputCount, inputNames, inputHandles, held, ref heldCount, ref encoded);
                int i;
                if (into != null)
                {
                    i = 0;
                    foreach (KeyValuePair<string, Tensor> output in into)
                    {
                        if (output.Value == null) throw new ArgumentException("output '" + output.Key + "' is null", "outputs");
                        if (i == outputCount) throw new InvalidOperationException("the outputs changed during the call");
                        outputNamesPtr[i] = NativeName(output.Key, "output name", ref encoded);
                        outputHandles[i] = Hold(output.Value.Handle, held, ref heldCount);
                        i++;
                    }
                    if (i != outputCount) throw new InvalidOperationException("the outputs changed during the call");
                    Status.Check(Native.onyx_session_run_into(session, options, inputNames, inputHandles, (UIntPtr)inputCount,
                                                              outputNamesPtr, (UIntPtr)outputCount, outputHandles));
                    return null;
                }
                if (wanted != null) FillOutputNames(wanted, outputCount, outputNamesPtr, ref encoded);
                for (i = 0; i < outputCount; i++) outputHandles[i] = IntPtr.Zero;
                Status.Check(Native.onyx_session_run(session, options, inputNames, inputHandles, (UIntPtr)inputCount,
                                                     wanted != null ? outputNamesPtr : null, (UIntPtr)outputCount, outputHandles));
                var tensors = new Tensor[outputCount];
                for (i = 0; i < outputCount; i++) tensors[i] = new Tensor(new TensorHandle(outputHandles[i], default(GCHandle)));
                IReadOnlyList<string> names = wanted == null ? (IReadOnlyList<string>)outputNames : new ReadOnlyCollection<string>(new List<string>(wanted));
                return new RunOutputs(names, tensors);
            }
            finally
            {
                for (int j = 0; j < heldCount; j++) held[j].DangerousRelease();
                if (encoded != null) foreach (IntPtr p in encoded) Marshal.FreeHGlobal(p);
            }
        }

        private unsafe RunOutputs<Value> RunValuesCore(IReadOnlyDictionary<string, Value> inputs, IReadOnlyList<string> wanted, RunOptions runOptions)
        {
            if (inputs == null) throw new ArgumentNullException(nameof(inputs));
            handle.ThrowIfClosed(nameof(Session));
            int inputCount = inputs.Count;
            int outputCount = wanted != null ? wanted.Count : outputs.Count;
            IntPtr* inputNames = stackalloc IntPtr[inputCount + 1];
            IntPtr* inputHandles = stackalloc IntPtr[inputCount + 1];
            IntPtr* outputNamesPtr = stackalloc IntPtr[outputCount + 1];
            IntPtr* outputHandles = stackalloc IntPtr[outputCount + 1];
            var held = new SafeHandle[inputCount + 2];
            int heldCount = 0;
            List<IntPtr> encoded = null;
            try
            {
                IntPtr session = Hold(handle, held, ref heldCount);
                IntPtr options = runOptions == null ? IntPtr.Zero : Hold(runOptions.Handle, held, ref heldCount);
                int i = 0;
                foreach (KeyValuePair<string, Value> input in inputs)
                {
                    if (input.Value == null) throw new ArgumentException("input '" + input.Key + "' is null (an absent optional is Value.Optional(null))", nameof(inputs));
                    if (i == inputCount) throw new InvalidOperationException("the inputs changed during the call");
                    inputNames[i] = NativeName(input.Key, "input name", ref encoded);
                    inputHandles[i] = Hold(input.Value.Handle, held, ref heldCount);
                    i++;
                }
                if (i != inputCount) throw new InvalidOperationException("the inputs changed during the call");
                if (wanted != null) FillOutputNames(wanted, outputCount, outputNamesPtr, ref encoded);
                for (i = 0; i < outputCount; i++) outputHandles[i] = IntPtr.Zero;
                Status.Check(Native.onyx_session_run_values(session, options, inputNames, inputHandles, (UIntPtr)inputCount,
                                                            wanted != null ? outputNamesPtr : null, (UIntPtr)outputCount, outputHandles));
                var values = new Value[outputCount];
                for (i = 0; i < outputCount; i++) values[i] = Value.Owned(outputHandles[i], null);
                IReadOnlyList<string> names = wanted == null ? (IReadOnlyList<string>)outputNames : new ReadOnlyCollection<string>(new List<string>(wanted));
                return new RunOutputs<Value>(names, values);
            }
            finally
            {
                for (int j = 0; j < heldCount; j++) held[j].DangerousRelease();
                if (encoded != null) foreach (IntPtr p in encoded) Marshal.FreeHGlobal(p);
            }
        }

        /// <summary>Each input's native name and tensor (holding a reference on the tensor in
        /// <paramref name="held"/>); .NET's own exceptions for a null tensor.</summary>
        private unsafe void FillInputs(IReadOnlyDictionary<string, Tensor> inputs, int inputCount, IntPtr* inputNames, IntPtr* inputHandles,
                                       SafeHandle[] held, ref int heldCount, ref List<IntPtr> encoded)
        {
            int i = 0;
            foreach (KeyValuePair<string, Tensor> input in inputs)
            {
                if (input.Value == null) throw new ArgumentException("input '" + input.Key + "' is null", nameof(inputs));
                // The buffers were sized by Count: never write past them, whatever the dictionary does.
                if (i == inputCount) throw new InvalidOperationException("the inputs changed during the call");
                inputNames[i] = NativeName(input.Key, "input name", ref encoded);
                inputHandles[i] = Hold(input.Value.Handle, held, ref heldCount);
                i++;
            }
            if (i != inputCount) throw new InvalidOperationException("the inputs changed during the call");
        }

        private unsafe void FillOutputNames(IReadOnlyList<string> wanted, int outputCount, IntPtr* outputNamesPtr, ref List<IntPtr> encoded)
        {
            for (int i = 0; i < outputCount; i++)
            {
                if (wanted[i] == null) throw new ArgumentException("an output name is null", "outputNames");
                outputNamesPtr[i] = NativeName(wanted[i], "output name", ref encoded);
            }
        }

        private static IntPtr Hold(OnyxHandle safeHandle, SafeHandle[] held, ref int heldCount)
        {
            bool added = false;
            safeHandle.DangerousAddRef(ref added); // throws ObjectDisposedException once closed
            if (added) held[heldCount++] = safeHandle;
            // Checked after the reference is taken, so a Dispose racing with this call either
            // refuses it here or frees the object only after the run.
            if (safeHandle.Disposed) throw new ObjectDisposedException(safeHandle.GetType().Name.Replace("Handle", ""));
            return safeHandle.DangerousGetHandle();
        }

        /// <summary>The name as native UTF-8: the session's own copy for a model name; otherwise
        /// (a name the model lacks, which the run will report) a temporary copy freed after the run.</summary>
        private unsafe IntPtr NativeName(string name, string what, ref List<IntPtr> encoded)
        {
            if (name == null) throw new ArgumentException("a tensor name is null");
            IntPtr pointer;
            if (nativeNames.TryGetValue(name, out pointer)) return pointer;
            Utf8.Check(name, what);
            int length = Utf8.NativeLength(name);
            pointer = Marshal.AllocHGlobal(length);
            if (encoded == null) encoded = new List<IntPtr>();
            encoded.Add(pointer);
            Utf8.Write(name, (byte*)pointer, length);
            return pointer;
        }

        private void ReadDescription(out ReadOnlyCollection<ValueInfo> inputInfos, out ReadOnlyCollection<ValueInfo> outputInfos, out ModelMetadata meta)
        {
            inputInfos = ReadInfos(true);
            outputInfos = ReadInfos(false);
            meta = ModelMetadata.Read(Native.onyx_session_metadata(handle));
        }

        /// <summary>Every input's (or output's) description, and its name's native copy.</summary>
        private ReadOnlyCollection<ValueInfo> ReadInfos(bool input)
        {
            ulong count = (ulong)(input ? Native.onyx_session_input_count(handle) : Native.onyx_session_output_count(handle));
            var infos = new List<ValueInfo>();
            for (ulong i = 0; i < count; i++)
            {
                IntPtr info = NativeInfo(input, (UIntPtr)i);
                infos.Add(ValueInfo.Read(info));
                nativeNames[infos[infos.Count - 1].Name] = Native.onyx_value_info_name(info);
            }
            return infos.AsReadOnly();
        }

        /// <summary>Onyx's description of input (or output) <paramref name="index"/>; Onyx checks the index.</summary>
        private IntPtr NativeInfo(bool input, UIntPtr index)
        {
            IntPtr info;
            Status.Check(input ? Native.onyx_session_input_info(handle, index, out info) : Native.onyx_session_output_info(handle, index, out info));
            return info;
        }

        private static ReadOnlyCollection<string> NamesOf(IReadOnlyList<ValueInfo> infos)
        {
            var names = new List<string>();
            foreach (ValueInfo info in infos) names.Add(info.Name);
            return names.AsReadOnly();
        }
    }
}
