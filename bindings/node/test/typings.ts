// Compiled (never run) by tsc --noEmit in make test-node: the typings cover the API as the
// README shows it, so a declaration that drifts from index.js fails the build.
import * as fs from 'fs';
import { Session, Tensor, OnyxError, OnyxRuntime, LogLevel, LogCallback, LogLevelValue, Operator, KernelContext, OnnxValue } from 'onyx-onnx';

export async function asyncRunWithCancel(session: Session, input: Tensor): Promise<Float32Array | undefined> {
  const ac = new AbortController();
  const pending = session.run({ input }, { signal: ac.signal, outputs: ['logits'], config: { 'memory.enable_memory_arena_shrinkage': 'cpu:0' } });
  ac.abort();
  try {
    return (await pending).logits.toFloat32Array();
  } catch (e) {
    if (e instanceof OnyxError && e.code === 'CANCELLED') return undefined;
    throw e;
  }
}

export async function externalData(): Promise<Session> {
  await Session.create('model/escapes.onnx', { externalDataOutsideModelFolder: true });
  return Session.create(fs.readFileSync('model.onnx'), { externalData: { 'model.onnx.data': fs.readFileSync('model.onnx.data'), 'more.bin': new Uint8Array(4) } });
}

export async function logging(): Promise<string[]> {
  const lines: string[] = [];
  const callback: LogCallback = (level, category, message) => {
    const l: LogLevelValue = level;
    lines.push(`${l >= LogLevel.ERROR ? 'E' : 'I'} [${category}] ${message}`);
  };
  OnyxRuntime.setLogLevel(LogLevel.VERBOSE);
  OnyxRuntime.setLogLevel('INFO');
  OnyxRuntime.setLogCallback(callback);
  await OnyxRuntime.flushLog();
  OnyxRuntime.setLogCallback(null);
  return lines;
}

export async function hostOperator(): Promise<Float32Array> {
  const scaleShift = new Operator(
    { domain: 'com.example', name: 'ScaleShift', inputs: ['float'], outputs: ['float'], attributes: { alpha: 'float', beta: 'float' } },
    (ctx: KernelContext) => {
      const alpha = ctx.attribute('alpha') as number;
      const beta = ctx.attribute('beta') as number;
      const x = ctx.input(0);
      const y = ctx.output(0, x.dims) as Float32Array;
      for (let i = 0; i < y.length; i++) y[i] = Math.fround(Math.fround(alpha * (x.data[i] as number)) + beta);
    },
  );
  const session = await Session.create('scale_shift.onnx', { operators: [scaleShift] });
  try {
    return (await session.run({ x: Tensor.copy(new Float32Array(6), [2, 3]) })).y.toFloat32Array();
  } catch (e) {
    if (e instanceof OnyxError && e.code === 'KERNEL_FAILED') throw new Error(e.message);
    throw e;
  }
}

export async function values(session: Session): Promise<Array<Map<string | bigint, number>>> {
  const text: OnnxValue = Tensor.fromStrings([2, 1], ['a cat', new Uint8Array([0x64, 0x6f, 0x67])]);
  const out = await session.runValues({ text, absent: null, seq: [Tensor.zeros('float', [1])], map: new Map([[1n, 0.5]]) }, { outputs: ['output_label', 'output_probability'] });
  const labels: string[] = (out.output_label as Tensor).toStringArray();
  const type: string = session.outputs[1].valueType;
  if (labels.length === 0 || type === '') return [];
  return out.output_probability as Array<Map<string | bigint, number>>;
}
