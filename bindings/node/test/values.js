'use strict';
// The language-neutral value format (tests/conformance/README.md, tests/suite/README.md
// "Case folders"): reading a case folder (case.txt and its raw files) into JavaScript's
// own values (Tensor, Array, Map, null), running it through Session.runValues and
// comparing what the run gave with it. Shared by the conformance runner
// (test/conformance.js) and the shared suite's `values` cases (test/suite.test.js).
// Mirrors core/tests/values/mod.rs; every expected value comes from the case folder.
const fs = require('fs');
const path = require('path');
const { Session, Tensor, OnyxError, ElementType, Float16, BFloat16 } = require('..');

const STRING = ElementType.string;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A case's `<value>`, parsed: { kind: 'tensor', type, shape, bytes | strings } | { kind: 'sequence', items }
 * | { kind: 'map', keys, values } | { kind: 'optional', item (null: absent) }. */
function parseValue(tokens, dir) {
  const next = () => {
    if (tokens.length === 0) throw new Error('a value ends too early');
    return tokens.shift();
  };
  const kind = next();
  switch (kind) {
    case 'tensor': {
      const type = Number(next());
      const dims = next().replace(/^\[/, '').replace(/\]$/, '');
      const shape = dims === '' ? [] : dims.split(',').map((d) => {
        if (!/^-?\d+$/.test(d)) throw new Error(`bad shape [${dims}]`);
        return Number(d);
      });
      const file = path.join(dir, next());
      const raw = fs.readFileSync(file);
      const bytes = new Uint8Array(raw.byteLength); bytes.set(raw); // own, aligned memory
      if (type !== STRING) return { kind, type, shape, bytes };
      const strings = [];
      for (let at = 0; at < bytes.length;) {
        if (at + 4 > bytes.length) throw new Error(`${file}: truncated string file`);
        const len = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] * 0x1000000);
        if (at + 4 + len > bytes.length) throw new Error(`${file}: truncated string file`);
        strings.push(bytes.subarray(at + 4, at + 4 + len)); // UTF-8 bytes: core checks them
        at += 4 + len;
      }
      return { kind, type, shape, strings };
    }
    case 'sequence': {
      const n = Number(next());
      if (!Number.isInteger(n)) throw new Error('bad sequence length');
      if (n === 0) return { kind, items: [], elementType: Number(next()) };
      const items = [];
      for (let i = 0; i < n; i++) items.push(parseValue(tokens, dir));
      return { kind, items };
    }
    case 'map': {
      const keys = parseValue(tokens, dir); const values = parseValue(tokens, dir);
      if (keys.kind !== 'tensor' || values.kind !== 'tensor') throw new Error('map keys and values must be tensors');
      return { kind, keys, values };
    }
    case 'optional':
      if (tokens[0] === 'none') { tokens.shift(); return { kind, item: null }; }
      return { kind, item: parseValue(tokens, dir) };
    default:
      throw new Error(`unknown value kind '${kind}'`);
  }
}

/** case.txt: { model, expect, inputs: [[name, value]], outputs: [[name, value]] }. */
function readCase(dir) {
  let text;
  try { text = fs.readFileSync(path.join(dir, 'case.txt'), 'utf8'); } catch (e) { throw new Error(`cannot read case.txt: ${e.message}`); }
  const c = { model: '', expect: '', inputs: [], outputs: [] };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.indexOf(' ');
    const key = sp < 0 ? line : line.slice(0, sp); const rest = sp < 0 ? '' : line.slice(sp + 1);
    if (key === 'model') c.model = path.join(dir, rest);
    else if (key === 'expect') c.expect = rest;
    else if (key === 'input' || key === 'output') {
      const tokens = rest.split(' ');
      const name = tokens.shift();
      if (name === undefined) throw new Error('a value line without a name');
      (key === 'input' ? c.inputs : c.outputs).push([name, parseValue(tokens, dir)]);
    }
  }
  return c;
}

/** A tensor's elements as JavaScript values, for a map: int64/uint64 as BigInt, floats (16-bit ones decoded) as numbers. */
function elements(t) {
  if (t.type === STRING) return t.strings.map((s) => utf8.decode(s));
  return Array.from(Tensor.copy(t.bytes, t.shape, t.type).toArray(t.type));
}

/** The parsed value as what Session.runValues takes: a Tensor, an Array, a Map or null. */
function toOnnxValue(v) {
  switch (v.kind) {
    case 'tensor':
      return v.type === STRING ? Tensor.fromStrings(v.shape, v.strings) : Tensor.copy(v.bytes, v.shape, v.type);
    case 'sequence': return v.items.map(toOnnxValue);
    case 'map': {
      const keys = elements(v.keys); const values = elements(v.values);
      const m = new Map();
      for (let i = 0; i < keys.length; i++) m.set(keys[i], typeof values[i] === 'bigint' ? Number(values[i]) : values[i]);
      return m;
    }
    case 'optional': return v.item === null ? null : toOnnxValue(v.item);
    default: throw new Error(`unknown value kind ${v.kind}`);
  }
}

const FLOATS = new Set([ElementType.float, ElementType.double, ElementType.float16, ElementType.bfloat16]);
const close = (g, w) => (Number.isNaN(g) && Number.isNaN(w)) || g === w || Math.abs(g - w) <= 1e-5 + 1e-3 * Math.abs(w);
/** A float tensor's bytes as numbers (float16 / bfloat16 through core's conversions). */
function floats(type, bytes) {
  const b = new Uint8Array(bytes.byteLength); b.set(bytes);
  if (type === ElementType.float) return Array.from(new Float32Array(b.buffer));
  if (type === ElementType.double) return Array.from(new Float64Array(b.buffer));
  const bits = Array.from(new Uint16Array(b.buffer));
  return bits.map(type === ElementType.float16 ? Float16.toFloat : BFloat16.toFloat);
}
const nameOf = (type) => Object.keys(ElementType).find((k) => ElementType[k] === type) || `element type ${type}`;
const shapeText = (s) => `[${s.join(', ')}]`;
const kindOf = (v) => (v === null ? 'absent optional' : v instanceof Tensor ? 'Tensor' : Array.isArray(v) ? 'sequence' : v instanceof Map ? 'map' : typeof v);
const wantKind = { tensor: 'Tensor', sequence: 'sequence', map: 'map', optional: 'optional' };

function compareTensor(got, want, shapeOnly) {
  if (!(got instanceof Tensor)) return `got a ${kindOf(got)}, expected a Tensor`;
  if (got.elementType !== want.type) return `${nameOf(got.elementType)} elements, expected ${nameOf(want.type)}`;
  const shape = got.shape;
  if (shape.length !== want.shape.length || shape.some((d, i) => d !== want.shape[i])) return `shape ${shapeText(shape)}, expected ${shapeText(want.shape)}`;
  if (shapeOnly) return null;
  if (want.type === STRING) {
    const g = got.toStringArray(); const w = want.strings.map((s) => utf8.decode(s));
    if (g.length !== w.length) return `${g.length} strings, expected ${w.length}`;
    const i = g.findIndex((s, k) => s !== w[k]);
    return i < 0 ? null : `string ${i} is ${JSON.stringify(g[i])}, expected ${JSON.stringify(w[i])}`;
  }
  const gotBytes = got.toArray(got.elementType); // a copy, as the tensor's own TypedArray
  const g8 = new Uint8Array(gotBytes.buffer, gotBytes.byteOffset, gotBytes.byteLength);
  if (FLOATS.has(want.type)) {
    const g = floats(want.type, g8); const w = floats(want.type, want.bytes);
    if (g.length !== w.length) return `${g.length} elements, expected ${w.length}`;
    for (let i = 0; i < w.length; i++) {
      if (!close(g[i], w[i])) return `element ${i} is ${g[i]}, expected ${w[i]} (atol 1e-5, rtol 1e-3)`;
    }
    return null;
  }
  if (g8.length !== want.bytes.length) return `${g8.length} bytes, expected ${want.bytes.length}`;
  for (let i = 0; i < g8.length; i++) {
    if (g8[i] !== want.bytes[i]) return `byte ${i} is ${g8[i]}, expected ${want.bytes[i]} (${nameOf(want.type)} elements compare exactly)`;
  }
  return null;
}

/** A JS Map against the recorded key and value tensors: the keys in the recorded order
 * (a BigInt for int64/uint64 keys, a string for string keys), values as numbers. */
function compareMap(got, want, shapeOnly) {
  if (!(got instanceof Map)) return `got a ${kindOf(got)}, expected a map`;
  const keys = elements(want.keys); const values = elements(want.values);
  if (got.size !== keys.length) return `map of ${got.size} entries, expected ${keys.length}`;
  let i = 0;
  for (const [k, v] of got) {
    const wk = keys[i]; const wv = values[i];
    if (typeof k !== typeof wk) return `map key ${i} is a ${typeof k}, expected a ${typeof wk} (${nameOf(want.keys.type)})`;
    if (!shapeOnly) {
      if (k !== wk) return `map keys: key ${i} is ${String(k)}, expected ${String(wk)}`;
      const floating = FLOATS.has(want.values.type);
      const ok = floating ? close(v, wv) : v === wv || (typeof wv === 'bigint' && v === Number(wv));
      if (!ok) return `map values: value ${i} (key ${String(k)}) is ${v}, expected ${wv}`;
    }
    i++;
  }
  return null;
}

/** null when `got` matches `want` (kinds, element types and shapes; values too unless `shapeOnly`), else why not. */
function compare(got, want, shapeOnly) {
  switch (want.kind) {
    case 'tensor': return compareTensor(got, want, shapeOnly);
    case 'sequence': {
      if (!Array.isArray(got)) return `got a ${kindOf(got)}, expected a sequence`;
      if (got.length !== want.items.length) return `sequence of ${got.length} items, expected ${want.items.length}`;
      for (let i = 0; i < got.length; i++) {
        const why = compare(got[i], want.items[i], shapeOnly);
        if (why) return `item ${i}: ${why}`;
      }
      return null;
    }
    case 'map': return compareMap(got, want, shapeOnly);
    case 'optional':
      // Node gives an absent optional as null and a present one as its value.
      if (want.item === null) return got === null ? null : `optional is present (a ${kindOf(got)}), expected absent`;
      if (got === null) return 'optional is absent, expected present';
      return compare(got, want.item, shapeOnly);
    default: return `unknown expected kind ${wantKind[want.kind] || want.kind}`;
  }
}

/** Runs the case folder `dir` (sessions made with `options`); resolves to null when it
 * passes, else to why not (one line is the caller's business). */
async function runCase(dir, options) {
  let c;
  try { c = readCase(dir); } catch (e) { return e.message; }
  let got; let failure;
  try {
    const session = Session.createSync(c.model, options);
    const inputs = {};
    for (const [name, v] of c.inputs) inputs[name] = toOnnxValue(v);
    const names = c.outputs.map(([name]) => name);
    got = await session.runValues(inputs, names.length ? { outputs: names } : {});
  } catch (e) {
    failure = e;
  }
  const expect = c.expect;
  if (expect === 'error') {
    if (failure === undefined) return "ONNX Runtime's Python binding fails on this case, but Onyx ran it";
    return failure instanceof OnyxError ? null : `failed with a ${failure && failure.name} that is not an OnyxError: ${failure && failure.message}`;
  }
  if (!['pass', 'ort_values', 'unstable'].includes(expect)) return `unknown expectation '${expect}'`;
  if (failure !== undefined) {
    return failure instanceof OnyxError ? `[${failure.code}] ${failure.message}` : `${failure && failure.name}: ${failure && failure.message}`;
  }
  for (const [name, want] of c.outputs) {
    const why = compare(got[name], want, expect === 'unstable');
    if (why) return `output '${name}': ${why}`;
  }
  return null;
}

module.exports = { readCase, parseValue, toOnnxValue, compare, runCase };
