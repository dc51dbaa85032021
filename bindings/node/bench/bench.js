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

/** Median over blocks of the mean µs per awaited call. */
async function medianUs(fn, blocks = 21, perBlock = 200) {
  for (let i = 0; i < 200; i++) await fn();
  const means = [];
  for (let b = 0; b < blocks; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBlock; i++) await fn();
    means.push(Number(process.hrtime.bigint() - t0) / 1e3 / perBlock);
  }
  means.sort((x, y) => x - y);
  return means[blocks >> 1];
}

/**
 * Onyx only: one ScaleShift node on a [2,3] float tensor (scale_shift.onnx), its kernel in
 * JavaScript (an Operator) vs the same operator from the project's native custom-op library
 * (libonyx_test_customops.so, built by make setup): µs per awaited run, run() (the library's
 * session runs inline, a host-operator session never does) and runInto() (both on the workers).
 */
async function hostKernel() {
  const onyx = require(path.join(__dirname, '..'));
  const model = path.join(suite, 'fixtures', 'customops', 'scale_shift.onnx');
  const library = path.join(__dirname, '..', '..', '..', 'target', 'release', 'libonyx_test_customops.so');
  const op = new onyx.Operator({ domain: 'dev.onyx.test', name: 'ScaleShift', inputs: ['float'], outputs: ['float'], attributes: { alpha: 'float', beta: 'float' } }, (ctx) => {
    const alpha = ctx.attribute('alpha'); const beta = ctx.attribute('beta');
    const x = ctx.input(0); const y = ctx.output(0, x.dims);
    for (let i = 0; i < y.length; i++) y[i] = Math.fround(Math.fround(alpha * x.data[i]) + beta);
  });
  const x = onyx.Tensor.copy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const y = onyx.Tensor.zeros('float', [2, 3]);
  const host = await onyx.Session.create(model, { intraOpThreads: 1, operators: [op] });
  const r = {};
  r.scaleshift_host_run_us = await medianUs(() => host.run({ x }));
  r.scaleshift_host_runinto_us = await medianUs(() => host.runInto({ x }, { y }));
  if (fs.existsSync(library)) {
    const lib = await onyx.Session.create(model, { intraOpThreads: 1, customOpLibraries: [library] });
    r.scaleshift_library_run_us = await medianUs(() => lib.run({ x }));
    r.scaleshift_library_runinto_us = await medianUs(() => lib.runInto({ x }, { y }));
    r.scaleshift_host_minus_library_run_us = r.scaleshift_host_run_us - r.scaleshift_library_run_us;
    r.scaleshift_host_minus_library_runinto_us = r.scaleshift_host_runinto_us - r.scaleshift_library_runinto_us;
  }
  return r;
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
  if (which === 'onyx') Object.assign(r, await hostKernel());
  console.log(JSON.stringify(r));
})();
