namespace Onyx
{
    /// <summary>Shape helpers.</summary>
    internal static class Shapes
    {
        /// <summary>A copy of <paramref name="shape"/>. (Array.Clone is an order of magnitude slower
        /// on Mono.)</summary>
        internal static long[] Copy(long[] shape)
        {
            var copy = new long[shape.Length];
            for (int i = 0; i < copy.Length; i++) copy[i] = shape[i];
            return copy;
        }
    }
}
