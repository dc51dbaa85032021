/** Onyx for Node.js: ONNX Runtime through Onyx's Rust core. Runs never block the event loop. */

/** Error code names, the same names and numbers as the C ABI (onyx.h). */
export type ErrorCodeName =
  | 'INVALID_ARGUMENT' | 'NULL_POINTER' | 'INVALID_UTF8' | 'RUNTIME_LOAD_FAILED' | 'MODEL_NOT_FOUND'
  | 'INVALID_MODEL' | 'UNKNOWN_INPUT' | 'MISSING_INPUT' | 'UNKNOWN_OUTPUT' | 'TYPE_MISMATCH'
  | 'RANK_MISMATCH' | 'SHAPE_MISMATCH' | 'BUFFER_SIZE_MISMATCH' | 'CANCELLED'
  | 'EXECUTION_PROVIDER_UNAVAILABLE' | 'INDEX_OUT_OF_RANGE' | 'RUNTIME_ERROR' | 'PANIC'
  | 'ABI_MISMATCH' | 'OUT_OF_MEMORY' | 'UNSUPPORTED_OPERATOR' | 'KERNEL_FAILED';

/** Name → number of every error code. */
export declare const ErrorCode: Readonly<Record<ErrorCodeName, number>>;

/** Every failure Onyx reports: `.code` is the C ABI's name, `.number` its number. */
export declare class OnyxError extends Error {
  constructor(code: ErrorCodeName, number: number, message: string);
  readonly code: ErrorCodeName;
  readonly number: number;
}

/** Element type names; the values are ONNX's TensorProto.DataType numbers. */
export type ElementTypeName =
  | 'float' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'int32' | 'int64' | 'string' | 'bool'
  | 'float16' | 'double' | 'uint32' | 'uint64' | 'bfloat16'
  /** Raw bytes (Uint8Array): float8 one per element, 4-bit types two per byte, 2-bit types four per byte, lowest bits first. */
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'uint4' | 'int4'
  | 'float4e2m1' | 'float8e8m0' | 'uint2' | 'int2';
export declare const ElementType: Readonly<Record<ElementTypeName, number>>;

/** The TypedArrays a tensor can be made over (float16/bfloat16 as Uint16Array bits, bool as Uint8Array). */
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * A tensor. zeros and copy own their memory; borrow reads (and, as a runInto output, writes) the
 * caller's TypedArray in place; fromStrings holds a copy of its strings.
 */
export declare class Tensor {
  private constructor();
  /**
   * A string tensor of `shape` holding copies of `strings` (C order, one per element): strings,
   * or Uint8Arrays of UTF-8 (one that is not valid UTF-8 is INVALID_UTF8). A count that does not
   * match the shape is BUFFER_SIZE_MISMATCH. A lone surrogate in a string becomes U+FFFD (UTF-8 has none).
   */
  static fromStrings(shape: readonly number[], strings: ReadonlyArray<string | Uint8Array>): Tensor;
  /** A zero-filled tensor ('string': empty strings). */
  static zeros(elementType: ElementTypeName | number, shape: readonly number[]): Tensor;
  /** A tensor holding a copy of `data`; the element type defaults to the array's own. */
  static copy(data: TensorData, shape: readonly number[], elementType?: ElementTypeName | number): Tensor;
  /** A tensor over `data` without a copy (runs read it in place); `data` is kept alive as long as the tensor. */
  static borrow(data: TensorData, shape: readonly number[], elementType?: ElementTypeName | number): Tensor;
  /** ONNX element type number. */
  readonly elementType: number;
  readonly elementTypeName: ElementTypeName;
  readonly shape: number[];
  readonly byteLength: number;
  /** Number of elements (the product of the shape), from core. */
  readonly elementCount: number;
  /** Address of the first byte, for zero-copy checks. */
  readonly dataAddress: bigint;
  /** The elements in place, as the tensor's own TypedArray (writing it writes the tensor); TYPE_MISMATCH for a string tensor. */
  readonly data: TensorData;
  /** The borrowed TypedArray, for a borrowed tensor. */
  readonly borrowed: TensorData | undefined;
  /** A copy of the elements read as `elementType`; TYPE_MISMATCH when the tensor holds another type. */
  toArray(elementType: ElementTypeName | number): TensorData;
  toFloat32Array(): Float32Array;
  /** A copy of a string tensor's elements (C order); TYPE_MISMATCH for any other tensor. */
  toStringArray(): string[];
}

/**
 * A value a run takes or gives (there is no value class: JavaScript's own values): a Tensor
 * (numbers or strings), an Array (a sequence: items of one type), a Map (ONNX Runtime's
 * maps: string or BigInt (int64) keys, number values) or null (an absent optional).
 */
export type OnnxValue = Tensor | OnnxValue[] | Map<string | bigint, number> | null;

/** An input or output of a model. */
export interface ValueInfo {
  name: string;
  /** 1 tensor, 2 sequence, 3 map, 4 optional. */
  kind: number;
  /** ONNX element type number (0 for a value that is not a tensor). */
  elementType: number;
  elementTypeName: ElementTypeName | undefined;
  /** -1 where the model leaves a dimension free. */
  shape: number[];
  /** "" where a dimension is unnamed. */
  dimNames: string[];
  /** The full type in ONNX's notation: `tensor(float)`, `seq(map(int64,tensor(float)))`, `optional(tensor(string))`. */
  valueType: string;
}

export interface ModelMetadata {
  producer: string;
  graphName: string;
  domain: string;
  description: string;
  graphDescription: string;
  version: number | undefined;
  custom: Record<string, string>;
}

export interface SessionOptions {
  intraOpThreads?: number;
  interOpThreads?: number;
  optimization?: 'disabled' | 'basic' | 'extended' | 'all' | number;
  /** ONNX Runtime's CPU memory arena (default true); off, allocations go to the system allocator. */
  cpuMemoryArena?: boolean;
  /** ONNX Runtime's memory-pattern planning (default true). */
  memoryPattern?: boolean;
  /** Profile every run into a JSON file whose name starts with this (see `Session.endProfiling`). */
  profilingPrefix?: string;
  /**
   * Free dimensions fixed by name, e.g. `{ batch: 1 }`: the session reports the value in its
   * shapes, and a run with another is `SHAPE_MISMATCH`. A name the model does not use is ignored.
   */
  freeDimensionOverrides?: Record<string, number>;
  /**
   * Custom-operator libraries: shared libraries exporting ONNX Runtime's `RegisterCustomOps`
   * (ONNX Runtime Extensions, or your own), kept loaded until the process exits. A bad path is
   * `INVALID_ARGUMENT` naming it and the reason; a model using an operator no library provides
   * is `UNSUPPORTED_OPERATOR`.
   */
  customOpLibraries?: string[];
  /** ONNX Runtime session config entries, e.g. `{ 'session.intra_op.allow_spinning': '0' }`. */
  config?: Record<string, string>;
  /**
   * External-data files in memory, by the file name the model's initializers give as their
   * `location`, e.g. `{ 'model.onnx.data': fs.readFileSync('model.onnx.data') }`: copied when
   * the session is created. Works for a model loaded from a path or from bytes (a model loaded
   * from bytes can read its external data no other way).
   */
  externalData?: Record<string, Uint8Array>;
  /**
   * Off by default: a model loaded from a path whose external data lies outside its folder
   * (an absolute location, or one with `..`) is `INVALID_MODEL`. On, Onyx reads it.
   */
  externalDataOutsideModelFolder?: boolean;
  /** The group whose sessions share each model's weights with this session (see `SharedWeights`). */
  sharedWeights?: SharedWeights | null;
  /**
   * Operators whose kernels are JavaScript functions (see `Operator`); the session keeps them
   * alive. A session with operators never runs inline: each run goes to Onyx's worker threads.
   */
  operators?: Operator[];
}

/** Attribute kinds (ONNX's AttributeProto numbers). */
export declare const AttributeKind: Readonly<{ float: 1; int: 2; string: 3 }>;
export type AttributeKindName = keyof typeof AttributeKind;

/** What an operator is: `domain::name` in the model, its inputs, outputs and the attributes its kernel reads. */
export interface OperatorDefinition {
  /** Your own domain (e.g. 'com.example'), not '' or one of ONNX's. */
  domain: string;
  name: string;
  /** The element type of each input, in order. */
  inputs?: ReadonlyArray<ElementTypeName | number>;
  /** The element type of each output, in order (at least one). */
  outputs: ReadonlyArray<ElementTypeName | number>;
  /** Attributes every node must have (read once per node at load; one missing is INVALID_MODEL). */
  attributes?: Record<string, AttributeKindName | number>;
  /** The domain's opset versions this operator is for (default 1 to the latest). */
  sinceVersion?: number;
  untilVersion?: number;
}

/** An input of one kernel call: a copy of ONNX Runtime's tensor. */
export interface KernelInput {
  type: ElementTypeName;
  elementType: number;
  dims: number[];
  data: TensorData;
}

/** One kernel call: valid only until the kernel returns. */
export declare class KernelContext {
  private constructor();
  /** The model's name for this node. */
  readonly nodeName: string;
  readonly inputCount: number;
  readonly outputCount: number;
  /** Input `index` (INDEX_OUT_OF_RANGE past the end). */
  input(index: number): KernelInput;
  /** Output `index` with shape `dims`: a zero-filled TypedArray of its element type to fill, copied into ONNX Runtime's memory when the kernel returns. */
  output(index: number, dims: readonly number[]): TensorData;
  /**
   * The node's attribute `name`: a number for float, a BigInt for int (int64), a string for
   * string. A name the operator does not declare is INVALID_ARGUMENT (core's message).
   */
  attribute(name: string): number | bigint | string;
}

/** A kernel: synchronous; what it throws fails the run with KERNEL_FAILED "<name>: <message>" (an OnyxError keeps its code). */
export type Kernel = (context: KernelContext) => void;

/**
 * An operator whose kernel is a JavaScript function, for `operators` in the session options.
 * The kernel runs on the JavaScript thread that made the operator, one call at a time, while
 * the run that needs it waits on Onyx's worker thread.
 */
export declare class Operator {
  constructor(definition: OperatorDefinition, kernel: Kernel);
  readonly domain: string;
  readonly name: string;
}

/**
 * A group of sessions that share the weights of each model they load: the second and later
 * sessions of a model created with `{ sharedWeights: group }` cost a fraction of the first
 * (about 9 MiB instead of 72 for ResNet18), with bit-identical answers. A model's weights are
 * held while a session of it lives.
 */
export declare class SharedWeights {
  constructor();
  /** How many models the group holds weights of now. */
  readonly modelCount: number;
  /** The bytes of weights the group holds now, each counted once. */
  readonly byteLength: number;
}

export interface RunOptions {
  /** ONNX Runtime run config entries, e.g. `{ 'memory.enable_memory_arena_shrinkage': 'cpu:0' }`; a value it refuses rejects the run with `INVALID_ARGUMENT`. */
  config?: Record<string, string>;
  /** Output names to compute (all by default). */
  outputs?: string[];
  /**
   * Cancels the run: aborted before the call, the run rejects at once with `CANCELLED`;
   * aborted while it is queued or running, core cancels it and it rejects with `CANCELLED`
   * (unless its result was already decided). A tiny model's run done inline is over before
   * `run` returns and cannot be cancelled. The session stays usable.
   */
  signal?: AbortSignal;
}

/** A loaded model; share it freely, concurrent runs proceed in parallel. */
export declare class Session {
  private constructor();
  /** Loads a model from a path or its bytes, off the JavaScript thread. */
  static create(model: string | Uint8Array, options?: SessionOptions): Promise<Session>;
  /** Loads a model on the calling thread. */
  static createSync(model: string | Uint8Array, options?: SessionOptions): Session;
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  readonly metadata: ModelMetadata;
  /** Input number `index`; INDEX_OUT_OF_RANGE past the end. */
  input(index: number): ValueInfo;
  /** Ends profiling (`profilingPrefix` in the options) and gives the JSON profile's path; `INVALID_ARGUMENT` when it is off. */
  endProfiling(): string;
  output(index: number): ValueInfo;
  /**
   * Core's asynchronous run on Onyx's worker threads; resolves to the outputs by name. Every
   * failure (a bad input included) is a rejection, never a throw. The run holds the native
   * session: a Session collected by the GC meanwhile still completes its runs.
   */
  run(feeds: Record<string, Tensor>, options?: RunOptions): Promise<Record<string, Tensor>>;
  /**
   * Runs on values: inputs by name, each an `OnnxValue` (null: an absent optional, as if left
   * out); resolves to the outputs by name (all, or `outputs`), each an `OnnxValue`: a Tensor
   * (string tensors included), an Array for a sequence, a Map for a map (int64 keys as BigInt),
   * null for an absent optional. Numeric tensors are read in place; strings, sequences and maps
   * are copied. Core's asynchronous run on Onyx's worker threads; failures are rejections.
   */
  runValues(inputs: Record<string, OnnxValue>, options?: RunOptions): Promise<Record<string, OnnxValue>>;
  /** Runs writing each output into the caller's tensor; resolves to `outputs`. */
  runInto(feeds: Record<string, Tensor>, outputs: Record<string, Tensor>, options?: { signal?: AbortSignal }): Promise<Record<string, Tensor>>;
}

/** Conversions as 16-bit patterns (round to nearest even), core's own. */
export interface HalfFloat {
  fromFloat(value: number): number;
  toFloat(bits: number): number;
  /** From float32 bits, exactly. */
  fromFloatBits(bits: number): number;
}
export declare const Float16: HalfFloat;
export declare const BFloat16: HalfFloat;

/** Log levels (core's numbers, the C ABI's `ONYX_LOG_*`); a level lets through its lines and those above. */
export declare const LogLevel: Readonly<{ VERBOSE: 0; INFO: 1; WARNING: 2; ERROR: 3; FATAL: 4 }>;
export type LogLevelName = keyof typeof LogLevel;
export type LogLevelValue = (typeof LogLevel)[LogLevelName];

/**
 * Receives a log line: its level (a `LogLevel` value), category (ONNX Runtime's, or "onyx" for
 * Onyx's own) and message. Called on the JavaScript thread that set it, on a later tick than
 * the line was logged; an exception it throws is an uncaught exception.
 */
export type LogCallback = (level: LogLevelValue, category: string, message: string) => void;

export declare const OnyxRuntime: {
  /** The loaded ONNX Runtime's version. */
  version(): string;
  /** Where it was loaded from. */
  path(): string;
  /** Which log lines get through (default `WARNING`); another number is `INVALID_ARGUMENT`. */
  setLogLevel(level: LogLevelValue | LogLevelName): void;
  /**
   * Sends the log lines the level lets through to `callback` instead of stderr, from any
   * thread (ONNX Runtime's included) without blocking it; `null` restores stderr. Once this
   * returns, the replaced callback is never called again. The callback never keeps the
   * process alive.
   */
  setLogCallback(callback: LogCallback | null): void;
  /** Resolves once every line logged before the call has reached the callback. */
  flushLog(): Promise<void>;
};

/** For tests only. */
export declare const _internal: {
  liveObjects(): number;
  addressOf(data: TensorData): bigint;
  /** The most runs this process ever had inside ONNX Runtime at once (core's count). */
  mostRunsInFlight(): number;
};
