'use strict';
// Onyx for Node.js: a thin JS layer over the N-API addon (native/, on onyx-core).
const path = require('path');

const native = require(path.join(__dirname, 'prebuilt', `${process.platform}-${process.arch}`, 'onyx.node'));

/** Error codes: the same names and numbers as the C ABI (onyx.h). */
const ErrorCode = Object.freeze(Object.fromEntries(native.errorCodes()));

class OnyxError extends Error {
  constructor(code, number, message) {
    super(message);
    this.name = 'OnyxError';
    this.code = code;
    this.number = number;
  }
}

const PATTERN = /^\[ONYX (\d+) ([A-Z0-9_]+)\] ([\s\S]*)$/;
function translate(e) {
  const m = e && typeof e.message === 'string' && PATTERN.exec(e.message);
  return m ? new OnyxError(m[2], Number(m[1]), m[3]) : e;
}
function call(fn) {
  try { return fn(); } catch (e) { throw translate(e); }
}

/** Element types, by ONNX's own numbers (TensorProto.DataType). */
const ElementType = Object.freeze({
  float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, bool: 9,
  float16: 10, double: 11, uint32: 12, uint64: 13, bfloat16: 16,
});
const ARRAY_OF = {
  1: Float32Array, 2: Uint8Array, 3: Int8Array, 4: Uint16Array, 5: Int16Array, 6: Int32Array,
  7: BigInt64Array, 9: Uint8Array, 10: Uint16Array, 11: Float64Array, 12: Uint32Array,
  13: BigUint64Array, 16: Uint16Array,
};
const NAME_OF = Object.fromEntries(Object.entries(ElementType).map(([k, v]) => [v, k]));
const TYPE_OF_ARRAY = new Map([
  [Float32Array, 1], [Uint8Array, 2], [Int8Array, 3], [Uint16Array, 4], [Int16Array, 5],
  [Int32Array, 6], [BigInt64Array, 7], [Float64Array, 11], [Uint32Array, 12], [BigUint64Array, 13],
]);

function typeNumber(t) {
  if (typeof t === 'number') return t;
  if (typeof t === 'string' && t in ElementType) return ElementType[t];
  throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `unknown element type '${t}'`);
}
function bytesOf(data) {
  if (!ArrayBuffer.isView(data)) {
    throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'tensor data must be a TypedArray');
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
function typeFor(data, elementType) {
  if (elementType !== undefined) return typeNumber(elementType);
  const t = TYPE_OF_ARRAY.get(data.constructor);
  if (t === undefined) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `no element type for ${data.constructor.name}: pass one`);
  return t;
}

const TOKEN = Symbol('onyx');

/** A tensor: made by zeros, copy or borrow; its memory is Onyx's own or, borrowed, the caller's TypedArray. */
class Tensor {
  constructor(token, nativeTensor, borrowed) {
    if (token !== TOKEN) throw new TypeError('use Tensor.zeros, Tensor.copy or Tensor.borrow');
    this._native = nativeTensor;
    this._borrowed = borrowed; // keeps the caller's TypedArray alive as long as the tensor
  }
  static zeros(elementType, shape) {
    return new Tensor(TOKEN, call(() => native.tensorZeros(typeNumber(elementType), shape.map(Number))));
  }
  static copy(data, shape, elementType) {
    const t = typeFor(data, elementType);
    return new Tensor(TOKEN, call(() => native.tensorCopy(t, shape.map(Number), bytesOf(data))));
  }
  static borrow(data, shape, elementType) {
    const t = typeFor(data, elementType);
    return new Tensor(TOKEN, call(() => native.tensorBorrow(t, shape.map(Number), bytesOf(data))), data);
  }
  /** ONNX element type number. */
  get elementType() { return this._native.elementType(); }
  get elementTypeName() { return NAME_OF[this.elementType]; }
  get shape() { return this._native.shape(); }
  get byteLength() { return this._native.byteLength(); }
  get elementCount() { return this._native.elementCount(); }
  /** Address of the tensor's first byte (a BigInt), for zero-copy checks. */
  get dataAddress() { return this._native.dataAddress(); }
  /** The elements as a new TypedArray of the tensor's own type (a copy; a borrowed tensor's own array is `.borrowed`). */
  get data() { return this.toArray(this.elementType); }
  get borrowed() { return this._borrowed; }
  /** Reads the elements as `elementType`; TYPE_MISMATCH when the tensor holds another. */
  toArray(elementType) {
    const t = typeNumber(elementType);
    const buf = call(() => this._native.read(t));
    const A = ARRAY_OF[t];
    const copy = new Uint8Array(buf.byteLength);
    copy.set(buf);
    return new A(copy.buffer, 0, buf.byteLength / A.BYTES_PER_ELEMENT);
  }
  toFloat32Array() { return this.toArray(ElementType.float); }
}

function wrapInfo(v) {
  return { name: v.name, kind: v.kind, elementType: v.elementType, elementTypeName: NAME_OF[v.elementType], shape: v.shape, dimNames: v.dimNames };
}

function nativeOptions(o) {
  if (!o) return undefined;
  const opt = {};
  if (o.intraOpThreads !== undefined) opt.intraOpThreads = o.intraOpThreads;
  if (o.interOpThreads !== undefined) opt.interOpThreads = o.interOpThreads;
  if (o.config !== undefined) opt.config = Object.entries(o.config).map(([k, v]) => [String(k), String(v)]);
  if (o.optimization !== undefined) {
    const levels = { disabled: 0, basic: 1, extended: 2, all: 99 };
    opt.optimization = typeof o.optimization === 'string' ? levels[o.optimization] : o.optimization;
    if (opt.optimization === undefined) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `unknown optimization level '${o.optimization}'`);
  }
  return opt;
}

function cancelledError() {
  return new OnyxError('CANCELLED', ErrorCode.CANCELLED, 'the run was cancelled through its AbortSignal');
}

/** A loaded model. Runs proceed in parallel, each on Onyx's worker threads, never on the JS thread. */
class Session {
  constructor(token, nativeSession) {
    if (token !== TOKEN) throw new TypeError('use Session.create or Session.createSync');
    this._native = nativeSession;
    this.inputs = nativeSession.inputs().map(wrapInfo);
    this.outputs = nativeSession.outputs().map(wrapInfo);
    const m = nativeSession.metadata();
    this.metadata = {
      producer: m.producer, graphName: m.graphName, domain: m.domain, description: m.description,
      graphDescription: m.graphDescription, version: m.version === null ? undefined : m.version,
      custom: Object.fromEntries(m.custom),
    };
  }
  /** Loads a model from a path or its bytes (off the JS thread). */
  static async create(model, options) {
    const o = nativeOptions(options);
    try {
      const s = typeof model === 'string'
        ? await native.sessionFromFile(model, o)
        : await native.sessionFromBytes(bytesOf(model), o);
      return new Session(TOKEN, s);
    } catch (e) { throw translate(e); }
  }
  static createSync(model, options) {
    const o = nativeOptions(options);
    return new Session(TOKEN, call(() => typeof model === 'string'
      ? native.sessionFromFileSync(model, o)
      : native.sessionFromBytesSync(bytesOf(model), o)));
  }
  input(i) { return wrapInfo(call(() => this._native.input(i))); }
  output(i) { return wrapInfo(call(() => this._native.output(i))); }

  _feeds(feeds) {
    const names = []; const tensors = [];
    for (const [name, t] of Object.entries(feeds || {})) {
      if (!(t instanceof Tensor)) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `feed '${name}' is not a Tensor`);
      names.push(name); tensors.push(t._native);
    }
    return [names, tensors];
  }
  _runOptions(signal) {
    if (!signal) return [undefined, () => {}];
    if (signal.aborted) throw cancelledError();
    const ro = new native.NativeRunOptions();
    const onAbort = () => { try { ro.terminate(); } catch (_) { /* the run is over */ } };
    signal.addEventListener('abort', onAbort, { once: true });
    return [ro, () => signal.removeEventListener('abort', onAbort)];
  }

  /** Runs the model; resolves to `{ [outputName]: Tensor }` for the outputs asked for (all by default). */
  async run(feeds, options = {}) {
    const [inNames, tensors] = this._feeds(feeds);
    const names = options.outputs ? options.outputs.map(String) : this.outputs.map((v) => v.name);
    const [ro, done] = this._runOptions(options.signal);
    try {
      const results = await this._native.run(inNames, tensors, options.outputs ? names : undefined, ro);
      const out = {};
      results.forEach((t, k) => { out[names[k]] = new Tensor(TOKEN, t); });
      return out;
    } catch (e) {
      throw translate(e);
    } finally {
      done();
      void feeds; // the feeds (and borrowed arrays) stay reachable until the run is over
    }
  }

  /** Runs the model writing each output into the caller's tensor (`{ [outputName]: Tensor }`). */
  async runInto(feeds, outputs, options = {}) {
    const [inNames, tensors] = this._feeds(feeds);
    const outNames = []; const outTensors = [];
    for (const [name, t] of Object.entries(outputs || {})) {
      if (!(t instanceof Tensor)) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `output '${name}' is not a Tensor`);
      outNames.push(name); outTensors.push(t._native);
    }
    const [ro, done] = this._runOptions(options.signal);
    try {
      await this._native.runInto(inNames, tensors, outNames, outTensors, ro);
      return outputs;
    } catch (e) {
      throw translate(e);
    } finally {
      done();
      void feeds;
    }
  }
}

/** Half-precision conversions (core's, round to nearest even), as 16-bit patterns. */
const Float16 = Object.freeze({
  fromFloat: (x) => native.f32ToF16(x),
  toFloat: (bits) => native.f16ToF32(bits),
  fromFloatBits: (bits) => native.f32BitsToF16(bits),
});
const BFloat16 = Object.freeze({
  fromFloat: (x) => native.f32ToBf16(x),
  toFloat: (bits) => native.bf16ToF32(bits),
  fromFloatBits: (bits) => native.f32BitsToBf16(bits),
});

const OnyxRuntime = Object.freeze({
  /** The loaded ONNX Runtime's version. */
  version: () => call(() => native.ortVersion()),
  path: () => call(() => native.ortPath()),
});

module.exports = {
  Session, Tensor, OnyxError, ErrorCode, ElementType, Float16, BFloat16, OnyxRuntime,
  /** For tests: native objects not yet collected, and a TypedArray's address. */
  _internal: { liveObjects: () => native.liveObjects(), addressOf: (a) => native.addressOf(bytesOf(a)) },
};
