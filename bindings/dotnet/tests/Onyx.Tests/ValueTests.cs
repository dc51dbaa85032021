using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Onyx.Tests
{
    /// <summary>Values beyond float tensors: string tensors, sequences, maps, optionals, RunValues,
    /// full ONNX types, the raw-byte element types. Expected values come from the fixtures (the
    /// scikit-learn case folders, ONNX's backend cases) or from ONNX's definitions, never from Onyx.</summary>
    [TestFixture]
    public class ValueTests
    {
        private static Spec Spec { get { return Spec.Shared; } }

        private static string Sklearn(string which, string file)
        {
            return Spec.PathOf(Path.Combine("fixtures", "sklearn", which, file));
        }

        /// <summary>A case folder of ONNX's backend tests (.cache/conformance), or the test is skipped.</summary>
        private static string Backend(string name)
        {
            string root = Environment.GetEnvironmentVariable("ONYX_CONFORMANCE");
            if (string.IsNullOrEmpty(root)) root = Path.Combine(Spec.Dir, "..", "..", ".cache", "conformance");
            string dir = Path.Combine(root, "node", name);
            if (!File.Exists(Path.Combine(dir, "model.onnx"))) Assert.Ignore("ONNX backend case " + name + " not generated (make conformance-fixtures)");
            return dir;
        }

        /// <summary>The format's string file: per string a u32 LE byte length, then the UTF-8 bytes.</summary>
        private static string[] ReadStrings(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var strings = new List<string>();
            for (int at = 0; at < bytes.Length;)
            {
                int length = (int)BitConverter.ToUInt32(bytes, at);
                strings.Add(Encoding.UTF8.GetString(bytes, at + 4, length));
                at += 4 + length;
            }
            return strings.ToArray();
        }

        private static float[] ReadFloats(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            var values = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return values;
        }

        private static ErrorCode CodeOf(TestDelegate call)
        {
            return Assert.Throws<OnyxException>(call).ErrorCode;
        }

        [Test]
        public void StringTensorsCopyDotNetStringsInAndOut()
        {
            string[] words = { "cat", "", "smörgåsbord", "日本語", "a\0b", "🦀 crab" };
            using (Tensor t = Tensor.FromStrings(new long[] { 2, 3 }, words))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.String));
                Assert.That(t.Shape, Is.EqualTo(new long[] { 2, 3 }));
                Assert.That(t.ElementCount, Is.EqualTo(6));
                Assert.That(t.ToStringArray(), Is.EqualTo(words));
                // A string tensor has no raw data to read as numbers.
                Assert.That(CodeOf(() => t.ToArray<byte>()), Is.EqualTo(ErrorCode.TypeMismatch));
            }
            // The array was copied: changing it afterwards changes nothing.
            var mutable = new[] { "one" };
            using (Tensor t = Tensor.FromStrings(new long[] { 1 }, mutable))
            {
                mutable[0] = "two";
                Assert.That(t.ToStringArray(), Is.EqualTo(new[] { "one" }));
            }
            using (Tensor scalar = Tensor.FromStrings(new long[0], new[] { "alone" }))
            using (Tensor empty = Tensor.FromStrings(new long[] { 0 }, new string[0]))
            using (Tensor floats = Tensor.Copy(new float[] { 1 }, 1))
            using (Tensor noFloats = Tensor.Copy(new float[0], 0))
            {
                Assert.That(scalar.Shape, Is.Empty);
                Assert.That(scalar.ToStringArray(), Is.EqualTo(new[] { "alone" }));
                Assert.That(empty.ToStringArray(), Is.Empty);
                Assert.That(CodeOf(() => floats.ToStringArray()), Is.EqualTo(ErrorCode.TypeMismatch));
                Assert.That(CodeOf(() => noFloats.ToStringArray()), Is.EqualTo(ErrorCode.TypeMismatch));
            }
            // Core's rules, core's codes: the count against the shape, and UTF-8 (a lone surrogate has none).
            Assert.That(CodeOf(() => Tensor.FromStrings(new long[] { 3 }, new[] { "a", "b" })), Is.EqualTo(ErrorCode.BufferSizeMismatch));
            var bad = Assert.Throws<OnyxException>(() => Tensor.FromStrings(new long[] { 2 }, new[] { "fine", "bad \ud800 half" }));
            Assert.That(bad.ErrorCode, Is.EqualTo(ErrorCode.InvalidUtf8));
            Assert.That(bad.Message, Contains.Substring("element 1"), "the message names the element");
            // A valid surrogate pair is one character, not an error.
            using (Tensor pair = Tensor.FromStrings(new long[] { 1 }, new[] { "\ud83e\udd80" }))
                Assert.That(pair.ToStringArray(), Is.EqualTo(new[] { "🦀" }));
            Assert.Throws<ArgumentNullException>(() => Tensor.FromStrings(null, new string[0]));
            Assert.Throws<ArgumentNullException>(() => Tensor.FromStrings(new long[] { 0 }, null));
            Assert.Throws<ArgumentException>(() => Tensor.FromStrings(new long[] { 1 }, new string[] { null }));
        }

        [Test]
        public void RawByteElementTypesTravelAsPackedBytes()
        {
            // int4: two per byte, low nibble first: elements 1, 2, 3, 4 (ONNX's packing).
            var packed = new byte[] { 0x21, 0x43 };
            using (Tensor t = Tensor.Copy(ElementType.Int4, packed, 4))
            {
                Assert.That(t.ElementType, Is.EqualTo(ElementType.Int4));
                Assert.That(t.ElementCount, Is.EqualTo(4));
                Assert.That(t.ByteLength, Is.EqualTo(2));
                Assert.That(t.ToArray<byte>(), Is.EqualTo(packed));
            }
            // uint2: four per byte; 5 elements take 2 bytes.
            using (Tensor t = Tensor.Copy(ElementType.UInt2, new byte[] { 0xE4, 0x01 }, 5))
                Assert.That(t.ToArray<byte>(), Is.EqualTo(new byte[] { 0xE4, 0x01 }));
            using (Tensor t = Tensor.Copy(ElementType.Float8E4M3FN, new byte[] { 0x38, 0xB8, 0x00 }, 3))
            {
                Assert.That(t.ByteLength, Is.EqualTo(3));
                Assert.That(t.ToArray<byte>(), Is.EqualTo(new byte[] { 0x38, 0xB8, 0x00 }));
            }
            Assert.That(CodeOf(() => Tensor.Copy(ElementType.Int4, new byte[3], 4)), Is.EqualTo(ErrorCode.BufferSizeMismatch));
            Assert.Throws<ArgumentException>(() => Tensor.Copy(ElementType.Int4, new float[1], 2));
        }

        [Test]
        public void AValueOwnsTheTensorItIsMadeOf()
        {
            long before = BindingTests.Live();
            float[] data = { 1.5f, -2.5f, 3.5f };
            Tensor t = Tensor.Borrow(data, 3);
            using (Value v = Value.Of(t))
            {
                // Taken over: the tensor itself reads as disposed, and disposing it again does nothing.
                Assert.Throws<ObjectDisposedException>(() => { var unused = t.Shape; });
                t.Dispose();
                Assert.That(v.Kind, Is.EqualTo(ValueKind.Tensor));
                // The borrowed array stays pinned as long as the value lives.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Assert.That(v.Tensor.ToArray<float>(), Is.EqualTo(data));
                Assert.That(v.Tensor.IsReadOnly, Is.True);
                Assert.That(v.Tensor, Is.SameAs(v.Tensor));
                // A value's tensor is the value's: disposing it does nothing, and it cannot be given away.
                v.Tensor.Dispose();
                Assert.That(v.Tensor.ToArray<float>(), Is.EqualTo(data));
                Assert.Throws<ArgumentException>(() => Value.Of(v.Tensor));
                Assert.That(CodeOf(() => { var unused = v.Items; }), Is.EqualTo(ErrorCode.TypeMismatch));
                Assert.That(CodeOf(() => { var unused = v.Keys; }), Is.EqualTo(ErrorCode.TypeMismatch));
                Assert.That(CodeOf(() => v.ToDictionary()), Is.EqualTo(ErrorCode.TypeMismatch));
                Assert.That(CodeOf(() => { var unused = v.Item; }), Is.EqualTo(ErrorCode.TypeMismatch));
            }
            Assert.That(BindingTests.Live(), Is.EqualTo(before), "the value freed its tensor");
            Assert.Throws<ArgumentNullException>(() => Value.Of(null));
        }

        [Test]
        public void WhatAValueLendsEndsWithIt()
        {
            Value v = Value.Sequence(new[] { Value.Of(Tensor.Copy(new long[] { 7 }, 1)) });
            Value item = v.Items[0];
            Tensor tensor = item.Tensor;
            item.Dispose(); // an item is its sequence's: nothing happens
            Assert.That(tensor.ToArray<long>(), Is.EqualTo(new long[] { 7 }));
            v.Dispose();
            v.Dispose();
            Assert.Throws<ObjectDisposedException>(() => tensor.ToArray<long>());
            Assert.Throws<ObjectDisposedException>(() => { var unused = item.Kind; });
            Assert.Throws<ObjectDisposedException>(() => { var unused = v.Items; });
            Assert.That(v.ToString(), Is.EqualTo("Value (disposed)"));
        }

        [Test]
        public void GivingAValueAwayEndsWhatItLent()
        {
            long before = BindingTests.Live();
            Value item = Value.Of(Tensor.Copy(new[] { 4L, 5L }, 2));
            Tensor lent = item.Tensor;
            Assert.That(lent.ToArray<long>(), Is.EqualTo(new[] { 4L, 5L }));
            using (Value optional = Value.Optional(item))
            {
                // The native value moved into the optional: the old loan is over, the new owner reads it.
                Assert.Throws<ObjectDisposedException>(() => lent.ToArray<long>());
                Assert.Throws<ObjectDisposedException>(() => { var unused = item.Tensor; });
                Assert.That(optional.Item.Tensor.ToArray<long>(), Is.EqualTo(new[] { 4L, 5L }));
                // What the optional lends stays its own.
                Assert.Throws<ArgumentException>(() => Value.Optional(optional.Item));
                using (Tensor values = Tensor.Copy(new[] { 1f, 2f }, 2))
                {
                    Assert.Throws<ArgumentException>(() => Value.Map(optional.Item.Tensor, values));
                    Assert.That(values.ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }), "a refused map takes nothing");
                }
            }
            Assert.That(BindingTests.Live(), Is.EqualTo(before));
        }

        [Test]
        public void SequencesHoldValuesOfOneType()
        {
            long before = BindingTests.Live();
            Value a = Value.Of(Tensor.Copy(new[] { 1f, 2f }, 2));
            Value b = Value.Of(Tensor.Copy(new[] { 3f }, 1));
            using (Value seq = Value.Sequence(new List<Value> { a, b }))
            {
                Assert.Throws<ObjectDisposedException>(() => { var unused = a.Kind; }, "items are taken over");
                Assert.That(seq.Kind, Is.EqualTo(ValueKind.Sequence));
                Assert.That(seq.Items.Count, Is.EqualTo(2));
                Assert.That(seq.Items.Select(i => i.Kind), Is.All.EqualTo(ValueKind.Tensor));
                Assert.That(seq.Items[0].Tensor.ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
                Assert.That(seq.Items[1].Tensor.ToArray<float>(), Is.EqualTo(new[] { 3f }));
                Assert.That(CodeOf(() => { var unused = seq.Tensor; }), Is.EqualTo(ErrorCode.TypeMismatch));
                // An item belongs to its sequence: it cannot go into another one.
                Assert.Throws<ArgumentException>(() => Value.Sequence(new[] { seq.Items[0] }));
            }
            using (Value empty = Value.Sequence(new Value[0]))
            {
                Assert.That(empty.Kind, Is.EqualTo(ValueKind.Sequence));
                Assert.That(empty.Items, Is.Empty);
            }
            // Mixed types: core's TYPE_MISMATCH, naming the first item that differs; the items are gone too.
            Value f = Value.Of(Tensor.Copy(new[] { 1f }, 1));
            Value l = Value.Of(Tensor.Copy(new[] { 1L }, 1));
            var mixed = Assert.Throws<OnyxException>(() => Value.Sequence(new[] { f, l }));
            Assert.That(mixed.ErrorCode, Is.EqualTo(ErrorCode.TypeMismatch));
            Assert.That(mixed.Message, Contains.Substring("item 1"));
            Assert.Throws<ObjectDisposedException>(() => { var unused = l.Kind; });
            // .NET's own misuse.
            Value twice = Value.Of(Tensor.Copy(new[] { 1f }, 1));
            Assert.Throws<ArgumentException>(() => Value.Sequence(new[] { twice, twice }));
            Assert.Throws<ArgumentException>(() => Value.Sequence(new Value[] { null }));
            Assert.Throws<ArgumentNullException>(() => Value.Sequence(null));
            twice.Dispose();
            Assert.That(BindingTests.Live(), Is.EqualTo(before));
        }

        [Test]
        public void MapsReadAsDotNetDictionaries()
        {
            using (Value map = Value.Map(Tensor.FromStrings(new long[] { 3 }, new[] { "cat", "dog", "bird" }), Tensor.Copy(new[] { 0.5f, 0.25f, 0.25f }, 3)))
            {
                Assert.That(map.Kind, Is.EqualTo(ValueKind.Map));
                Assert.That(map.Keys.ToStringArray(), Is.EqualTo(new[] { "cat", "dog", "bird" }));
                Assert.That(map.Values.ToArray<float>(), Is.EqualTo(new[] { 0.5f, 0.25f, 0.25f }));
                IReadOnlyDictionary<object, object> d = map.ToDictionary();
                Assert.That(d.Count, Is.EqualTo(3));
                Assert.That(d["cat"], Is.EqualTo(0.5f));
                Assert.That(d["bird"], Is.InstanceOf<float>());
                Assert.That(d.Keys, Is.EqualTo(new object[] { "cat", "dog", "bird" }), "the map's order");
                Assert.That(CodeOf(() => { var unused = map.Items; }), Is.EqualTo(ErrorCode.TypeMismatch));
            }
            using (Value map = Value.Map(Tensor.Copy(new[] { 10L, -3L }, 2), Tensor.Copy(new[] { 1.0, 2.0 }, 2)))
            {
                IReadOnlyDictionary<object, object> d = map.ToDictionary();
                Assert.That(d[10L], Is.EqualTo(1.0));
                Assert.That(d[-3L], Is.EqualTo(2.0));
            }
            using (Value map = Value.Map(Tensor.Copy(new[] { 1, 2 }, 2), Tensor.FromStrings(new long[] { 2 }, new[] { "x", "y" })))
                Assert.That(map.ToDictionary()[2L], Is.EqualTo("y"), "int32 keys read as long");
            // Core's rules: as many values as keys, integer or string keys.
            Assert.That(CodeOf(() => Value.Map(Tensor.Copy(new[] { 1L, 2L }, 2), Tensor.Copy(new[] { 1f }, 1))), Is.EqualTo(ErrorCode.InvalidArgument));
            Assert.That(CodeOf(() => Value.Map(Tensor.Copy(new[] { 1f }, 1), Tensor.Copy(new[] { 1f }, 1))), Is.EqualTo(ErrorCode.TypeMismatch));
            Tensor same = Tensor.Copy(new[] { 1L }, 1);
            Assert.Throws<ArgumentException>(() => Value.Map(same, same));
            same.Dispose();
        }

        [Test]
        public void OptionalsArePresentOrNull()
        {
            using (Value absent = Value.Optional(null))
            {
                Assert.That(absent.Kind, Is.EqualTo(ValueKind.Optional));
                Assert.That(absent.Item, Is.Null);
                Assert.That(absent.Items, Is.Empty);
            }
            using (Value present = Value.Optional(Value.Of(Tensor.FromStrings(new long[] { 1 }, new[] { "here" }))))
            {
                Assert.That(present.Item, Is.Not.Null);
                Assert.That(present.Item.Kind, Is.EqualTo(ValueKind.Tensor));
                Assert.That(present.Item.Tensor.ToStringArray(), Is.EqualTo(new[] { "here" }));
                Assert.That(present.Items.Count, Is.EqualTo(1));
            }
        }

        [Test]
        public void FullTypesPrintInOnnxNotation()
        {
            using (var session = Session.FromFile(Sklearn("classifier", "model.onnx")))
            {
                ValueInfo input = session.Inputs[0];
                Assert.That(input.ValueType.ToString(), Is.EqualTo("tensor(float)"));
                Assert.That(input.ValueType.Kind, Is.EqualTo(ValueKind.Tensor));
                Assert.That(input.ValueType.ElementType, Is.EqualTo(ElementType.Float32));
                Assert.That(input.ValueType.Item, Is.Null);
                ValueInfo label = session.Outputs.Single(o => o.Name == "output_label");
                Assert.That(label.ValueType.ToString(), Is.EqualTo("tensor(string)"));
                Assert.That(label.ElementType, Is.EqualTo(ElementType.String));
                // skl2onnx's ZipMap output: a sequence of maps from class label to probability.
                ValueInfo probabilities = session.Outputs.Single(o => o.Name == "output_probability");
                OnyxValueType type = probabilities.ValueType;
                Assert.That(probabilities.Kind, Is.EqualTo(ValueKind.Sequence));
                Assert.That(type.ToString(), Is.EqualTo("seq(map(string,tensor(float)))"));
                Assert.That(type.Kind, Is.EqualTo(ValueKind.Sequence));
                Assert.That(type.Item.Kind, Is.EqualTo(ValueKind.Map));
                Assert.That(type.Item.ToString(), Is.EqualTo("map(string,tensor(float))"));
                Assert.That(type.Item.KeyType, Is.EqualTo(ElementType.String));
                Assert.That(type.Item.ElementType, Is.EqualTo(ElementType.Float32));
                Assert.That(type.Item.Item.ToString(), Is.EqualTo("tensor(float)"));
                Assert.That(type.Item.Item.Item, Is.Null);
            }
        }

        [Test]
        public void RunValuesGivesTheClassifiersLabelsAndProbabilities()
        {
            string[] labels = ReadStrings(Sklearn("classifier", "output_label.bin"));
            using (var session = Session.FromFile(Sklearn("classifier", "model.onnx")))
            using (Value input = Value.Of(Tensor.Copy(ReadFloats(Sklearn("classifier", "input.bin")), 4, 4)))
            {
                var inputs = new Dictionary<string, Value> { { "input", input } };
                using (RunOutputs<Value> outputs = session.RunValues(inputs))
                {
                    Assert.That(outputs.Names, Is.EqualTo(new[] { "output_label", "output_probability" }));
                    Assert.That(outputs["output_label"].Tensor.ToStringArray(), Is.EqualTo(labels));
                    IReadOnlyList<Value> rows = outputs["output_probability"].Items;
                    Assert.That(rows.Count, Is.EqualTo(4));
                    for (int row = 0; row < 4; row++)
                    {
                        string[] keys = ReadStrings(Sklearn("classifier", "output_probability_" + row + "_keys.bin"));
                        float[] values = ReadFloats(Sklearn("classifier", "output_probability_" + row + "_values.bin"));
                        IReadOnlyDictionary<object, object> probabilities = rows[row].ToDictionary();
                        Assert.That(probabilities.Keys, Is.EqualTo(keys));
                        for (int k = 0; k < keys.Length; k++)
                            Assert.That((float)probabilities[keys[k]], Is.EqualTo(values[k]).Within(1e-5f), "row " + row + " " + keys[k]);
                    }
                }
                // The input stays the caller's, and one output alone can be asked for.
                using (RunOutputs<Value> only = session.RunValues(inputs, new[] { "output_label" }))
                {
                    Assert.That(only.Count, Is.EqualTo(1));
                    Assert.That(only[0].Tensor.ToStringArray(), Is.EqualTo(labels));
                }
                using (var cts = new CancellationTokenSource())
                using (RunOutputs<Value> again = session.RunValues(inputs, cts.Token, new[] { "output_label" }))
                    Assert.That(again[0].Tensor.ToStringArray(), Is.EqualTo(labels));
                // An absent optional for a required input is a missing input.
                using (Value none = Value.Optional(null))
                    Assert.That(CodeOf(() => session.RunValues(new Dictionary<string, Value> { { "input", none } })), Is.EqualTo(ErrorCode.MissingInput));
                Assert.That(CodeOf(() => session.RunValues(new Dictionary<string, Value> { { "nope", input } })), Is.EqualTo(ErrorCode.UnknownInput));
                Assert.Throws<ArgumentException>(() => session.RunValues(new Dictionary<string, Value> { { "input", null } }));
                Assert.Throws<ArgumentNullException>(() => session.RunValues(null));
            }
        }

        [Test]
        public void RunValuesTakesStringInputs()
        {
            string[] text = ReadStrings(Sklearn("text", "text.bin"));
            using (var session = Session.FromFile(Sklearn("text", "model.onnx")))
            {
                Assert.That(session.Inputs[0].ValueType.ToString(), Is.EqualTo("tensor(string)"));
                using (Value input = Value.Of(Tensor.FromStrings(new long[] { 4, 1 }, text)))
                using (RunOutputs<Value> outputs = session.RunValues(new Dictionary<string, Value> { { session.Inputs[0].Name, input } }))
                    Assert.That(outputs["output_label"].Tensor.ToStringArray(), Is.EqualTo(ReadStrings(Sklearn("text", "output_label.bin"))));
                Value disposed = Value.Of(Tensor.FromStrings(new long[] { 4, 1 }, text));
                disposed.Dispose();
                Assert.Throws<ObjectDisposedException>(() => session.RunValues(new Dictionary<string, Value> { { session.Inputs[0].Name, disposed } }));
            }
        }

        [Test]
        public void SequencesAndOptionalsGoInAndComeOut()
        {
            // ONNX's own backend cases: a sequence in, a longer one out; an optional sequence through Identity.
            foreach (string name in new[] { "test_sequence_insert_at_back", "test_identity_opt", "test_string_concat" })
            {
                string dir = Backend(name);
                using (var options = new SessionOptions())
                    Assert.That(ValueCase.Run(dir, options), Is.Null, name);
            }
            using (var session = Session.FromFile(Path.Combine(Backend("test_identity_opt"), "model.onnx")))
            {
                Assert.That(session.Inputs[0].ValueType.ToString(), Is.EqualTo("optional(seq(tensor(float)))"));
                Assert.That(session.Inputs[0].ValueType.Item.Item.ElementType, Is.EqualTo(ElementType.Float32));
                using (Value input = Value.Optional(Value.Sequence(new[] { Value.Of(Tensor.Copy(new[] { 1f, 2f }, 2)) })))
                using (RunOutputs<Value> outputs = session.RunValues(new Dictionary<string, Value> { { session.Inputs[0].Name, input } }))
                {
                    Value output = outputs[0];
                    Assert.That(output.Kind, Is.EqualTo(ValueKind.Optional));
                    Assert.That(output.Item.Kind, Is.EqualTo(ValueKind.Sequence));
                    Assert.That(output.Item.Items[0].Tensor.ToArray<float>(), Is.EqualTo(new[] { 1f, 2f }));
                }
            }
        }

        [Test]
        public void ValuesNeverDisposedAreFreedByTheFinalizer()
        {
            long before = BindingTests.Live();
            // On a thread of its own, so no stale slot of this stack (Mono scans stacks
            // conservatively) keeps the garbage reachable.
            var thread = new Thread(MakeGarbage);
            thread.Start();
            thread.Join();
            Assert.That(BindingTests.Live(), Is.EqualTo(before));
        }

        private static void MakeGarbage()
        {
            Value seq = Value.Sequence(new[] { Value.Map(Tensor.Copy(new[] { 1L }, 1), Tensor.Borrow(new[] { 2f }, 1)) });
            Assert.That(seq.Items[0].Keys.ToArray<long>(), Is.EqualTo(new[] { 1L }));
            Value.Optional(Value.Of(Tensor.FromStrings(new long[] { 1 }, new[] { "x" })));
        }
    }
}
