using System;
using System.Runtime.InteropServices;

namespace Onyx
{
    /// <summary>
    /// The C ABI (include/onyx.h), one declaration per function. Statuses come back as
    /// <see cref="IntPtr"/> and go straight to <see cref="Status.Check"/>; returned strings
    /// are <see cref="IntPtr"/> decoded by <see cref="Utf8"/> (a <c>string</c> return would
    /// make the marshaller free memory Onyx owns). Handle parameters are SafeHandles where
    /// one handle is passed, so the marshaller keeps it alive for the call; calls taking
    /// arrays of handles take raw pointers and the caller holds the references.
    /// </summary>
    internal static class Native
    {
        private const string Lib = "onyx";
        private const CallingConvention Cdecl = CallingConvention.Cdecl;

        // --- library, status, runtime ---
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_abi_version();
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_element_type_size(uint elementType);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_element_type_name(uint elementType);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern ushort onyx_bfloat16_from_float32(float value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern float onyx_bfloat16_to_float32(ushort bits);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern ushort onyx_float16_from_float32(float value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern float onyx_float16_to_float32(ushort bits);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_status_code(IntPtr status);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_status_message(IntPtr status);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_status_free(IntPtr status);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_error_code_name(uint code);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_text_check(IntPtr text, UIntPtr length, [MarshalAs(UnmanagedType.LPUTF8Str)] string what);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_runtime_init([MarshalAs(UnmanagedType.LPUTF8Str)] string ortLibraryPath);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_runtime_version(out IntPtr version);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_runtime_path(out IntPtr path);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_set_log_level(uint level);
        // `callback` is the function pointer of a delegate kept alive in a static field
        // (OnyxRuntime's trampoline); `userData` a GCHandle to the user's LogCallback.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_set_log_callback(IntPtr callback, IntPtr userData);

        /// <summary><c>onyx_log_callback</c>: both strings are borrowed for the call.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void NativeLogCallback(IntPtr userData, uint level, IntPtr category, IntPtr message);

        /// <summary><c>onyx_run_callback</c>: <paramref name="status"/> (owned) on failure, else
        /// <paramref name="outputCount"/> owned tensors in an array borrowed for the call.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void NativeRunCallback(IntPtr userData, IntPtr status, IntPtr outputs, UIntPtr outputCount);

        /// <summary><c>onyx_kernel_compute</c>: returns NULL or a status made by onyx_status_create (Onyx takes it).</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate IntPtr NativeKernelCompute(IntPtr userData, IntPtr context);

        /// <summary><c>onyx_user_data_release</c>.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void NativeUserDataRelease(IntPtr userData);

        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_status_create(uint code, byte* message);

        // --- session options ---
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_create(out IntPtr options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_session_options_free(IntPtr options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_intra_op_threads(SessionOptionsHandle options, int threads);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_inter_op_threads(SessionOptionsHandle options, int threads);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_optimization_level(SessionOptionsHandle options, uint level);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_append_execution_provider(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_allow_provider_fallback(SessionOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool allow);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_cpu_memory_arena(SessionOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool enable);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_memory_pattern(SessionOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool enable);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_deterministic_compute(SessionOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool enable);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_enable_profiling(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string prefix);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_end_profiling(SessionHandle session, out IntPtr path);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_add_free_dimension_override(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, long value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_add_custom_op_library(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_add_operator(SessionOptionsHandle options, OperatorHandle op);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_add_config_entry(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string key, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_session_options_add_external_data(SessionOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string fileName, byte* data, UIntPtr length);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_external_data_outside_model_folder(SessionOptionsHandle options, [MarshalAs(UnmanagedType.U1)] bool allow);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_options_set_shared_weights(SessionOptionsHandle options, SharedWeightsHandle group);
        [DllImport(Lib, CallingConvention = Cdecl, EntryPoint = "onyx_session_options_set_shared_weights")] internal static extern IntPtr onyx_session_options_set_no_shared_weights(SessionOptionsHandle options, IntPtr none);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_shared_weights_create(out IntPtr group);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_shared_weights_free(IntPtr group);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_shared_weights_model_count(SharedWeightsHandle group);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_shared_weights_byte_length(SharedWeightsHandle group);

        // --- sessions and introspection ---
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_create_from_file([MarshalAs(UnmanagedType.LPUTF8Str)] string path, SessionOptionsHandle options, out IntPtr session);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_session_create_from_bytes(byte* data, UIntPtr length, SessionOptionsHandle options, out IntPtr session);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_session_free(IntPtr session);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_session_input_count(SessionHandle session);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_session_output_count(SessionHandle session);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_input_info(SessionHandle session, UIntPtr index, out IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_output_info(SessionHandle session, UIntPtr index, out IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_session_metadata(SessionHandle session);

        // Value info and metadata are borrowed from their session: callers hold a
        // reference on the session handle while they read them.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_info_name(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_info_kind(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_info_element_type(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_value_info_rank(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_info_shape(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_info_dim_name(IntPtr info, UIntPtr dim);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_producer(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_graph_name(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_domain(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_description(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_graph_description(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] [return: MarshalAs(UnmanagedType.U1)] internal static extern bool onyx_model_metadata_version(IntPtr meta, out long version);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_model_metadata_custom_count(IntPtr meta);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_custom_key(IntPtr meta, UIntPtr index);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_model_metadata_custom_value(IntPtr meta, IntPtr key);

        // --- tensors ---
        // The queries take the raw pointer: Tensor holds a reference on its handle around
        // them (DangerousAddRef), so a concurrent Dispose cannot free the tensor meanwhile.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_tensor_create_zeros(uint elementType, long* shape, UIntPtr rank, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_tensor_create_copy(uint elementType, long* shape, UIntPtr rank, void* data, UIntPtr byteLength, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_tensor_create_borrowed(uint elementType, long* shape, UIntPtr rank, void* data, UIntPtr byteLength, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_tensor_free(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_tensor_element_type(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_tensor_rank(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_tensor_shape(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_tensor_element_count(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_tensor_byte_length(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_tensor_mutable_data(IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_tensor_data_as(TensorHandle tensor, uint elementType, out IntPtr data);

        // --- string tensors and values (ffi/src/value.rs) ---
        // The create functions take over the handles they are given, also on failure: the
        // callers mark those SafeHandles released (OnyxHandle.Surrender) whatever the status.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_tensor_create_strings(long* shape, UIntPtr rank, IntPtr* strings, UIntPtr* lengths, UIntPtr count, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_tensor_string(IntPtr tensor, UIntPtr index, out IntPtr data, out UIntPtr length);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_create_tensor(IntPtr tensor, out IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_value_create_sequence(IntPtr* items, UIntPtr count, out IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_create_map(IntPtr keys, IntPtr values, out IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_create_optional(IntPtr item, out IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_value_free(IntPtr value);
        // The queries take the raw pointer; Value holds a reference on its handle around them.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_kind(IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_tensor(IntPtr value, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_optional(IntPtr value, out IntPtr item);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_value_count(IntPtr value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_item(IntPtr value, UIntPtr index, out IntPtr item);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_map(IntPtr value, out IntPtr keys, out IntPtr values);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern unsafe IntPtr onyx_session_run_values(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, UIntPtr inputCount,
                                                                     IntPtr* outputNames, UIntPtr outputCount, IntPtr* outputs);
        // Types are borrowed from the session, like value infos.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_info_type(IntPtr info);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_type_name(IntPtr type);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_type_kind(IntPtr valueType);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_type_element_type(IntPtr valueType);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint onyx_value_type_key_type(IntPtr valueType);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_value_type_item(IntPtr valueType);

        // --- run options and runs ---
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_create(out IntPtr options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_run_options_free(IntPtr options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_add_config_entry(RunOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string key, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_set_tag(RunOptionsHandle options, [MarshalAs(UnmanagedType.LPUTF8Str)] string tag);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_tag(RunOptionsHandle options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_terminate(RunOptionsHandle options);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_run_options_reset_terminate(RunOptionsHandle options);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern unsafe IntPtr onyx_session_run(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, UIntPtr inputCount,
                                                              IntPtr* outputNames, UIntPtr outputCount, IntPtr* outputs);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern unsafe IntPtr onyx_session_run_into(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, UIntPtr inputCount,
                                                                   IntPtr* outputNames, UIntPtr outputCount, IntPtr* outputs);
        // The callback is PendingRun's static delegate's function pointer; `userData` a
        // GCHandle to the run's PendingRun, freed by the callback.
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern unsafe IntPtr onyx_session_run_async(IntPtr session, IntPtr runOptions, IntPtr* inputNames, IntPtr* inputs, UIntPtr inputCount,
                                                                    IntPtr* outputNames, UIntPtr outputCount, IntPtr callback, IntPtr userData, out IntPtr run);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_async_run_cancel(IntPtr run, [MarshalAs(UnmanagedType.U1)] out bool cancelled);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_async_run_free(IntPtr run);

        // --- operators with C# kernels ---
        // `compute` and `release` are the function pointers of Operator's static delegates;
        // `userData` a GCHandle to the kernel, freed by `release`.
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern unsafe IntPtr onyx_operator_create([MarshalAs(UnmanagedType.LPUTF8Str)] string domain, [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
                                                                  int sinceVersion, int untilVersion, uint* inputTypes, UIntPtr inputCount, uint* outputTypes, UIntPtr outputCount,
                                                                  IntPtr* attributeNames, uint* attributeKinds, UIntPtr attributeCount,
                                                                  IntPtr compute, IntPtr userData, IntPtr release, out IntPtr op);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void onyx_operator_free(IntPtr op);
        // The context and the tensors it lends are valid only during the kernel's call: they
        // travel as SafeHandles that the trampoline closes, and waits for, before returning.
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_kernel_context_input_count(KernelContextHandle context);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern UIntPtr onyx_kernel_context_output_count(KernelContextHandle context);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_kernel_context_input(KernelContextHandle context, UIntPtr index, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern unsafe IntPtr onyx_kernel_context_output(KernelContextHandle context, UIntPtr index, long* shape, UIntPtr rank, out IntPtr tensor);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_kernel_context_attribute_float(KernelContextHandle context, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out float value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_kernel_context_attribute_int(KernelContextHandle context, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out long value);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr onyx_kernel_context_attribute_string(KernelContextHandle context, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, out IntPtr value);
    }
}
