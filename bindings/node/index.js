'use strict';
// Onyx for Node.js: a thin JS layer over the N-API addon (native/, on onyx-core).
const fs = require('fs');
const path = require('path');

// The addon and ONNX Runtime come in one package per platform (napi-rs's layout), each an
// optional dependency of this one that npm installs only where its `os` and `cpu` match;
// a source checkout uses prebuilt/<platform>-<arch>/ (make node-native) instead.
const PLATFORM_PACKAGES = Object.freeze({
  'linux-x64': 'onyx-onnx-linux-x64-gnu',
  'linux-arm64': 'onyx-onnx-linux-arm64-gnu',
  'win32-x64': 'onyx-onnx-win32-x64-gnu',
});

/** Where the addon for `platform`-`arch` is: a local prebuilt/ file, else its package. */
function nativeLocation(platform, arch, dir = __dirname) {
  const key = `${platform}-${arch}`;
  const local = path.join(dir, 'prebuilt', key, 'onyx.node');
  if (fs.existsSync(local)) return { path: local };
  const name = PLATFORM_PACKAGES[key];
  if (!name) {
    throw new Error(`onyx-onnx has no native addon for ${key} (process.platform ${platform}, process.arch ${arch}): ` +
      `it is built for ${Object.keys(PLATFORM_PACKAGES).join(', ')}` + (platform === 'darwin' ? ' (macOS is not built yet)' : ''));
  }
  return { package: name };
}

function loadNative(platform = process.platform, arch = process.arch) {
  const where = nativeLocation(platform, arch);
  if (where.path) return require(where.path);
  try {
    return require(where.package);
  } catch (e) {
    if (e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(where.package)) {
      throw new Error(`onyx-onnx: its native package ${where.package} for ${platform}-${arch} is not installed ` +
        '(npm installs it as an optional dependency: install again without --omit=optional / --no-optional)');
    }
    throw e;
  }
}

const native = loadNative();

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
  float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9,
  float16: 10, double: 11, uint32: 12, uint64: 13, bfloat16: 16,
  // Raw bytes (a Uint8Array): one per float8 element; 4-bit types two per byte, 2-bit
  // types four per byte, lowest bits first (core packs them).
  float8e4m3fn: 17, float8e4m3fnuz: 18, float8e5m2: 19, float8e5m2fnuz: 20, uint4: 21, int4: 22,
  float4e2m1: 23, float8e8m0: 24, uint2: 25, int2: 26,
});
const STRING = ElementType.string;
const ARRAY_OF = {
  1: Float32Array, 2: Uint8Array, 3: Int8Array, 4: Uint16Array, 5: Int16Array, 6: Int32Array,
  7: BigInt64Array, 9: Uint8Array, 10: Uint16Array, 11: Float64Array, 12: Uint32Array,
  13: BigUint64Array, 16: Uint16Array,
  17: Uint8Array, 18: Uint8Array, 19: Uint8Array, 20: Uint8Array, 21: Uint8Array, 22: Uint8Array,
  23: Uint8Array, 24: Uint8Array, 25: Uint8Array, 26: Uint8Array,
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

const NO_BYTES = new Uint8Array(0);

/**
 * A tensor: made by zeros, copy or borrow (numbers), or fromStrings. Its memory is a
 * JavaScript ArrayBuffer: the tensor's own (zeros, copy, a run's outputs) or, borrowed,
 * the caller's TypedArray, which runs read (and `runInto` writes) in place. A string
 * tensor holds a copy of its strings (a run copies them again into ONNX Runtime). Core
 * checks the element type, shape and byte length when the tensor is made, and again at
 * each run.
 */
class Tensor {
  constructor(token, elementType, shape, bytes, borrowed, elementCount, strings) {
    if (token !== TOKEN) throw new TypeError('use Tensor.zeros, Tensor.copy, Tensor.borrow or Tensor.fromStrings');
    this._type = elementType;
    this._shape = shape;
    this._bytes = bytes; // a Uint8Array over the tensor's memory (empty for strings)
    this._borrowed = borrowed; // keeps the caller's TypedArray alive as long as the tensor
    this._count = elementCount;
    this._strings = strings; // a string tensor's elements (C order), else undefined
  }
  /**
   * A string tensor of `shape` holding copies of `strings` (C order, one per element):
   * JavaScript strings, or Uint8Arrays of UTF-8 bytes (INVALID_UTF8 names the first
   * element that is not valid UTF-8). Core checks the count against the shape. A JavaScript
   * string is encoded as UTF-8 on the way (a lone surrogate becomes U+FFFD, as TextEncoder does).
   */
  static fromStrings(shape, strings) {
    const dims = Array.from(shape, Number);
    const items = Array.from(strings, (s) => (ArrayBuffer.isView(s) ? bytesOf(s) : String(s)));
    const copied = call(() => native.tensorFromStrings(dims, items));
    return new Tensor(TOKEN, STRING, dims, NO_BYTES, undefined, copied.length, copied);
  }
  static zeros(elementType, shape) {
    const t = typeNumber(elementType); const dims = shape.map(Number);
    if (t === STRING) {
      const empty = call(() => native.tensorZerosStrings(dims));
      return new Tensor(TOKEN, STRING, dims, NO_BYTES, undefined, empty.length, empty);
    }
    const n = call(() => native.tensorByteLength(t, dims));
    let buffer;
    try { buffer = new ArrayBuffer(n); } catch (_) { call(() => native.tensorAllocationFailed(t, dims)); }
    return made(t, dims, new Uint8Array(buffer));
  }
  static copy(data, shape, elementType) {
    const t = typeFor(data, elementType); const dims = shape.map(Number);
    const source = bytesOf(data);
    call(() => native.tensorCheck(t, dims, source)); // before allocating: core's size message
    const bytes = new Uint8Array(source.byteLength);
    bytes.set(source);
    return made(t, dims, bytes);
  }
  static borrow(data, shape, elementType) {
    const t = typeFor(data, elementType);
    return made(t, shape.map(Number), bytesOf(data), data);
  }
  /** ONNX element type number. */
  get elementType() { return this._type; }
  get elementTypeName() { return NAME_OF[this._type]; }
  get shape() { return this._shape.slice(); }
  get byteLength() { return this._bytes.byteLength; }
  get elementCount() { return this._count; }
  /** Address of the first byte core's tensor reads (a BigInt), for zero-copy checks. */
  get dataAddress() { return call(() => native.tensorDataAddress(this._type, this._shape, this._bytes)); }
  /**
   * The elements in place, as a TypedArray of the tensor's own type (writing it writes the
   * tensor; a Uint8Array of raw bytes for the float8, 4-bit and 2-bit types). A string
   * tensor has none: TYPE_MISMATCH (use toStringArray()).
   */
  get data() {
    if (this._type === STRING) call(() => native.tensorCheckRawData(this._type));
    return view(this._bytes, this._type);
  }
  get borrowed() { return this._borrowed; }
  /** A copy of the elements read as `elementType`; TYPE_MISMATCH when the tensor holds another. */
  toArray(elementType) {
    const t = typeNumber(elementType);
    if (t !== this._type) call(() => native.tensorCheckRead(this._type, t));
    if (t === STRING) return this._strings.slice();
    return view(this._bytes.slice(), t);
  }
  /** A copy of a string tensor's elements (C order); TYPE_MISMATCH for any other tensor. */
  toStringArray() {
    if (this._type !== STRING) call(() => native.tensorCheckRead(this._type, STRING));
    return this._strings.slice();
  }
  toFloat32Array() { return this.toArray(ElementType.float); }
}

/** A tensor over `bytes`, checked by core (which also counts its elements). */
function made(type, dims, bytes, borrowed) {
  const count = call(() => native.tensorCheck(type, dims, bytes));
  return new Tensor(TOKEN, type, dims, bytes, borrowed, count);
}
/** A tensor from a run's `[type, shape, bytes or strings, count]`. */
function outputTensor(type, shape, bytesOrStrings, count) {
  return type === STRING
    ? new Tensor(TOKEN, STRING, shape, NO_BYTES, undefined, count, bytesOrStrings)
    : new Tensor(TOKEN, type, shape, bytesOrStrings, undefined, count);
}
function view(bytes, type) {
  const A = ARRAY_OF[type];
  return new A(bytes.buffer, bytes.byteOffset, bytes.byteLength / A.BYTES_PER_ELEMENT);
}
/** A run's outputs (`[type, shape, bytes, elementCount, ...]` from the addon), keyed by name. */
function outputsOf(flat, names) {
  const out = {};
  for (let k = 0; k < names.length; k++) {
    out[names[k]] = outputTensor(flat[4 * k], flat[4 * k + 1], flat[4 * k + 2], flat[4 * k + 3]);
  }
  return out;
}

function wrapInfo(v) {
  return {
    name: v.name, kind: v.kind, elementType: v.elementType, elementTypeName: NAME_OF[v.elementType], shape: v.shape, dimNames: v.dimNames,
    valueType: v.valueType,
  };
}

// --- values: what runValues takes and gives ------------------------------------------

// The addon's value kinds (native/src/values.rs): core's ValueKind numbers, 0 = absent.
const ABSENT = 0; const TENSOR = 1; const SEQUENCE = 2; const MAP = 3;

/** A JavaScript value (Tensor, Array, Map, null) as the addon's ValueIn; `what` names it. */
function valueIn(v, what) {
  if (v === null || v === undefined) return { kind: ABSENT };
  if (v instanceof Tensor) {
    return v._type === STRING
      ? { kind: TENSOR, elementType: STRING, shape: v._shape, strings: v._strings }
      : { kind: TENSOR, elementType: v._type, shape: v._shape, data: v._bytes };
  }
  if (Array.isArray(v)) return { kind: SEQUENCE, items: v.map((item, i) => valueIn(item, `${what} item ${i}`)) };
  if (v instanceof Map) {
    const keys = []; const values = [];
    for (const [k, x] of v) {
      if (typeof k !== 'string' && typeof k !== 'bigint') {
        throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `${what}: a map's keys are strings or BigInts (int64), not ${typeof k}`);
      }
      if (typeof x !== 'number') {
        throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `${what}: a map's values are numbers, not ${typeof x}`);
      }
      keys.push(k); values.push(x);
    }
    return { kind: MAP, keys, values };
  }
  throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `${what} is not a Tensor, an Array (sequence), a Map or null (absent optional)`);
}

/** A map's key or value tensor's elements as JavaScript values (int64 as BigInt). */
function elementsOf(t) {
  if (t.elementType === STRING) return t.strings;
  return Array.from(view(t.data, t.elementType));
}

/** The addon's ValueOut as a JavaScript value. */
function valueOut(v) {
  switch (v.kind) {
    case ABSENT: return null;
    case TENSOR: return outputTensor(v.elementType, v.shape, v.elementType === STRING ? v.strings : v.data, v.count);
    case SEQUENCE: return v.items.map(valueOut);
    case MAP: {
      const keys = elementsOf(v.items[0]); const values = elementsOf(v.items[1]);
      const m = new Map();
      for (let i = 0; i < keys.length; i++) m.set(keys[i], values[i]);
      return m;
    }
    default: throw new Error(`onyx: unknown value kind ${v.kind} from the addon`);
  }
}

function nativeOptions(o) {
  if (!o) return undefined;
  const opt = {};
  if (o.intraOpThreads !== undefined) opt.intraOpThreads = o.intraOpThreads;
  if (o.interOpThreads !== undefined) opt.interOpThreads = o.interOpThreads;
  if (o.cpuMemoryArena !== undefined) opt.cpuMemoryArena = Boolean(o.cpuMemoryArena);
  if (o.memoryPattern !== undefined) opt.memoryPattern = Boolean(o.memoryPattern);
  if (o.profilingPrefix !== undefined) opt.profilingPrefix = String(o.profilingPrefix);
  if (o.freeDimensionOverrides !== undefined) opt.freeDimensionOverrides = Object.entries(o.freeDimensionOverrides).map(([k, v]) => [String(k), Number(v)]);
  if (o.customOpLibraries !== undefined) opt.customOpLibraries = o.customOpLibraries.map((p) => path.resolve(String(p)));
  if (o.config !== undefined) opt.config = Object.entries(o.config).map(([k, v]) => [String(k), String(v)]);
  if (o.externalData !== undefined) {
    opt.externalData = Object.entries(o.externalData).map(([name, data]) => {
      if (!ArrayBuffer.isView(data)) {
        throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `external data file '${name}' must be a Uint8Array or Buffer`);
      }
      return [String(name), bytesOf(data)];
    });
  }
  if (o.externalDataOutsideModelFolder !== undefined) opt.externalDataOutsideModelFolder = Boolean(o.externalDataOutsideModelFolder);
  if (o.operators !== undefined) {
    opt.operators = Array.from(o.operators, (op) => {
      if (!(op instanceof Operator)) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'operators must be Operator objects');
      return op._native.id;
    });
  }
  if (o.optimization !== undefined) {
    const levels = { disabled: 0, basic: 1, extended: 2, all: 99 };
    opt.optimization = typeof o.optimization === 'string' ? levels[o.optimization] : o.optimization;
    if (opt.optimization === undefined) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `unknown optimization level '${o.optimization}'`);
  }
  return opt;
}

/**
 * A group of sessions that share the weights of each model they load: the second and
 * later sessions of a model created with `{ sharedWeights: group }` cost a fraction of the
 * first (about 9 MiB instead of 72 for ResNet18), with bit-identical answers. A model's
 * weights are held while a session of it lives.
 */
class SharedWeights {
  constructor() {
    this._native = call(() => new native.NativeSharedWeights());
  }
  /** How many models the group holds weights of now. */
  get modelCount() { return this._native.modelCount(); }
  /** The bytes of weights the group holds now, each counted once. */
  get byteLength() { return this._native.byteLength(); }
}

/** The native group of the `sharedWeights` session option, if any. */
function sharedOf(o) {
  if (!o || o.sharedWeights === undefined || o.sharedWeights === null) return undefined;
  if (!(o.sharedWeights instanceof SharedWeights)) {
    throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'sharedWeights must be a SharedWeights');
  }
  return o.sharedWeights._native;
}

/** Native run options holding `config`'s entries (none without config). */
function configOptions(config) {
  if (!config) return undefined;
  const ro = new native.NativeRunOptions();
  for (const [k, v] of Object.entries(config)) call(() => ro.addConfigEntry(String(k), String(v)));
  return ro;
}

function cancelledError() {
  return new OnyxError('CANCELLED', ErrorCode.CANCELLED, 'the run was cancelled through its AbortSignal');
}

/** A loaded model. Runs proceed in parallel on Onyx's worker threads (a tiny model's runs inline: README, Threads). */
class Session {
  constructor(token, nativeSession) {
    if (token !== TOKEN) throw new TypeError('use Session.create or Session.createSync');
    this._native = nativeSession;
    this.inputs = nativeSession.inputs().map(wrapInfo);
    this.outputs = nativeSession.outputs().map(wrapInfo);
    this._outputNames = this.outputs.map((v) => v.name);
    const m = nativeSession.metadata();
    this.metadata = {
      producer: m.producer, graphName: m.graphName, domain: m.domain, description: m.description,
      graphDescription: m.graphDescription, version: m.version === null ? undefined : m.version,
      custom: Object.fromEntries(m.custom),
    };
  }
  /** Loads a model from a path or its bytes (off the JS thread). */
  static async create(model, options) {
    const o = nativeOptions(options), shared = sharedOf(options);
    try {
      const s = typeof model === 'string'
        ? await native.sessionFromFile(model, o, shared)
        : await native.sessionFromBytes(bytesOf(model), o, shared);
      return new Session(TOKEN, s);
    } catch (e) { throw translate(e); }
  }
  static createSync(model, options) {
    const o = nativeOptions(options), shared = sharedOf(options);
    return new Session(TOKEN, call(() => typeof model === 'string'
      ? native.sessionFromFileSync(model, o, shared)
      : native.sessionFromBytesSync(bytesOf(model), o, shared)));
  }
  input(i) { return wrapInfo(call(() => this._native.input(i))); }
  /** Ends profiling (`profilingPrefix` in the session options); the JSON profile's path. */
  endProfiling() { return call(() => this._native.endProfiling()); }
  output(i) { return wrapInfo(call(() => this._native.output(i))); }

  _feeds(feeds, what) {
    const names = []; const types = []; const shapes = []; const data = [];
    for (const name in feeds) {
      const t = feeds[name];
      if (!(t instanceof Tensor)) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `${what} '${name}' is not a Tensor`);
      names.push(name); types.push(t._type); shapes.push(t._shape); data.push(t._bytes);
    }
    return [names, types, shapes, data];
  }
  _runOptions(signal, config) {
    if (!signal && !config) return [undefined, () => {}];
    if (signal && signal.aborted) throw cancelledError();
    const ro = configOptions(config) || new native.NativeRunOptions();
    if (!signal) return [ro, () => {}];
    const onAbort = () => { try { ro.terminate(); } catch (_) { /* the run is over */ } };
    signal.addEventListener('abort', onAbort, { once: true });
    return [ro, () => signal.removeEventListener('abort', onAbort)];
  }

  /**
   * Runs the model; resolves to `{ [outputName]: Tensor }` for the outputs asked for (all by
   * default). A run is core's asynchronous run on Onyx's worker threads; `signal` cancels
   * it (CANCELLED). A tiny model's run may go inline (README, Threads) and is over before
   * this returns, so a signal can no longer cancel it.
   * Not an async function: nothing here keeps the Session alive until the run is over
   * (the run holds the native session itself), so the GC may collect it meanwhile.
   */
  run(feeds, options = {}) {
    // A string tensor cannot be read in place: such a run goes through runValues.
    for (const name in feeds) {
      if (feeds[name] instanceof Tensor && feeds[name]._type === STRING) return this._runValues(feeds, options, true);
    }
    let inNames; let types; let shapes; let data; let names; let ro;
    const signal = options.signal;
    try {
      [inNames, types, shapes, data] = this._feeds(feeds, 'feed');
      names = options.outputs ? options.outputs.map(String) : this._outputNames;
      if (signal && signal.aborted) return Promise.reject(cancelledError());
      ro = configOptions(options.config);
    } catch (e) {
      return Promise.reject(translate(e));
    }
    const wanted = options.outputs ? names : undefined;
    const handle = signal ? new native.NativeRunHandle() : undefined;
    let result;
    try {
      result = this._native.run(inNames, types, shapes, data, wanted, ro, handle);
    } catch (e) {
      return Promise.reject(translate(e));
    }
    // The addon answers at once for a run it did inline, else with a Promise.
    if (Array.isArray(result)) return Promise.resolve(outputsOf(result, names));
    const outputs = result.then((flat) => outputsOf(flat, names), (e) => { throw translate(e); });
    if (!signal) return outputs;
    const onAbort = () => handle.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    const off = () => signal.removeEventListener('abort', onAbort);
    return outputs.then((out) => { off(); return out; }, (e) => { off(); throw e; });
  }

  /**
   * Runs the model on values: `{ [inputName]: OnnxValue }`, an OnnxValue being a Tensor
   * (numbers or strings), an Array (a sequence of values of one type), a Map (string or
   * BigInt keys, number values: ONNX Runtime's map(string|int64, float); a model's
   * double or int64 values are converted) or null (an absent optional: the same as
   * leaving the input out). Resolves to `{ [outputName]: OnnxValue }` for the outputs
   * asked for (all by default): Tensors, Arrays, Maps (int64 keys as BigInt) and null for
   * an absent optional output. Numeric tensors are read in place; strings, sequences and
   * maps are copied (in and out). Runs on Onyx's worker threads; `signal` cancels it.
   */
  runValues(inputs, options = {}) { return this._runValues(inputs, options, false); }

  /** runValues, or (`tensors`) core's tensor run over Tensors that include string tensors. */
  _runValues(inputs, options, tensors) {
    let names; let values; let wanted; let ro; let done;
    try {
      names = Object.keys(inputs);
      values = names.map((n) => valueIn(inputs[n], `input '${n}'`));
      wanted = options.outputs ? options.outputs.map(String) : undefined;
      [ro, done] = this._runOptions(options.signal, options.config);
    } catch (e) {
      return Promise.reject(translate(e));
    }
    const outNames = wanted || this._outputNames;
    let pending;
    try {
      pending = this._native.runValues(names, values, wanted, ro, tensors);
    } catch (e) {
      done();
      return Promise.reject(translate(e));
    }
    return pending.then((out) => {
      done();
      const result = {};
      for (let k = 0; k < outNames.length; k++) result[outNames[k]] = valueOut(out[k]);
      return result;
    }, (e) => { done(); throw translate(e); });
  }

  /** Runs the model writing each output into the caller's tensor (`{ [outputName]: Tensor }`). */
  async runInto(feeds, outputs, options = {}) {
    const [inNames, types, shapes, data] = this._feeds(feeds, 'feed');
    const [outNames, outTypes, outShapes, outData] = this._feeds(outputs, 'output');
    const [ro, done] = this._runOptions(options.signal, options.config);
    try {
      await this._native.runInto(inNames, types, shapes, data, outNames, outTypes, outShapes, outData, ro);
      return outputs;
    } catch (e) {
      throw translate(e);
    } finally {
      done();
    }
  }
}

// --- operators with JavaScript kernels ---------------------------------------------

/** Attribute kinds, ONNX's AttributeProto numbers (core's AttributeKind). */
const AttributeKind = Object.freeze({ float: 1, int: 2, string: 3 });

function attributeKind(k) {
  const kind = typeof k === 'string' ? AttributeKind[k.toLowerCase()] : k;
  if (![1, 2, 3].includes(kind)) {
    throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `unknown attribute kind '${k}' (float, int or string)`);
  }
  return kind;
}

/** "<name>: <message>" for what a kernel threw (anything can be thrown). */
function thrownText(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  let text;
  try { text = String(e); } catch (_) { text = Object.prototype.toString.call(e); }
  return `${typeof e}: ${text}`;
}

/**
 * What a kernel gets for one call: its node's name and attributes, its inputs (copies) and
 * `output(index, dims)` for each output's TypedArray to fill. Valid during the call only.
 */
class KernelContext {
  constructor(token, op, nodeName, flatInputs, attributeValues) {
    if (token !== TOKEN) throw new TypeError('a KernelContext is made by Onyx for each kernel call');
    this.nodeName = nodeName;
    this._op = op;
    this._flat = flatInputs;
    this._values = attributeValues;
    this._inputs = new Array(op._inputTypes.length);
    this._outputs = new Array(op._outputTypes.length);
    this._open = true;
  }
  get inputCount() { return this._op._inputTypes.length; }
  get outputCount() { return this._op._outputTypes.length; }
  _check(what, index, count) {
    if (!this._open) throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `the kernel call of ${this._op.describe()} is over: its context is no longer valid`);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new OnyxError('INDEX_OUT_OF_RANGE', ErrorCode.INDEX_OUT_OF_RANGE,
        `${what} index ${index} is out of range: operator ${this._op.describe()} (node '${this.nodeName}') has ${count} ${what}s`);
    }
  }
  /** Input `index`: `{ type, elementType, dims, data }`, data a TypedArray (a copy of ONNX Runtime's memory). */
  input(index) {
    this._check('input', index, this.inputCount);
    let input = this._inputs[index];
    if (!input) {
      const k = 3 * index;
      const type = this._flat[k];
      input = { type: NAME_OF[type], elementType: type, dims: this._flat[k + 1], data: view(new Uint8Array(this._flat[k + 2]), type) };
      this._inputs[index] = input;
    }
    return input;
  }
  /** Output `index` with shape `dims`: a zero-filled TypedArray of its element type, copied to ONNX Runtime's memory when the kernel returns. */
  output(index, dims) {
    this._check('output', index, this.outputCount);
    const shape = Array.from(dims, Number);
    const made = this._outputs[index];
    if (made) {
      if (made.dims.length === shape.length && made.dims.every((d, i) => d === shape[i])) return made.data;
      throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT,
        `output ${index} of operator ${this._op.describe()} (node '${this.nodeName}') was already made with shape [${made.dims}], not [${shape}]`);
    }
    const type = this._op._outputTypes[index];
    const bytes = call(() => native.tensorByteLength(type, shape));
    const data = view(new Uint8Array(bytes), type);
    this._outputs[index] = { dims: shape, data };
    return data;
  }
  /**
   * The node's attribute `name` (declared by the operator): a number (float), a BigInt
   * (int, an int64 like every other) or a string. A name the operator does not declare
   * is core's INVALID_ARGUMENT.
   */
  attribute(name) {
    const k = this._op._attributeIndex.get(String(name));
    if (k === undefined) {
      if (!this._open) this._check('attribute', 0, 1); // the call is over
      return call(() => native.kernelAttribute(String(name)));
    }
    return this._values[k];
  }
}

/**
 * An operator whose kernel is a JavaScript function: `new Operator(definition, kernel)`, then
 * `operators: [op]` in the session options. The kernel runs on this JavaScript thread
 * (README, Operators): synchronous, one call at a time.
 */
class Operator {
  constructor(definition, kernel) {
    if (!definition || typeof definition !== 'object') throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'an operator definition is an object { domain, name, inputs, outputs, attributes }');
    if (typeof kernel !== 'function') throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'the kernel must be a function (context) => void');
    const domain = String(definition.domain ?? '');
    const name = String(definition.name ?? '');
    const inputTypes = Array.from(definition.inputs || [], typeNumber);
    const outputTypes = Array.from(definition.outputs || [], typeNumber);
    const attributes = Object.entries(definition.attributes || {}).map(([n, k]) => [n, attributeKind(k)]);
    const version = (v) => (v === undefined ? undefined : Number(v));
    const op = {
      _inputTypes: inputTypes, _outputTypes: outputTypes, _attributes: attributes,
      _attributeIndex: new Map(attributes.map(([n], k) => [n, k])),
      describe: () => `${domain}::${name}`,
    };
    // The adapter the native kernel calls; it holds no reference to this Operator (so the GC
    // can collect it, and then its native operator once no session uses it).
    const adapter = (nodeName, flatInputs, attributeValues) => {
      const ctx = new KernelContext(TOKEN, op, nodeName, flatInputs, attributeValues);
      try {
        const r = kernel(ctx);
        if (r && typeof r.then === 'function') {
          r.then(undefined, () => {}); // never an unhandled rejection
          return `${ErrorCode.KERNEL_FAILED} the kernel of ${op.describe()} returned a Promise: kernels are synchronous functions`;
        }
        const flat = [];
        for (let k = 0; k < outputTypes.length; k++) {
          const made = ctx._outputs[k];
          if (!made) return `${ErrorCode.KERNEL_FAILED} the kernel of ${op.describe()} (node '${nodeName}') made no output ${k} (ctx.output(${k}, dims))`;
          flat.push(k, made.dims, new Uint8Array(made.data.buffer, made.data.byteOffset, made.data.byteLength));
        }
        return flat;
      } catch (e) {
        return e instanceof OnyxError ? `${e.number} ${e.message}` : `${ErrorCode.KERNEL_FAILED} ${thrownText(e)}`;
      } finally {
        ctx._open = false;
      }
    };
    this._native = call(() => native.operatorNew(domain, name, inputTypes, outputTypes, attributes.map(([n]) => n), attributes.map(([, k]) => k),
      version(definition.sinceVersion), version(definition.untilVersion), adapter));
    this.domain = domain;
    this.name = name;
    Object.freeze(this);
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

/** Log levels, core's numbers (the C ABI's ONYX_LOG_*): a line gets through at its level and up. */
const LogLevel = Object.freeze(Object.fromEntries(native.logLevels()));

function levelNumber(level) {
  if (typeof level === 'string' && level in LogLevel) return LogLevel[level];
  if (typeof level === 'number') return level;
  throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, `unknown log level '${level}'`);
}

// The log callback: the addon queues each line on a threadsafe function (never blocking the
// thread that logs, never keeping the process alive) whose dispatcher, below, runs on this
// thread. `logToken` is the callback in place: a line queued for a replaced one is dropped,
// so once setLogCallback returns the old function is never called again.
let logToken = null;
let nextFlush = 0;
const flushes = new Map();

function setLogCallback(fn) {
  if (fn !== null && fn !== undefined && typeof fn !== 'function') {
    throw new OnyxError('INVALID_ARGUMENT', ErrorCode.INVALID_ARGUMENT, 'the log callback must be a function or null');
  }
  if (!fn) {
    call(() => native.setLogCallback(null));
    logToken = null;
    return;
  }
  const token = {};
  const dispatch = (level, category, message) => {
    if (level < 0) { // a flush marker: every line queued before it has been handed over
      const done = flushes.get(Number(message));
      if (done) done();
      return;
    }
    if (logToken !== token) return;
    try {
      fn(level, category, message);
    } catch (e) {
      process.nextTick(() => { throw e; }); // as from a timer: an uncaught exception
    }
  };
  call(() => native.setLogCallback(dispatch));
  logToken = token;
}

function flushLog() {
  const id = nextFlush++ >>> 0;
  return new Promise((resolve) => {
    // The queue is unref'd: hold the loop open until the marker arrives.
    const hold = setTimeout(() => {}, 0x7fffffff);
    const done = () => { flushes.delete(id); clearTimeout(hold); resolve(); };
    flushes.set(id, done);
    if (!native.logFlush(id)) done();
  });
}

const OnyxRuntime = Object.freeze({
  /** The loaded ONNX Runtime's version. */
  version: () => call(() => native.ortVersion()),
  path: () => call(() => native.ortPath()),
  /** Which log lines get through: a `LogLevel` value or name (default WARNING). */
  setLogLevel: (level) => call(() => native.setLogLevel(levelNumber(level))),
  /** Sends log lines to `fn(level, category, message)` on this thread instead of stderr; null restores stderr. */
  setLogCallback,
  /** Resolves once every line logged before the call has reached the callback. */
  flushLog,
});

module.exports = {
  Session, Tensor, OnyxError, ErrorCode, ElementType, Float16, BFloat16, OnyxRuntime, LogLevel, SharedWeights,
  Operator, KernelContext, AttributeKind,
  /** For tests: native objects not yet collected, and a TypedArray's address. */
  _internal: { liveObjects: () => native.liveObjects(), addressOf: (a) => native.addressOf(bytesOf(a)), mostRunsInFlight: () => native.mostRunsInFlight() },
};

/** For tests: where the addon of a platform comes from (test/platforms.test.js). */
module.exports._platform = { nativeLocation, PLATFORM_PACKAGES };
