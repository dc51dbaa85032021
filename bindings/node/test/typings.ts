// Compiled (never run) by tsc --noEmit in make test-node: the typings cover the API as the
// README shows it, so a declaration that drifts from index.js fails the build.
import * as fs from 'fs';
import { Session, Tensor, OnyxError, OnyxRuntime, LogLevel, LogCallback, LogLevelValue } from 'onyx-onnx';

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
