'use strict';
// Tiny ONNX models written byte by byte (protobuf wire format, onnx.proto's field numbers)
// for the value tests: a graph of one node, its inputs and outputs typed in full.
// Nothing here knows what a run gives: the tests say what ONNX's operators define.

function varint(n) {
  let v = BigInt.asUintN(64, BigInt(n));
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}
const tag = (field, wire) => varint((field << 3) | wire);
const bytesOf = (x) => (typeof x === 'string' ? Array.from(Buffer.from(x, 'utf8')) : Array.from(x));
/** Field `field` as a length-delimited message, string or bytes. */
const len = (field, content) => { const b = bytesOf(content); return [...tag(field, 2), ...varint(b.length), ...b]; };
const int = (field, n) => [...tag(field, 0), ...varint(n)];
const float = (field, x) => { const b = Buffer.alloc(4); b.writeFloatLE(x); return [...tag(field, 5), ...b]; };

/** TypeProto builders: tensor(elem, dims?), seq(t), map(key, value), optional(t). */
const type = {
  tensor: (elem, dims) => len(1, [...int(1, elem), ...(dims ? len(2, dims.flatMap((d) => len(1, typeof d === 'string' ? len(2, d) : int(1, d)))) : [])]),
  seq: (t) => len(4, len(1, t)),
  map: (key, value) => len(5, [...int(1, key), ...len(2, value)]),
  optional: (t) => len(9, len(1, t)),
};

/** AttributeProto builders (AttributeProto.type: FLOAT 1, INT 2, STRING 3, INTS 7, STRINGS 8). */
const attribute = {
  float: (name, x) => [...len(1, name), ...float(2, x), ...int(20, 1)],
  int: (name, n) => [...len(1, name), ...int(3, n), ...int(20, 2)],
  string: (name, s) => [...len(1, name), ...len(4, s), ...int(20, 3)],
  ints: (name, ns) => [...len(1, name), ...ns.flatMap((n) => int(8, n)), ...int(20, 7)],
  strings: (name, ss) => [...len(1, name), ...ss.flatMap((s) => len(9, s)), ...int(20, 8)],
};

/**
 * A model of one node: `{ op, domain, inputs: [[name, TypeProto bytes]], outputs: [[name, type | null]],
 * attributes: [AttributeProto bytes], opsets: { domain: version } }`.
 */
function model({ op, domain = '', inputs, outputs, attributes = [], opsets }) {
  const node = [
    ...inputs.flatMap(([n]) => len(1, n)), ...outputs.flatMap(([n]) => len(2, n)),
    ...len(3, 'node'), ...len(4, op), ...attributes.flatMap((a) => len(5, a)), ...len(7, domain),
  ];
  const info = ([n, t]) => [...len(1, n), ...(t ? len(2, t) : [])];
  const graph = [...len(1, node), ...len(2, 'g'), ...inputs.flatMap((i) => len(11, info(i))), ...outputs.flatMap((o) => len(12, info(o)))];
  const imports = Object.entries(opsets).flatMap(([d, v]) => len(8, [...len(1, d), ...int(2, v)]));
  return new Uint8Array([...int(1, 8), ...imports, ...len(7, graph)]);
}

module.exports = { model, type, attribute };
