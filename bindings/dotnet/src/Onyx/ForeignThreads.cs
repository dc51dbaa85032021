using System;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Onyx
{
    /// <summary>
    /// Lets the process exit on Mono after native threads called into .NET. The async-run and
    /// log callbacks run on threads .NET did not start (Onyx's workers, ONNX Runtime's own),
    /// which the runtime attaches on their first call and which then block in native code for
    /// the life of the process. .NET treats such threads as background threads and exits
    /// without them; Mono before 6.12 waits at exit, forever, for every attached thread it
    /// cannot abort (mono/mono#18656, #20466), so a Mono program that ran one RunAsync would
    /// never end. On Mono, a thread whose only managed code is the callback itself (a native
    /// thread visiting .NET, not a .NET thread that called Onyx) gets the runtime's "do not
    /// wait for or abort this thread" flag, which is what newer Mono does by itself for such
    /// threads. Elsewhere (no such runtime field) this does nothing.
    /// </summary>
    internal static class ForeignThreads
    {
        /// <summary>MONO_THREAD_FLAG_DONT_MANAGE (mono/metadata/threads-types.h).</summary>
        private const long DontManage = 1;
        private static readonly FieldInfo InternalThread = MonoField(typeof(Thread), "internal_thread");
        private static readonly FieldInfo Flags = InternalThread == null ? null : MonoField(InternalThread.FieldType, "flags");
        [ThreadStatic] private static bool seen;

        private static FieldInfo MonoField(Type type, string name)
        {
            try
            {
                if (Type.GetType("Mono.Runtime") == null) return null;
                FieldInfo field = type.GetField(name, BindingFlags.NonPublic | BindingFlags.Instance);
                if (field == null) return null;
                if (name == "flags" && field.FieldType != typeof(IntPtr) && field.FieldType != typeof(int)) return null;
                return field;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Called first by every callback from native code; does its work once per thread. Never throws.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static void Visiting()
        {
            if (seen || Flags == null) return;
            seen = true;
            try
            {
                // This method and the callback: nothing managed below them on this thread.
                if (new StackTrace(false).FrameCount > 2) return;
                object thread = InternalThread.GetValue(Thread.CurrentThread);
                if (thread == null) return;
                if (Flags.FieldType == typeof(IntPtr))
                    Flags.SetValue(thread, new IntPtr(((IntPtr)Flags.GetValue(thread)).ToInt64() | DontManage));
                else
                    Flags.SetValue(thread, (int)Flags.GetValue(thread) | (int)DontManage);
            }
            catch (Exception)
            {
            }
        }
    }
}
