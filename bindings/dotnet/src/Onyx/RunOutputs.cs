using System;
using System.Collections;
using System.Collections.Generic;

namespace Onyx
{
    /// <summary>
    /// The outputs of one run, in the order requested, by index or by name: tensors for
    /// <see cref="Session.Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>
    /// (<see cref="RunOutputs"/>), values for
    /// <see cref="Session.RunValues(IReadOnlyDictionary{string, Value}, IReadOnlyList{string}, RunOptions)"/>.
    /// They own native memory: dispose them (<c>using</c>), which disposes every output.
    /// </summary>
    /// <typeparam name="T"><see cref="Tensor"/> or <see cref="Value"/>.</typeparam>
    public class RunOutputs<T> : IReadOnlyList<T>, IDisposable where T : class, IDisposable
    {
        private readonly IReadOnlyList<string> names;
        private readonly T[] items;

        internal RunOutputs(IReadOnlyList<string> names, T[] items)
        {
            this.names = names;
            this.items = items;
        }

        /// <summary>The output names, in the order of the outputs.</summary>
        public IReadOnlyList<string> Names
        {
            get { return names; }
        }

        /// <summary>Number of outputs.</summary>
        public int Count
        {
            get { return items.Length; }
        }

        /// <summary>The output at <paramref name="index"/>.</summary>
        /// <param name="index">Position in the requested order.</param>
        public T this[int index]
        {
            get { return items[index]; }
        }

        /// <summary>The output called <paramref name="name"/>.</summary>
        /// <param name="name">An output name that was requested.</param>
        /// <exception cref="KeyNotFoundException">When no output has that name.</exception>
        public T this[string name]
        {
            get
            {
                for (int i = 0; i < items.Length; i++)
                    if (names[i] == name) return items[i];
                throw new KeyNotFoundException("no output named '" + name + "' in this result");
            }
        }

        /// <summary>Enumerates the outputs in order.</summary>
        public IEnumerator<T> GetEnumerator()
        {
            return ((IEnumerable<T>)items).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return items.GetEnumerator();
        }

        /// <summary>Disposes every output. A second call does nothing.</summary>
        public void Dispose()
        {
            foreach (T item in items) item.Dispose();
        }
    }

    /// <summary>
    /// The tensors of one <see cref="Session.Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>,
    /// in the order requested, by index or by name. They own native memory: dispose them
    /// (<c>using</c>), which disposes every tensor.
    /// </summary>
    public sealed class RunOutputs : RunOutputs<Tensor>
    {
        internal RunOutputs(IReadOnlyList<string> names, Tensor[] tensors) : base(names, tensors)
        {
        }
    }
}
