using System;
using System.Collections;
using System.Collections.Generic;

namespace Onyx
{
    /// <summary>
    /// The outputs of one <see cref="Session.Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}, RunOptions)"/>,
    /// in the order requested, by index or by name. They own native memory: dispose them
    /// (<c>using</c>), which disposes every tensor.
    /// </summary>
    public sealed class RunOutputs : IReadOnlyList<Tensor>, IDisposable
    {
        private readonly IReadOnlyList<string> names;
        private readonly Tensor[] tensors;

        internal RunOutputs(IReadOnlyList<string> names, Tensor[] tensors)
        {
            this.names = names;
            this.tensors = tensors;
        }

        /// <summary>The output names, in the order of the tensors.</summary>
        public IReadOnlyList<string> Names
        {
            get { return names; }
        }

        /// <summary>Number of outputs.</summary>
        public int Count
        {
            get { return tensors.Length; }
        }

        /// <summary>The output at <paramref name="index"/>.</summary>
        /// <param name="index">Position in the requested order.</param>
        public Tensor this[int index]
        {
            get { return tensors[index]; }
        }

        /// <summary>The output called <paramref name="name"/>.</summary>
        /// <param name="name">An output name that was requested.</param>
        /// <exception cref="KeyNotFoundException">When no output has that name.</exception>
        public Tensor this[string name]
        {
            get
            {
                for (int i = 0; i < tensors.Length; i++)
                    if (names[i] == name) return tensors[i];
                throw new KeyNotFoundException("no output named '" + name + "' in this result");
            }
        }

        /// <summary>Enumerates the outputs in order.</summary>
        public IEnumerator<Tensor> GetEnumerator()
        {
            return ((IEnumerable<Tensor>)tensors).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return tensors.GetEnumerator();
        }

        /// <summary>Disposes every output tensor. A second call does nothing.</summary>
        public void Dispose()
        {
            foreach (Tensor t in tensors) t.Dispose();
        }
    }
}
