using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Onyx
{
    /// <summary>A model's metadata. Immutable; read once when the session is created.</summary>
    public sealed class ModelMetadata
    {
        /// <summary>The tool that produced the model ("" when absent).</summary>
        public string Producer { get; private set; }

        /// <summary>The graph's name ("" when absent).</summary>
        public string GraphName { get; private set; }

        /// <summary>The model's domain ("" when absent).</summary>
        public string Domain { get; private set; }

        /// <summary>The model's description (its doc_string; "" when absent).</summary>
        public string Description { get; private set; }

        /// <summary>The graph's description ("" when absent).</summary>
        public string GraphDescription { get; private set; }

        /// <summary>The model's version, or null when it has none.</summary>
        public long? Version { get; private set; }

        /// <summary>The model's custom metadata (metadata_props), by key.</summary>
        public IReadOnlyDictionary<string, string> Custom { get; private set; }

        /// <summary>Copies a borrowed <c>onyx_model_metadata*</c>; the caller keeps its session alive.</summary>
        internal static unsafe ModelMetadata Read(IntPtr meta)
        {
            long version;
            bool hasVersion = Native.onyx_model_metadata_version(meta, out version);
            var custom = new Dictionary<string, string>();
            ulong count = (ulong)Native.onyx_model_metadata_custom_count(meta);
            for (ulong i = 0; i < count; i++)
            {
                IntPtr key = Native.onyx_model_metadata_custom_key(meta, (UIntPtr)i);
                // The key pointer is already NUL-terminated UTF-8: pass it straight back.
                custom[Utf8.FromNative(key)] = Utf8.FromNative(Native.onyx_model_metadata_custom_value(meta, key)) ?? "";
            }
            return new ModelMetadata
            {
                Producer = Utf8.FromNative(Native.onyx_model_metadata_producer(meta)) ?? "",
                GraphName = Utf8.FromNative(Native.onyx_model_metadata_graph_name(meta)) ?? "",
                Domain = Utf8.FromNative(Native.onyx_model_metadata_domain(meta)) ?? "",
                Description = Utf8.FromNative(Native.onyx_model_metadata_description(meta)) ?? "",
                GraphDescription = Utf8.FromNative(Native.onyx_model_metadata_graph_description(meta)) ?? "",
                Version = hasVersion ? version : (long?)null,
                Custom = new ReadOnlyDictionary<string, string>(custom),
            };
        }
    }
}
