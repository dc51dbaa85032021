'use strict';
// Node-only tests: AbortSignal, event-loop lag, worker_threads, GC, zero copy.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { Worker } = require('worker_threads');
const { execFileSync } = require('child_process');
const { getEventListeners } = require('events');
const onyx = require('..');
const { Session, Tensor, OnyxError, OnyxRuntime, LogLevel } = onyx;

const SUITE = path.join(__dirname, '..', '..', '..', 'tests', 'suite');
const MODEL = path.join(SUITE, 'fixtures', 'resnet18.onnx');
const TINY = path.join(SUITE, 'fixtures', 'add16.onnx');
function f32(file) { const b = fs.readFileSync(file); const c = new Uint8Array(b.byteLength); c.set(b); return new Float32Array(c.buffer); }
const INPUT = f32(path.join(SUITE, 'fixtures', 'input_0.f32'));
const EXPECTED = f32(path.join(SUITE, 'fixtures', 'logits_0.f32'));
const close = (a, b) => a.every((x, i) => Math.abs(x - b[i]) <= 1e-3 + 1e-3 * Math.abs(b[i]));

test('an aborted run rejects with CANCELLED and the session stays usable', async () => {
  const s = await Session.create(MODEL);
  const n = 16; const all = new Float32Array(n * INPUT.length);
  for (let i = 0; i < n; i++) all.set(INPUT, i * INPUT.length);
  const ac = new AbortController();
  const p = s.run({ input: Tensor.copy(all, [n, 3, 224, 224]) }, { signal: ac.signal });
  setTimeout(() => ac.abort(), 10);
  await assert.rejects(p, (e) => e instanceof OnyxError && e.code === 'CANCELLED' && e.number === 14);
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0, 'the abort listener is removed when the run settles');
  const already = new AbortController(); already.abort();
  const before = onyx._internal.mostRunsInFlight();
  await assert.rejects(s.run({ input: Tensor.copy(INPUT, [1, 3, 224, 224]) }, { signal: already.signal }), (e) => e.code === 'CANCELLED');
  // A signal that is never aborted changes nothing, and its listener goes when the run is over.
  const unused = new AbortController();
  const out = await s.run({ input: Tensor.copy(INPUT, [1, 3, 224, 224]) }, { signal: unused.signal });
  assert.ok(close(out.logits.toFloat32Array(), EXPECTED));
  assert.strictEqual(getEventListeners(unused.signal, 'abort').length, 0);
  unused.abort(); // after the run: nothing to cancel, nothing thrown
  assert.ok(onyx._internal.mostRunsInFlight() >= before);
});

test('a failed run removes its abort listener too', async () => {
  const s = await Session.create(MODEL);
  const ac = new AbortController();
  await assert.rejects(s.run({ input: Tensor.zeros('float', [1, 3, 224, 225]) }, { signal: ac.signal }), (e) => e.code === 'SHAPE_MISMATCH');
  assert.strictEqual(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a tiny model runs inline after its first run, a large one on the workers', async () => {
  // An inline run's promise is settled before any macrotask; a worker's only through one.
  const settlesInMicrotasks = async (p) => {
    let done = false;
    p.then(() => { done = true; }, () => { done = true; });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    const early = done;
    await p;
    return early;
  };
  const s = Session.createSync(TINY);
  const a = Tensor.copy(new Float32Array(16).fill(1), [16]);
  assert.strictEqual(await settlesInMicrotasks(s.run({ a, b: a })), false, 'the first run goes to the workers');
  // Timed on the worker (from reading its inputs to its end): under 100 us, so a later run
  // goes inline (a few tries: a run on a busy machine may take longer once).
  let inline = false;
  for (let i = 0; i < 20 && !inline; i++) inline = await settlesInMicrotasks(s.run({ a, b: a }));
  assert.ok(inline, 'no add16 run went inline');
  const r = Session.createSync(MODEL);
  const input = Tensor.copy(INPUT, [1, 3, 224, 224]);
  await r.run({ input });
  assert.strictEqual(await settlesInMicrotasks(r.run({ input })), false, 'ResNet18 stays on the workers');
});

test('the log callback: replaced, never called again; null restores stderr; it never keeps the process alive', async () => {
  const first = []; const second = [];
  OnyxRuntime.setLogCallback((level, category, message) => first.push([level, category, message]));
  try {
    OnyxRuntime.setLogLevel('VERBOSE');
    Session.createSync(TINY); // lines queued for `first` on this thread...
    OnyxRuntime.setLogCallback((level, category, message) => second.push([level, category, message]));
    await OnyxRuntime.flushLog(); // ...and dropped: it was replaced before they arrived
    assert.strictEqual(first.length, 0, 'a replaced callback was called');
    await Session.create(TINY); // on a worker: to the new callback
    await OnyxRuntime.flushLog();
    assert.ok(second.length > 0, 'no line reached the new callback');
    for (const [level, category, message] of second) {
      assert.ok(Object.values(LogLevel).includes(level), `level ${level}`);
      assert.strictEqual(typeof category, 'string');
      assert.strictEqual(typeof message, 'string');
    }
    assert.throws(() => OnyxRuntime.setLogLevel(7), (e) => e instanceof OnyxError && e.code === 'INVALID_ARGUMENT');
    assert.throws(() => OnyxRuntime.setLogCallback(42), (e) => e instanceof OnyxError && e.code === 'INVALID_ARGUMENT');
  } finally {
    OnyxRuntime.setLogLevel(LogLevel.WARNING);
    OnyxRuntime.setLogCallback(null);
  }
  const n = second.length;
  await Session.create(TINY);
  await OnyxRuntime.flushLog(); // no callback: resolves at once
  assert.strictEqual(second.length, n);
  // A process with a callback set and nothing else to do exits; stderr is back after null.
  const pkg = JSON.stringify(path.join(__dirname, '..'));
  const script = `const o = require(${pkg});
    o.OnyxRuntime.setLogCallback(() => {}); o.OnyxRuntime.setLogLevel('VERBOSE');
    o.Session.createSync(${JSON.stringify(TINY)});
    o.OnyxRuntime.setLogCallback(null);
    o.Session.createSync(${JSON.stringify(TINY)});
    o.OnyxRuntime.setLogCallback(() => {});`;
  const { spawnSync } = require('child_process');
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(child.status, 0, `the child did not exit cleanly: ${child.error || child.stderr}`);
  assert.ok(/onnxruntime (VERBOSE|INFO)/.test(child.stderr), `no log line on stderr after null: ${child.stderr.slice(0, 300)}`);
});

test('a log callback set by a worker thread that exits: lines go back to stderr', () => {
  const pkg = JSON.stringify(path.join(__dirname, '..'));
  const script = `const { Worker } = require('worker_threads'); const o = require(${pkg});
    const w = new Worker(\`const o = require(${pkg});
      o.OnyxRuntime.setLogCallback(() => {}); o.OnyxRuntime.setLogLevel('VERBOSE');
      o.Session.createSync(${JSON.stringify(TINY)});\`, { eval: true });
    w.on('exit', () => { o.Session.createSync(${JSON.stringify(TINY)}); o.OnyxRuntime.setLogLevel('WARNING'); });`;
  const { spawnSync } = require('child_process');
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(child.status, 0, `the child did not exit cleanly: ${child.error || child.stderr}`);
  assert.ok(/onnxruntime (VERBOSE|INFO)/.test(child.stderr), `no log line on stderr after the worker exited: ${child.stderr.slice(0, 300)}`);
});

test('a log callback that throws: an uncaught exception, as from a timer', () => {
  const pkg = JSON.stringify(path.join(__dirname, '..'));
  const script = `const o = require(${pkg});
    process.on('uncaughtException', (e) => { console.log('caught ' + e.message); process.exit(0); });
    o.OnyxRuntime.setLogLevel('VERBOSE');
    o.OnyxRuntime.setLogCallback(() => { throw new Error('from the callback'); });
    o.Session.createSync(${JSON.stringify(TINY)});
    o.OnyxRuntime.flushLog();`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 });
  assert.match(out, /caught from the callback/);
});

test('external data: a bad value is INVALID_ARGUMENT; a model from bytes without its data is INVALID_MODEL', async () => {
  const model = path.join(SUITE, 'fixtures', 'external', 'resnet18_external.onnx');
  await assert.rejects(Session.create(model, { externalData: { 'resnet18_external.onnx.data': 'not bytes' } }),
    (e) => e instanceof OnyxError && e.code === 'INVALID_ARGUMENT' && e.message.includes('resnet18_external.onnx.data'));
  await assert.rejects(Session.create(fs.readFileSync(model)), (e) => e instanceof OnyxError && e.code === 'INVALID_MODEL');
  assert.throws(() => Session.createSync(model, { externalData: { '': new Uint8Array(1) } }), (e) => e instanceof OnyxError && e.code === 'INVALID_ARGUMENT');
});

test('the event loop keeps ticking during 20 ResNet18 runs', async () => {
  const s = await Session.create(MODEL, { intraOpThreads: 2 });
  const input = Tensor.copy(INPUT, [1, 3, 224, 224]);
  await s.run({ input }); // warm-up: the first run allocates ONNX Runtime's arenas
  let last = process.hrtime.bigint(); let maxLag = 0;
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    maxLag = Math.max(maxLag, Number(now - last) / 1e6 - 1); last = now;
  }, 1);
  for (let i = 0; i < 20; i++) await s.run({ input });
  clearInterval(timer);
  console.log(`event-loop lag: max ${maxLag.toFixed(2)} ms over 20 ResNet18 runs`);
  assert.ok(maxLag < 50, `a 1 ms timer was late by ${maxLag} ms`);
});

test('worker threads each load Onyx and run the same model', async () => {
  const code = `const { parentPort, workerData } = require('worker_threads');
    const onyx = require(workerData.pkg);
    (async () => { const s = await onyx.Session.create(workerData.model);
      const a = onyx.Tensor.copy(new Float32Array(16).fill(2), [16]);
      let sum; for (let i = 0; i < 50; i++) sum = (await s.run({ a, b: a })).sum.toFloat32Array();
      parentPort.postMessage(Array.from(sum)); })().catch((e) => parentPort.postMessage(String(e)));`;
  const results = await Promise.all(Array.from({ length: 4 }, () => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { pkg: path.join(__dirname, '..'), model: TINY } });
    w.once('message', resolve); w.once('error', reject);
  })));
  for (const r of results) assert.deepStrictEqual(r, new Array(16).fill(4));
});

test('zero copy: a borrowed tensor reads the TypedArray in place', async () => {
  const a = new Float32Array(16).fill(1);
  const t = Tensor.borrow(a, [16]);
  assert.strictEqual(t.dataAddress, onyx._internal.addressOf(a));
  assert.strictEqual(t.elementCount, 16);
  assert.strictEqual(t.byteLength, 64);
  const s = Session.createSync(TINY);
  a.fill(3); // written after borrowing: the run sees it
  const out = await s.run({ a: t, b: t });
  assert.deepStrictEqual(Array.from(out.sum.toFloat32Array()), new Array(16).fill(6));
});

test('sessions and zero-copy outputs left to the GC are freed', { skip: typeof global.gc !== 'function' && 'needs --expose-gc' }, async () => {
  await (async () => {
    const s = Session.createSync(TINY);
    for (let i = 0; i < 100; i++) {
      const a = Tensor.copy(new Float32Array(16), [16]);
      await s.run({ a, b: Tensor.borrow(new Float32Array(16), [16]) });
    }
    // 17 x 1000 logits: past the 64 KiB up to which outputs are copied, so this one is
    // handed over in place and freed by its ArrayBuffer's finalizer.
    const r = Session.createSync(MODEL);
    const n = 17; const all = new Float32Array(n * INPUT.length);
    for (let i = 0; i < n; i++) all.set(INPUT, i * INPUT.length);
    const logits = (await r.run({ input: Tensor.borrow(all, [n, 3, 224, 224]) })).logits;
    assert.ok(onyx._internal.liveObjects() >= 3, `two sessions and one output buffer live, counted ${onyx._internal.liveObjects()}`);
    for (let i = 0; i < n; i++) assert.ok(close(logits.data.subarray(i * 1000, (i + 1) * 1000), EXPECTED), `row ${i}`);
  })();
  for (let i = 0; i < 20 && onyx._internal.liveObjects() > 0; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.strictEqual(onyx._internal.liveObjects(), 0);
});

test('concurrent runs on one session proceed in parallel', async () => {
  const s = await Session.create(MODEL, { intraOpThreads: 1 });
  const input = Tensor.copy(INPUT, [1, 3, 224, 224]);
  await s.run({ input });
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < 10; i++) await s.run({ input });
  const sequential = Number(process.hrtime.bigint() - t0);
  t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: 10 }, () => s.run({ input })));
  const concurrent = Number(process.hrtime.bigint() - t0);
  const speedup = sequential / concurrent;
  console.log(`concurrent runs: ${speedup.toFixed(2)}x faster than sequential (intra 1, 10 runs)`);
  // The proof is structural, not a timing: runs were executing on several workers at once.
  // (The speed-up is measured and printed; make bench-node reports it.)
  assert.ok(onyx._internal.mostRunsInFlight() >= 2, `at most ${onyx._internal.mostRunsInFlight()} run(s) were ever in flight`);
});

test('runInto names are checked by core, as run\'s are', async () => {
  const s = Session.createSync(TINY);
  const a = Tensor.zeros('float', [16]);
  const out = Tensor.zeros('float', [16]);
  for (const [feeds, outputs, code, name] of [
    [{ a, b: a, nope: a }, { sum: out }, 'UNKNOWN_INPUT', 'nope'],
    [{ a, b: a }, { nope: out }, 'UNKNOWN_OUTPUT', 'nope'],
    [{ a, b: a }, { sum: a }, 'INVALID_ARGUMENT', 'sum'],
  ]) {
    await assert.rejects(s.runInto(feeds, outputs), (e) => e instanceof OnyxError && e.code === code && e.message.includes(name));
  }
  await s.runInto({ a, b: a }, { sum: out }); // the session still works
});

test('ErrorCode and LogLevel are onyx.h\'s ONYX_ERROR_* and ONYX_LOG_* (index.d.ts declares the same values)', () => {
  const header = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'include', 'onyx.h'), 'utf8');
  const defines = (prefix) => Object.fromEntries([...header.matchAll(new RegExp(`#define ONYX_${prefix}([A-Z0-9_]+) (\\d+)`, 'g'))]
    .map((m) => [m[1], Number(m[2])]));
  assert.deepStrictEqual({ ...onyx.ErrorCode }, defines('ERROR_'));
  assert.deepStrictEqual({ ...LogLevel }, defines('LOG_'));
  const names = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8').match(/type ErrorCodeName =([^;]*);/)[1].match(/'([A-Z0-9_]+)'/g).map((n) => n.slice(1, -1));
  assert.deepStrictEqual(names.sort(), Object.keys(defines('ERROR_')).sort(), 'index.d.ts ErrorCodeName');
  const declared = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8').match(/LogLevel: Readonly<\{([^}]*)\}>/)[1];
  assert.deepStrictEqual(Object.fromEntries(declared.split(';').map((e) => e.trim()).filter(Boolean).map((e) => e.split(': ')).map(([k, v]) => [k, Number(v)])), defines('LOG_'));
});

// --- operators with JavaScript kernels -----------------------------------------------

const CUSTOM = path.join(SUITE, 'fixtures', 'customops');
const X6 = f32(path.join(CUSTOM, 'scale_shift_x.f32'));
const Y6 = f32(path.join(CUSTOM, 'scale_shift_y.f32'));
const SCALE_SHIFT = { domain: 'dev.onyx.test', name: 'ScaleShift', inputs: ['float'], outputs: ['float'], attributes: { alpha: 'float', beta: 'float' } };
function scaleShift(ctx) {
  const alpha = ctx.attribute('alpha'); const beta = ctx.attribute('beta');
  const x = ctx.input(0);
  const y = ctx.output(0, x.dims);
  for (let i = 0; i < y.length; i++) y[i] = Math.fround(Math.fround(alpha * x.data[i]) + beta);
}
const sameBits = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

test('a JavaScript kernel\'s exception fails the run with KERNEL_FAILED "<name>: <message>"; the session stays usable', async () => {
  let mode = 'TypeError';
  const op = new onyx.Operator({ domain: 'dev.onyx.test', name: 'Fail', inputs: ['float'], outputs: ['float'] }, (ctx) => {
    if (mode === 'TypeError') throw new TypeError('host kernel failed on purpose');
    if (mode === 'string') throw 'a plain string'; // eslint-disable-line no-throw-literal
    if (mode === 'onyx') throw new OnyxError('SHAPE_MISMATCH', onyx.ErrorCode.SHAPE_MISMATCH, 'my own code');
    if (mode === 'index') { ctx.output(1, [1]); return; }
    if (mode === 'none') return;
    if (mode === 'promise') return Promise.resolve();
    const x = ctx.input(0);
    ctx.output(0, x.dims).set(x.data); // copy: the session works again
  });
  const s = await Session.create(path.join(CUSTOM, 'fail.onnx'), { operators: [op] });
  const feeds = { x: Tensor.copy(X6, [2, 3]) };
  const fails = (code, ...texts) => assert.rejects(s.run(feeds), (e) => {
    assert.ok(e instanceof OnyxError, String(e));
    assert.strictEqual(e.code, code, e.message);
    for (const t of texts) assert.ok(e.message.includes(t), `'${e.message}' lacks '${t}'`);
    return true;
  });
  await fails('KERNEL_FAILED', 'TypeError: host kernel failed on purpose', 'dev.onyx.test::Fail', "node 'fail'");
  assert.strictEqual(onyx.ErrorCode.KERNEL_FAILED, 22);
  mode = 'string'; await fails('KERNEL_FAILED', 'string: a plain string');
  mode = 'onyx'; await fails('SHAPE_MISMATCH', 'my own code');
  mode = 'index'; await fails('INDEX_OUT_OF_RANGE', 'output index 1 is out of range');
  mode = 'none'; await fails('KERNEL_FAILED', 'made no output 0');
  mode = 'promise'; await fails('KERNEL_FAILED', 'returned a Promise');
  mode = 'copy';
  const out = await s.run(feeds);
  assert.ok(sameBits(out.y.toFloat32Array(), X6), 'the session runs again after the failures');
});

test('concurrent runs share one JavaScript kernel: each answer is its own, the kernel runs on the JS thread', async () => {
  const { isMainThread } = require('worker_threads');
  let calls = 0; let offThread = 0;
  const op = new onyx.Operator(SCALE_SHIFT, (ctx) => { calls++; if (!isMainThread) offThread++; scaleShift(ctx); });
  const s = await Session.create(path.join(CUSTOM, 'scale_shift.onnx'), { operators: [op] });
  const n = 16;
  const inputs = Array.from({ length: n }, (_, k) => X6.map((v) => v + k));
  const outs = await Promise.all(inputs.map((x) => s.run({ x: Tensor.copy(x, [2, 3]) })));
  // The library's alpha and beta from the fixture (y = alpha x + beta): k shifts y by alpha k.
  const alpha = (Y6[1] - Y6[0]) / (X6[1] - X6[0]);
  const beta = Y6[0] - alpha * X6[0];
  outs.forEach((o, k) => {
    const want = inputs[k].map((v) => Math.fround(Math.fround(Math.fround(alpha) * v) + Math.fround(beta)));
    assert.ok(sameBits(o.y.toFloat32Array(), want), `run ${k}: ${o.y.toFloat32Array()} vs ${want}`);
  });
  assert.strictEqual(calls, n);
  assert.strictEqual(offThread, 0);
  // A kernel in a model with standard operators, a sync load, the sync session's runs.
  const mixed = Session.createSync(path.join(CUSTOM, 'scale_shift_mixed.onnx'), { operators: [op] });
  const got = await mixed.run({ x: Tensor.copy(f32(path.join(CUSTOM, 'scale_shift_mixed_x.f32')), [2, 3]) });
  assert.ok(sameBits(got.y.toFloat32Array(), f32(path.join(CUSTOM, 'scale_shift_mixed_y.f32'))));
});

test('operator definitions are checked; options take only Operators', async () => {
  const bad = (definition, kernel, code, text) => assert.throws(() => new onyx.Operator(definition, kernel),
    (e) => e instanceof OnyxError && e.code === code && e.message.includes(text));
  bad({ ...SCALE_SHIFT, domain: 'ai.onnx' }, scaleShift, 'INVALID_ARGUMENT', 'the domain must be your own');
  bad({ ...SCALE_SHIFT, outputs: [] }, scaleShift, 'INVALID_ARGUMENT', 'at least one output');
  bad({ ...SCALE_SHIFT, attributes: { alpha: 'complex' } }, scaleShift, 'INVALID_ARGUMENT', "unknown attribute kind 'complex'");
  bad(SCALE_SHIFT, 'not a function', 'INVALID_ARGUMENT', 'the kernel must be a function');
  await assert.rejects(Session.create(path.join(CUSTOM, 'scale_shift.onnx'), { operators: [{}] }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('an operator keeps no process alive and is released with its last session', async () => {
  // A child that makes an operator and a session, runs, keeps both, and must still exit.
  const script = `const o=require(${JSON.stringify(path.join(__dirname, '..'))});
    globalThis.keep = new o.Operator(${JSON.stringify(SCALE_SHIFT)}, (c) => { const x = c.input(0); c.output(0, x.dims).set(x.data); });
    o.Session.create(${JSON.stringify(path.join(CUSTOM, 'scale_shift.onnx'))}, { operators: [keep] })
      .then((s) => { globalThis.s = s; return s.run({ x: o.Tensor.copy(new Float32Array(6), [2, 3]) }); })
      .then((r) => console.log('ran', r.y.elementCount));`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30000 }).trim();
  assert.strictEqual(out, 'ran 6');
  // Here: once the Operator and its session are collected, the kernel function is too.
  let collected = false;
  const registry = new FinalizationRegistry(() => { collected = true; });
  await (async () => {
    const kernel = (ctx) => scaleShift(ctx);
    registry.register(kernel, 'kernel');
    const s = await Session.create(path.join(CUSTOM, 'scale_shift.onnx'), { operators: [new onyx.Operator(SCALE_SHIFT, kernel)] });
    await s.run({ x: Tensor.copy(X6, [2, 3]) });
  })();
  for (let i = 0; i < 50 && !collected; i++) { global.gc(); await new Promise((r) => setTimeout(r, 10)); }
  assert.ok(collected, 'the kernel function was not collected after its operator and session');
});

test('a worker thread makes its own operator and runs it; the worker exits cleanly', async () => {
  const script = `const { parentPort } = require('worker_threads');
    const o = require(${JSON.stringify(path.join(__dirname, '..'))});
    const op = new o.Operator(${JSON.stringify(SCALE_SHIFT)}, (c) => { const x = c.input(0); const y = c.output(0, x.dims); for (let i = 0; i < y.length; i++) y[i] = x.data[i] * 2; });
    o.Session.create(${JSON.stringify(path.join(CUSTOM, 'scale_shift.onnx'))}, { operators: [op] })
      .then((s) => Promise.all([1, 2, 3].map((k) => s.run({ x: o.Tensor.copy(new Float32Array(6).fill(k), [2, 3]) }))))
      .then((r) => parentPort.postMessage(r.map((t) => Array.from(t.y.toFloat32Array()))));`;
  const w = new Worker(script, { eval: true });
  const [result] = await Promise.all([new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); }), new Promise((r) => w.once('exit', r))]);
  assert.deepStrictEqual(result, [1, 2, 3].map((k) => new Array(6).fill(2 * k)));
});
