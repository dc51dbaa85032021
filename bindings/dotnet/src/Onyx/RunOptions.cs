using System;

namespace Onyx
{
    /// <summary>
    /// Per-run settings: a log tag and a terminate switch. <see cref="Terminate"/> and
    /// <see cref="ResetTerminate"/> may be called from any thread while runs use the options;
    /// everything else needs one thread at a time. A run stopped by <see cref="Terminate"/> throws
    /// <see cref="OnyxException"/> with <see cref="ErrorCode.Cancelled"/> (the <c>CancellationToken</c>
    /// overloads of <see cref="Session.Run(System.Collections.Generic.IReadOnlyDictionary{string, Tensor}, System.Threading.CancellationToken, System.Collections.Generic.IReadOnlyList{string})"/>
    /// throw <see cref="OperationCanceledException"/> instead, as .NET does for a cancelled token).
    /// </summary>
    public sealed class RunOptions : IDisposable
    {
        private readonly RunOptionsHandle handle;

        /// <summary>Creates run options (no tag, not terminated).</summary>
        public RunOptions()
        {
            handle = new RunOptionsHandle(Status.Out(Native.onyx_run_options_create));
        }

        /// <summary>Tags ONNX Runtime's log lines of runs that use these options ("" until set; read from Onyx).</summary>
        public string Tag
        {
            get { return Utf8.FromNative(Native.onyx_run_options_tag(Handle)) ?? ""; }
            set
            {
                if (value == null) throw new ArgumentNullException(nameof(value));
                Utf8.Check(value, "run tag");
                Status.Check(Native.onyx_run_options_set_tag(Handle, value));
            }
        }

        /// <summary>Adds a raw ONNX Runtime run config entry (onnxruntime_run_options_config_keys.h, e.g.
        /// <c>memory.enable_memory_arena_shrinkage</c> = <c>cpu:0</c>). ONNX Runtime reads it at each run,
        /// where a value it refuses fails the run with <see cref="ErrorCode.InvalidArgument"/>.</summary>
        public void AddConfigEntry(string key, string value)
        {
            if (key == null) throw new ArgumentNullException(nameof(key));
            if (value == null) throw new ArgumentNullException(nameof(value));
            Utf8.Check(key, "run config key");
            Utf8.Check(value, "run config entry '" + key + "' value");
            Status.Check(Native.onyx_run_options_add_config_entry(Handle, key, value));
        }

        /// <summary>
        /// Stops runs in progress that use these options (they fail with <see cref="ErrorCode.Cancelled"/>
        /// within milliseconds) and makes later runs with them fail the same way until
        /// <see cref="ResetTerminate"/>. Any thread.
        /// </summary>
        public void Terminate()
        {
            Status.Check(Native.onyx_run_options_terminate(Handle));
        }

        /// <summary>Lets runs with these options proceed again. Any thread.</summary>
        public void ResetTerminate()
        {
            Status.Check(Native.onyx_run_options_reset_terminate(Handle));
        }

        /// <summary>Frees the native options once no run uses them any more. A second call does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        internal RunOptionsHandle Handle
        {
            get { handle.ThrowIfClosed(nameof(RunOptions)); return handle; }
        }
    }
}
