using System;

namespace Onyx
{
    /// <summary>How much ONNX Runtime rewrites the graph before running it.</summary>
    public enum OptimizationLevel
    {
        /// <summary>No rewriting.</summary>
        Disabled = 0,
        /// <summary>Basic, semantics-preserving rewrites (constant folding, ...).</summary>
        Basic = 1,
        /// <summary>Basic plus more complex fusions.</summary>
        Extended = 2,
        /// <summary>Everything, including layout changes (ONNX Runtime's default).</summary>
        All = 99,
    }

    /// <summary>
    /// Options for creating a <see cref="Session"/>. A session copies what it needs, so
    /// options may be changed, reused or disposed right after. Not thread-safe: use one
    /// instance from one thread at a time.
    /// </summary>
    public sealed class SessionOptions : IDisposable
    {
        private readonly SessionOptionsHandle handle;
        private SharedWeights sharedWeights;
        private int intraOpThreads;
        private int interOpThreads;
        private OptimizationLevel optimizationLevel = OptimizationLevel.All;
        private bool allowProviderFallback;
        private bool deterministicCompute;
        private bool cpuMemoryArena = true;
        private bool memoryPattern = true;
        private bool externalDataOutsideModelFolder;

        /// <summary>Creates options with ONNX Runtime's defaults (all optimizations, threads chosen by ONNX Runtime, CPU).</summary>
        public SessionOptions()
        {
            handle = new SessionOptionsHandle(Status.Out(Native.onyx_session_options_create));
        }

        internal SessionOptionsHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(SessionOptions)); return handle; }
        }

        /// <summary>Threads used inside one operator; 0 (the default) lets ONNX Runtime choose.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> for a negative count (Onyx's check, as in every language).</exception>
        public int IntraOpThreads
        {
            get { return intraOpThreads; }
            set { Status.Check(Native.onyx_session_options_set_intra_op_threads(Handle, value)); intraOpThreads = value; }
        }

        /// <summary>Threads used across operators; 0 (the default) lets ONNX Runtime choose. A negative
        /// count is refused as for <see cref="IntraOpThreads"/>.</summary>
        public int InterOpThreads
        {
            get { return interOpThreads; }
            set { Status.Check(Native.onyx_session_options_set_inter_op_threads(Handle, value)); interOpThreads = value; }
        }

        /// <summary>Graph optimization level (default <see cref="Onyx.OptimizationLevel.All"/>).</summary>
        public OptimizationLevel OptimizationLevel
        {
            get { return optimizationLevel; }
            set { Status.Check(Native.onyx_session_options_set_optimization_level(Handle, (uint)value)); optimizationLevel = value; }
        }

        /// <summary>When true, an execution provider that cannot be registered is skipped with a
        /// warning instead of failing session creation. Default false.</summary>
        public bool AllowProviderFallback
        {
            get { return allowProviderFallback; }
            set { Status.Check(Native.onyx_session_options_set_allow_provider_fallback(Handle, value)); allowProviderFallback = value; }
        }

        /// <summary>ONNX Runtime's CPU memory arena (default true); off, allocations go to the system
        /// allocator and memory goes back when tensors are freed.</summary>
        public bool CpuMemoryArena
        {
            get { return cpuMemoryArena; }
            set { Status.Check(Native.onyx_session_options_set_cpu_memory_arena(Handle, value)); cpuMemoryArena = value; }
        }

        /// <summary>ONNX Runtime's memory-pattern planning (default true).</summary>
        public bool MemoryPattern
        {
            get { return memoryPattern; }
            set { Status.Check(Native.onyx_session_options_set_memory_pattern(Handle, value)); memoryPattern = value; }
        }

        /// <summary>Asks kernels for reproducible results where they have a choice. Default false.</summary>
        public bool DeterministicCompute
        {
            get { return deterministicCompute; }
            set { Status.Check(Native.onyx_session_options_set_deterministic_compute(Handle, value)); deterministicCompute = value; }
        }

        /// <summary>Adds an execution provider to try, in order of preference ("XNNPACK", "OpenVINO", ...);
        /// CPU is always last.</summary>
        /// <param name="name">The provider's short or full ONNX Runtime name.</param>
        public void AppendExecutionProvider(string name)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Utf8.Check(name, "execution provider name");
            Status.Check(Native.onyx_session_options_append_execution_provider(Handle, name));
        }

        /// <summary>Has ONNX Runtime profile the runs of sessions made with these options into a JSON
        /// file (Chrome's trace format) whose name starts with <paramref name="prefix"/>;
        /// <see cref="Session.EndProfiling"/> ends it and gives the file's path.</summary>
        public void EnableProfiling(string prefix)
        {
            if (prefix == null) throw new ArgumentNullException(nameof(prefix));
            Utf8.Check(prefix, "profiling prefix");
            Status.Check(Native.onyx_session_options_enable_profiling(Handle, prefix));
        }

        /// <summary>Fixes the free dimension <paramref name="name"/> ("batch") to <paramref name="value"/>
        /// in every input and output: the session reports it, and a run with another value is
        /// <see cref="ErrorCode.ShapeMismatch"/>. A name the model does not use is ignored.</summary>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> for a negative value.</exception>
        public void AddFreeDimensionOverride(string name, long value)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            Utf8.Check(name, "free dimension name");
            Status.Check(Native.onyx_session_options_add_free_dimension_override(Handle, name, value));
        }

        /// <summary>Adds a custom-operator library: a shared library exporting ONNX Runtime's
        /// <c>RegisterCustomOps</c> (ONNX Runtime Extensions, or your own). Several may be added; each
        /// stays loaded until the process exits. A model using an operator no
        /// library provides fails to load with <see cref="ErrorCode.UnsupportedOperator"/>.</summary>
        /// <param name="path">The library's path.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/>, naming the path and the
        /// reason, when the file is missing, is not a shared library, or exports no <c>RegisterCustomOps</c>.</exception>
        public void AddCustomOpLibrary(string path)
        {
            if (path == null) throw new ArgumentNullException(nameof(path));
            Utf8.Check(path, "custom-op library path");
            Status.Check(Native.onyx_session_options_add_custom_op_library(Handle, path));
        }

        /// <summary>Adds an operator whose kernel is C# (<see cref="Operator"/>): sessions made with these
        /// options run its kernel for the model's nodes of its domain and name, and keep it alive, so the
        /// <see cref="Operator"/> may be disposed afterwards. Adding it again does nothing.</summary>
        /// <param name="op">The operator.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> when another operator with the
        /// same domain and name was added.</exception>
        public void AddOperator(Operator op)
        {
            if (op == null) throw new ArgumentNullException(nameof(op));
            Status.Check(Native.onyx_session_options_add_operator(Handle, op.Handle));
        }

        /// <summary>Adds a raw ONNX Runtime session config entry (see ONNX Runtime's
        /// onnxruntime_session_options_config_keys.h).</summary>
        /// <param name="key">The config key.</param>
        /// <param name="value">Its value.</param>
        public void AddConfigEntry(string key, string value)
        {
            if (key == null) throw new ArgumentNullException(nameof(key));
            if (value == null) throw new ArgumentNullException(nameof(value));
            Utf8.Check(key, "session config key");
            Utf8.Check(value, "session config entry '" + key + "' value");
            Status.Check(Native.onyx_session_options_add_config_entry(Handle, key, value));
        }

        /// <summary>Supplies an external-data file from memory: a model whose initializers name
        /// <paramref name="fileName"/> as their external <c>location</c> reads them from
        /// <paramref name="bytes"/> instead of the disk, whether it is loaded from a path or with
        /// <see cref="Session.FromBytes"/>. The bytes are copied (the array may be reused at once);
        /// adding a name again replaces it.</summary>
        /// <param name="fileName">The <c>location</c> the model names ("model.onnx.data").</param>
        /// <param name="bytes">The file's contents.</param>
        /// <exception cref="OnyxException"><see cref="ErrorCode.InvalidArgument"/> for an empty name.</exception>
        public unsafe void AddExternalData(string fileName, byte[] bytes)
        {
            if (fileName == null) throw new ArgumentNullException(nameof(fileName));
            if (bytes == null) throw new ArgumentNullException(nameof(bytes));
            Utf8.Check(fileName, "external data file name");
            IntPtr status;
            fixed (byte* data = bytes)
            {
                status = Native.onyx_session_options_add_external_data(Handle, fileName, data, (UIntPtr)bytes.Length);
            }
            Status.Check(status);
        }

        /// <summary>Lets a model loaded from a path read external data outside its own folder (an
        /// absolute <c>location</c>, or one with ".."). Default false: such a model fails to load with
        /// <see cref="ErrorCode.InvalidModel"/> naming the initializer and the location, since a model
        /// from elsewhere could otherwise read any file.</summary>
        public bool ExternalDataOutsideModelFolder
        {
            get { return externalDataOutsideModelFolder; }
            set
            {
                Status.Check(Native.onyx_session_options_set_external_data_outside_model_folder(Handle, value));
                externalDataOutsideModelFolder = value;
            }
        }

        /// <summary>The group whose sessions share each model's weights with sessions made with these
        /// options (null, the default: share nothing). The options keep the group's weights reachable
        /// for the sessions they make, so the group may be disposed afterwards.</summary>
        public SharedWeights SharedWeights
        {
            get { return sharedWeights; }
            set
            {
                Status.Check(value == null
                    ? Native.onyx_session_options_set_no_shared_weights(Handle, IntPtr.Zero)
                    : Native.onyx_session_options_set_shared_weights(Handle, value.Handle));
                sharedWeights = value;
            }
        }

        /// <summary>Frees the native options. A second call does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
