'use strict';
// One benchmark block in this process: node bench.js <onyx|ortnode> <suite dir> <ortnode modules dir>
// Prints JSON: ResNet18 batch 1 ms per run (intra 1, 2), add16 µs per awaited run, and the
// max event-loop lag of a 1 ms timer over 20 ResNet18 runs at intra 1, intra 2, and intra 2
// with ONNX Runtime's intra-op spinning off (the same config entry in both runtimes).
const fs = require('fs');
const path = require('path');
const [which, suite, ortDir] = process.argv.slice(2);
const MODEL = path.join(suite, 'fixtures', 'resnet18.onnx');
const TINY = path.join(suite, 'fixtures', 'add16.onnx');
const b = fs.readFileSync(path.join(suite, 'fixtures', 'input_0.f32'));
const c = new Uint8Array(b.byteLength); c.set(b);
const PIXELS = new Float32Array(c.buffer);

const NO_SPINNING = { 'session.intra_op.allow_spinning': '0' };

async function make(model, intra, noSpinning) {
  if (which === 'onyx') {
    const onyx = require(path.join(__dirname, '..'));
    const s = await onyx.Session.create(model, { intraOpThreads: intra, config: noSpinning ? NO_SPINNING : undefined });
    return { run: (feeds) => s.run(feeds), tensor: (d, shape) => onyx.Tensor.copy(d, shape) };
  }
  const ort = require(path.join(ortDir, 'node_modules', 'onnxruntime-node'));
  const extra = noSpinning ? { session: { intra_op: { allow_spinning: '0' } } } : {};
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: intra, interOpNumThreads: 1, extra });
  return { run: (feeds) => s.run(feeds), tensor: (d, shape) => new ort.Tensor('float32', d, shape) };
}

async function timeIt(fn, n) {
  for (let i = 0; i < Math.min(5, n); i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function maxLag(s, input) {
  let last = process.hrtime.bigint(); let lag = 0;
  const t = setInterval(() => { const now = process.hrtime.bigint(); lag = Math.max(lag, Number(now - last) / 1e6 - 1); last = now; }, 1);
  for (let i = 0; i < 20; i++) await s.run({ input });
  clearInterval(t);
  return lag;
}

(async () => {
  const r = {};
  for (const [intra, noSpinning] of [[1, false], [2, false], [2, true]]) {
    const s = await make(MODEL, intra, noSpinning);
    const input = s.tensor(PIXELS, [1, 3, 224, 224]);
    const tag = `intra${intra}${noSpinning ? '_nospin' : ''}`;
    r[`resnet18_${tag}_ms`] = await timeIt(() => s.run({ input }), 30);
    r[`lag_${tag}_ms`] = await maxLag(s, input);
  }
  const s = await make(TINY, 1);
  const a = s.tensor(new Float32Array(16).fill(1), [16]);
  r.add16_us = (await timeIt(() => s.run({ a, b: a }), 20000)) * 1000;
  console.log(JSON.stringify(r));
})();
