using System;

namespace Onyx
{
    /// <summary>
    /// Marks a static method that native code calls through a delegate's function pointer.
    /// Ahead-of-time compilers without a JIT (Mono full AOT on iOS, Unity's IL2CPP) look for
    /// an attribute of this name to generate the reverse P/Invoke thunk; the JIT-based
    /// runtimes (.NET, Mono) ignore it. It carries no behaviour.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class MonoPInvokeCallbackAttribute : Attribute
    {
        public MonoPInvokeCallbackAttribute(Type delegateType)
        {
            DelegateType = delegateType;
        }

        internal Type DelegateType { get; private set; }
    }
}
