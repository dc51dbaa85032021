'use strict';
// Values beyond numeric tensors: string tensors, sequences (Arrays), maps (Maps), absent
// optionals (null), Session.runValues, ValueInfo.valueType, the new element types, and
// kernels' int attributes as BigInt. Expected values come from the scikit-learn case folders
// (ONNX Runtime's Python binding), ONNX's operator definitions and ONNX's numbering.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const onyx = require('..');
const { Session, Tensor, OnyxError, ElementType, Operator } = onyx;
const { readCase, toOnnxValue, compare } = require('./values');
const { model, type, attribute } = require('./onnx-model');

const SUITE = process.env.ONYX_SUITE_DIR || path.join(__dirname, '..', '..', '..', 'tests', 'suite');
const SKLEARN = path.join(SUITE, 'fixtures', 'sklearn');

async function rejects(promise, code, ...contains) {
  let err;
  try { await promise; } catch (e) { err = e; }
  assert.ok(err instanceof OnyxError, `expected an OnyxError ${code}, got ${err && err.stack}`);
  assert.strictEqual(err.code, code, err.message);
  assert.strictEqual(err.number, onyx.ErrorCode[code]);
  for (const text of contains) assert.ok(err.message.includes(text), `'${err.message}' lacks '${text}'`);
  return err;
}
const throws = (fn, code, ...contains) => rejects((async () => fn())(), code, ...contains);

// ONNX's TensorProto.DataType numbers (onnx.proto).
const FLOAT = 1; const INT64 = 7; const STRING = 8; const BOOL = 9;

test('ElementType has every ONNX element type Onyx holds, by ONNX number', () => {
  const onnx = {
    float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, double: 11,
    uint32: 12, uint64: 13, bfloat16: 16, float8e4m3fn: 17, float8e4m3fnuz: 18, float8e5m2: 19, float8e5m2fnuz: 20,
    uint4: 21, int4: 22, float4e2m1: 23, float8e8m0: 24, uint2: 25, int2: 26,
  };
  assert.deepStrictEqual({ ...ElementType }, onnx);
});

test('sub-byte and float8 tensors are raw bytes, packed', () => {
  // 4-bit: two per byte; 2-bit: four per byte; float8: one per byte (the value format's packing).
  const int4 = Tensor.zeros('int4', [3]);
  assert.strictEqual(int4.byteLength, 2); assert.strictEqual(int4.elementCount, 3);
  assert.ok(int4.data instanceof Uint8Array);
  assert.strictEqual(Tensor.zeros('uint2', [5]).byteLength, 2);
  assert.strictEqual(Tensor.zeros(ElementType.float8e5m2, [2, 3]).byteLength, 6);
  const packed = Tensor.copy(new Uint8Array([0x21, 0x03]), [3], 'uint4');
  assert.deepStrictEqual(Array.from(packed.toArray('uint4')), [0x21, 0x03]);
  return throws(() => Tensor.copy(new Uint8Array(3), [3], 'int4'), 'BUFFER_SIZE_MISMATCH');
});

test('string tensors: copies of JavaScript strings in, the same strings out', async () => {
  const words = ['', 'hello', 'ünïcödé ✓', 'a\u0000b', '𝄞 clef'];
  const t = Tensor.fromStrings([5], words);
  assert.strictEqual(t.elementType, STRING);
  assert.strictEqual(t.elementTypeName, 'string');
  assert.deepStrictEqual(t.shape, [5]);
  assert.strictEqual(t.elementCount, 5);
  const out = t.toStringArray();
  assert.deepStrictEqual(out, words);
  out[0] = 'changed'; // a copy
  assert.strictEqual(t.toStringArray()[0], '');
  // UTF-8 bytes are strings too, checked by core.
  const bytes = Tensor.fromStrings([2], [new Uint8Array([0x63, 0x61, 0x74]), 'dog']);
  assert.deepStrictEqual(bytes.toStringArray(), ['cat', 'dog']);
  assert.deepStrictEqual(Tensor.zeros('string', [2, 2]).toStringArray(), ['', '', '', '']);
  await throws(() => Tensor.fromStrings([2], ['ok', new Uint8Array([0x61, 0xff])]), 'INVALID_UTF8', 'element 1');
  await throws(() => Tensor.fromStrings([3], ['a', 'b']), 'BUFFER_SIZE_MISMATCH');
  await throws(() => Tensor.zeros('float', [2]).toStringArray(), 'TYPE_MISMATCH');
  await throws(() => t.data, 'TYPE_MISMATCH', 'read its strings');
  await throws(() => t.toArray('float'), 'TYPE_MISMATCH');
});

test('ValueInfo.valueType is the full type in ONNX notation (the scikit-learn classifier: ZipMap probabilities)', () => {
  const s = Session.createSync(path.join(SKLEARN, 'classifier', 'model.onnx'));
  assert.deepStrictEqual(s.inputs.map((v) => v.valueType), ['tensor(float)']);
  assert.deepStrictEqual(s.outputs.map((v) => [v.name, v.valueType]), [['output_label', 'tensor(string)'], ['output_probability', 'seq(map(string,tensor(float)))']]);
  assert.strictEqual(s.output(1).valueType, 'seq(map(string,tensor(float)))');
});

for (const name of ['classifier', 'text']) {
  test(`runValues on the scikit-learn ${name}: string labels and an Array of Maps, as ONNX Runtime's Python binding gives them`, async () => {
    const dir = path.join(SKLEARN, name);
    const c = readCase(dir);
    const s = await Session.create(c.model);
    const inputs = Object.fromEntries(c.inputs.map(([n, v]) => [n, toOnnxValue(v)]));
    const out = await s.runValues(inputs);
    assert.deepStrictEqual(Object.keys(out), c.outputs.map(([n]) => n));
    for (const [n, want] of c.outputs) assert.strictEqual(compare(out[n], want, false), null, n);
    const labels = out.output_label.toStringArray();
    assert.ok(labels.every((l) => typeof l === 'string'));
    assert.ok(Array.isArray(out.output_probability) && out.output_probability.every((m) => m instanceof Map));
    for (const m of out.output_probability) {
      assert.ok([...m.keys()].every((k) => typeof k === 'string'));
      const sum = [...m.values()].reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `probabilities sum to ${sum}`);
    }
    // Only the labels: a plain run gives string tensors too (string inputs included).
    const labelsOnly = await s.run(inputs, { outputs: ['output_label'] });
    assert.deepStrictEqual(labelsOnly.output_label.toStringArray(), labels);
    const viaValues = await s.runValues(inputs, { outputs: ['output_label'] });
    assert.deepStrictEqual(Object.keys(viaValues), ['output_label']);
    // A tensor run cannot give the sequence of maps.
    await rejects(s.run(inputs), 'TYPE_MISMATCH', 'output_probability');
  });
}

test('a string tensor fed to the text model must be a string tensor; absent is MISSING_INPUT', async () => {
  const s = await Session.create(path.join(SKLEARN, 'text', 'model.onnx'));
  assert.strictEqual(s.inputs[0].valueType, 'tensor(string)');
  await rejects(s.runValues({ text: null }), 'MISSING_INPUT', 'text');
  await rejects(s.runValues({}), 'MISSING_INPUT');
  await rejects(s.runValues({ text: Tensor.zeros('float', [1, 1]) }), 'TYPE_MISMATCH');
  await rejects(s.runValues({ text: 'not a value' }), 'INVALID_ARGUMENT');
  await rejects(s.runValues({ nope: Tensor.fromStrings([1, 1], ['x']) }), 'UNKNOWN_INPUT');
  const ac = new AbortController(); ac.abort();
  await rejects(s.runValues({ text: Tensor.fromStrings([1, 1], ['x']) }, { signal: ac.signal }), 'CANCELLED');
});

// --- hand-written models: ONNX's operators say what they give --------------------------

const ML = { '': 18, 'ai.onnx.ml': 3 };

test('maps in: a JS Map (BigInt keys for int64, string keys) becomes the model\'s map (DictVectorizer)', async () => {
  const ints = Session.createSync(model({
    op: 'DictVectorizer', domain: 'ai.onnx.ml', opsets: ML,
    inputs: [['x', type.map(INT64, type.tensor(FLOAT))]], outputs: [['y', type.tensor(FLOAT)]],
    attributes: [attribute.ints('int64_vocabulary', [1, 2, 3])],
  }));
  assert.strictEqual(ints.inputs[0].valueType, 'map(int64,tensor(float))');
  // DictVectorizer: one column per vocabulary entry, the map's value there, 0 elsewhere.
  const y = (await ints.runValues({ x: new Map([[3n, 4], [2n, 0.5]]) })).y;
  assert.deepStrictEqual(Array.from(y.toFloat32Array()), [0, 0.5, 4]);
  await rejects(ints.runValues({ x: new Map([['2', 0.5]]) }), 'TYPE_MISMATCH', 'map key 0');
  await rejects(ints.runValues({ x: new Map([[2, 0.5]]) }), 'INVALID_ARGUMENT', 'BigInt');
  await rejects(ints.runValues({ x: new Map([[2n, 'a']]) }), 'INVALID_ARGUMENT', 'numbers');

  const strings = Session.createSync(model({
    op: 'DictVectorizer', domain: 'ai.onnx.ml', opsets: ML,
    inputs: [['x', type.map(STRING, type.tensor(FLOAT))]], outputs: [['y', type.tensor(FLOAT)]],
    attributes: [attribute.strings('string_vocabulary', ['a', 'b', 'c'])],
  }));
  const z = (await strings.runValues({ x: new Map([['c', 1.5], ['a', -2]]) })).y;
  assert.deepStrictEqual(Array.from(z.toFloat32Array()), [-2, 0, 1.5]);
  await rejects(strings.runValues({ x: new Map([[1n, 1]]) }), 'TYPE_MISMATCH');
});

test('sequences: an Array in (SequenceLength), an Array out (SequenceConstruct), one item type', async () => {
  const length = Session.createSync(model({
    op: 'SequenceLength', opsets: { '': 18 },
    inputs: [['s', type.seq(type.tensor(FLOAT))]], outputs: [['n', type.tensor(INT64, [])]],
  }));
  assert.strictEqual(length.inputs[0].valueType, 'seq(tensor(float))');
  const three = [Tensor.zeros('float', [1]), Tensor.zeros('float', [2, 2]), Tensor.copy(new Float32Array([1, 2]), [2])];
  const n = (await length.runValues({ s: three })).n;
  assert.deepStrictEqual(Array.from(n.toArray('int64')), [3n]);
  await rejects(length.runValues({ s: [Tensor.zeros('float', [1]), Tensor.zeros('int64', [1])] }), 'TYPE_MISMATCH', 'item 1');
  await rejects(length.runValues({ s: null }), 'MISSING_INPUT');

  const construct = Session.createSync(model({
    op: 'SequenceConstruct', opsets: { '': 18 },
    inputs: [['a', type.tensor(FLOAT)], ['b', type.tensor(FLOAT)]], outputs: [['s', type.seq(type.tensor(FLOAT))]],
  }));
  const s = (await construct.runValues({ a: Tensor.copy(new Float32Array([1, 2, 3]), [3]), b: Tensor.copy(new Float32Array([4]), [1, 1]) })).s;
  assert.ok(Array.isArray(s)); assert.strictEqual(s.length, 2);
  assert.deepStrictEqual(s.map((t) => t.shape), [[3], [1, 1]]);
  assert.deepStrictEqual(s.map((t) => Array.from(t.toFloat32Array())), [[1, 2, 3], [4]]);
});

test('optionals: null is an absent optional, a value a present one (OptionalHasElement)', async () => {
  const has = Session.createSync(model({
    op: 'OptionalHasElement', opsets: { '': 18 },
    inputs: [['x', type.optional(type.tensor(FLOAT))]], outputs: [['y', type.tensor(BOOL, [])]],
  }));
  assert.strictEqual(has.inputs[0].valueType, 'optional(tensor(float))');
  const present = (await has.runValues({ x: Tensor.zeros('float', [2]) })).y;
  assert.deepStrictEqual(Array.from(present.data), [1]);
  const absent = (await has.runValues({ x: null })).y;
  assert.deepStrictEqual(Array.from(absent.data), [0]);

  const wrap = Session.createSync(model({
    op: 'Optional', opsets: { '': 18 },
    inputs: [['x', type.tensor(FLOAT)]], outputs: [['y', type.optional(type.tensor(FLOAT))]],
  }));
  const y = (await wrap.runValues({ x: Tensor.copy(new Float32Array([7]), [1]) })).y;
  assert.ok(y instanceof Tensor);
  assert.deepStrictEqual(Array.from(y.toFloat32Array()), [7]);
});

// --- kernels' attributes -------------------------------------------------------------

const HOST = { 'dev.onyx.test': 1, '': 18 };
const BIG = 9007199254740993n; // 2^53 + 1: no JS number holds it

test('a kernel reads an INT attribute as a BigInt (int64), exactly', async () => {
  let seen;
  const op = new Operator({ domain: 'dev.onyx.test', name: 'AddInt', inputs: ['float'], outputs: ['float'], attributes: { k: 'int', alpha: 'float' } }, (ctx) => {
    seen = [ctx.attribute('k'), ctx.attribute('alpha')];
    const x = ctx.input(0); const y = ctx.output(0, x.dims);
    for (let i = 0; i < y.length; i++) y[i] = x.data[i] + Number(seen[0] - BIG) + seen[1];
  });
  const bytes = model({
    op: 'AddInt', domain: 'dev.onyx.test', opsets: HOST,
    inputs: [['x', type.tensor(FLOAT, [2])]], outputs: [['y', type.tensor(FLOAT, [2])]],
    attributes: [attribute.int('k', BIG + 5n), attribute.float('alpha', 0.5)],
  });
  const s = await Session.create(bytes, { operators: [op] });
  const y = (await s.run({ x: Tensor.copy(new Float32Array([1, 2]), [2]) })).y;
  assert.strictEqual(typeof seen[0], 'bigint');
  assert.strictEqual(seen[0], BIG + 5n);
  assert.strictEqual(typeof seen[1], 'number');
  assert.deepStrictEqual(Array.from(y.toFloat32Array()), [6.5, 7.5]);
});

test('an attribute the operator does not declare is core\'s INVALID_ARGUMENT, through the kernel', async () => {
  let caught;
  const op = new Operator({ domain: 'dev.onyx.test', name: 'AddInt', inputs: ['float'], outputs: ['float'], attributes: { k: 'int' } }, (ctx) => {
    try { ctx.attribute('gamma'); } catch (e) { caught = e; throw e; }
  });
  const bytes = model({
    op: 'AddInt', domain: 'dev.onyx.test', opsets: HOST,
    inputs: [['x', type.tensor(FLOAT, [2])]], outputs: [['y', type.tensor(FLOAT, [2])]],
    attributes: [attribute.int('k', 1)],
  });
  const s = await Session.create(bytes, { operators: [op] });
  const err = await rejects(s.run({ x: Tensor.zeros('float', [2]) }), 'INVALID_ARGUMENT', "attribute 'gamma'", 'dev.onyx.test::AddInt', 'k');
  assert.ok(caught instanceof OnyxError && caught.code === 'INVALID_ARGUMENT');
  assert.ok(err.message.includes(caught.message), `the run's '${err.message}' carries the kernel's '${caught.message}'`);
});
