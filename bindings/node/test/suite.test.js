'use strict';
// The shared ResNet18 suite (tests/suite/spec.txt) under node --test. Every expected
// value comes from spec.txt and its fixtures; prints [node] PASS/FAIL/SKIP lines.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const onyx = require('..');
const { Session, Tensor, OnyxError, BFloat16, Float16, OnyxRuntime, LogLevel, SharedWeights } = onyx;
const crypto = require('crypto');
const { runCase, readCase } = require('./values');

const SUITE = process.env.ONYX_SUITE_DIR || path.join(__dirname, '..', '..', '..', 'tests', 'suite');
const LANG = 'node';

function parseSpec(file) {
  const blocks = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n').split(/\n\s*\n/);
  const parsed = blocks.map((b) => b.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const sp = l.indexOf(' ');
    return sp < 0 ? [l, ''] : [l.slice(0, sp), l.slice(sp + 1)];
  })).filter((b) => b.length > 0);
  const header = Object.fromEntries(parsed[0]);
  const cases = parsed.slice(1).map((fields) => ({
    fields,
    get(k) { const f = fields.find(([key]) => key === k); if (!f) throw new Error(`case has no '${k}'`); return f[1]; },
    has(k) { return fields.some(([key]) => key === k); },
    all(k) { return fields.filter(([key]) => key === k).map(([, v]) => v); },
  }));
  for (const c of cases) c.name = c.get('case');
  return { header, cases };
}

const spec = parseSpec(path.join(SUITE, 'spec.txt'));
const rel = (p) => path.join(SUITE, p);
const shapeOf = (s) => s.split(',').map(Number);
function f32(file) {
  const b = fs.readFileSync(rel(file));
  const copy = new Uint8Array(b.byteLength); copy.set(b);
  return new Float32Array(copy.buffer);
}
const INPUT_SHAPE = [1, 3, 224, 224];
function code(c) { const [name, num] = c.get('code').split(' '); return { name, num: Number(num) }; }

function within(got, expected, atol, rtol, what) {
  assert.strictEqual(got.length, expected.length, `${what}: ${got.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= atol + rtol * Math.abs(expected[i]))) {
      assert.fail(`${what}: element ${i} is ${got[i]}, expected ${expected[i]} (atol ${atol}, rtol ${rtol})`);
    }
  }
}
function top5(v) {
  return Array.from(v.keys()).sort((a, b) => v[b] - v[a] || a - b).slice(0, 5);
}
const tol = (c) => [Number(c.get('atol')), Number(c.get('rtol'))];

let defaultSession;
function session() {
  if (!defaultSession) defaultSession = Session.createSync(rel(spec.header.model));
  return defaultSession;
}
async function logitsOf(s, input, shape = INPUT_SHAPE) {
  const out = await s.run({ input: Tensor.copy(input, shape) });
  return out.logits.toFloat32Array();
}
const classify0 = spec.cases.find((c) => c.name === 'classify_0');
async function followUp(s) {
  const got = await logitsOf(s, f32(classify0.get('input')));
  within(got, f32(classify0.get('expected')), ...tol(classify0), 'follow-up run');
}
async function expectError(c, fn) {
  const want = code(c);
  let err;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err, `no error; expected ${want.name}`);
  assert.ok(err instanceof OnyxError, `not an OnyxError: ${err && err.stack}`);
  assert.strictEqual(err.code, want.name, `code ${err.code} (${err.message}), expected ${want.name}`);
  assert.strictEqual(err.number, want.num);
  for (const text of c.all('message_contains')) {
    assert.ok(err.message.includes(text), `message '${err.message}' lacks '${text}'`);
  }
}
/** Session options with the case's `libraries` (own, extensions), its model, one run on its `input` lines. */
async function loadAndRun(c) {
  const libraries = c.has('libraries') ? c.get('libraries').split(' ').map((w) => rel(spec.header[`custom_op_library_${w}`])) : undefined;
  const s = await Session.create(rel(c.get('model')), { customOpLibraries: libraries, operators: hostOperators(c) });
  const feeds = {};
  for (const line of c.all('input')) {
    const [name, file, shape] = line.split(' ');
    feeds[name] = Tensor.copy(f32(file), shapeOf(shape));
  }
  return s.run(feeds);
}
const HOST_KERNEL_FAILURE = 'host kernel failed on purpose';
/** The case's `operator <domain> <name>`: one of the suite's two kernels, written in JavaScript
 * (ScaleShift: y = alpha * x + beta in float32, Math.fround at each step; Fail: throws Error),
 * with any `declare_attribute <name> <KIND>` lines added to its definition. */
function hostOperators(c) {
  if (!c.has('operator')) return undefined;
  const [domain, name] = c.get('operator').split(' ');
  const attributes = name === 'ScaleShift' ? { alpha: 'float', beta: 'float' } : {};
  for (const line of c.all('declare_attribute')) {
    const [attribute, kind] = line.split(' ');
    attributes[attribute] = kind;
  }
  const kernels = {
    ScaleShift(ctx) {
      const alpha = ctx.attribute('alpha'); const beta = ctx.attribute('beta');
      const x = ctx.input(0);
      const y = ctx.output(0, x.dims);
      for (let i = 0; i < y.length; i++) y[i] = Math.fround(Math.fround(alpha * x.data[i]) + beta);
    },
    Fail() { throw new Error(HOST_KERNEL_FAILURE); },
  };
  if (!kernels[name]) throw new Error(`the suite has no host kernel ${name}`);
  return [new onyx.Operator({ domain, name, inputs: ['float'], outputs: ['float'], attributes }, kernels[name])];
}
/** The SHA-256 a case pins for a file it reads. */
function checkSha256(file, want) {
  const got = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  assert.strictEqual(got, want, `${file}: SHA-256 ${got}, spec.txt pins ${want}`);
}
/** The OCR recogniser's text: greedy CTC over output 0 ([1, steps, classes]): the best class
 * per step, repeats collapsed, blanks (class 0) dropped; class i is the model's `character`
 * metadata line i-1 (split on \n), a class past them a space. */
async function recognise(s, image) {
  const out = await s.run({ [s.inputs[0].name]: image });
  const probabilities = out[s.outputs[0].name];
  const classes = probabilities.shape[probabilities.shape.length - 1];
  const dictionary = (s.metadata.custom.character || '').split('\n');
  const p = probabilities.toFloat32Array();
  let text = ''; let previous = 0;
  for (let at = 0; at < p.length; at += classes) {
    let best = 0;
    for (let i = 1; i < classes; i++) if (p[at + i] > p[at + best]) best = i;
    if (best !== 0 && best !== previous) text += best <= dictionary.length ? dictionary[best - 1] : ' ';
    previous = best;
  }
  return text;
}
const TINY_FOR_LIBRARIES = rel(spec.header.tiny_model);
/** The GC, exposed by --expose-gc (make test-node) or, without it, through V8's flag. */
const collect = typeof global.gc === 'function' ? global.gc : (() => {
  require('v8').setFlagsFromString('--expose-gc');
  return require('vm').runInNewContext('gc');
})();
const tick = () => new Promise((r) => setImmediate(r));
/** `level` / `quiet_level` lines: `NAME number`; the binding's LogLevel must agree. */
function logLevel(c, key) {
  const [name, num] = c.get(key).split(' ');
  assert.strictEqual(LogLevel[name], Number(num), `LogLevel.${name}`);
  return LogLevel[name];
}
const bitsEqual = (a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** `sessions` sessions on `group`: each within tolerance and bit-identical to an unshared
 * session, the model's weights held once while they live. */
async function sharedSessions(c, group) {
  const input = f32(c.get('input'));
  const plain = await logitsOf(session(), input);
  const sessions = [];
  for (let i = 0; i < Number(c.get('sessions')); i++) {
    sessions.push(await Session.create(rel(spec.header.model), { sharedWeights: group }));
    const got = await logitsOf(sessions[i], input);
    within(got, f32(c.get('expected')), ...tol(c), `session ${i}`);
    assert.ok(bitsEqual(got, plain), `session ${i}: the logits differ from an unshared session's`);
  }
  const minBytes = Number(c.get('min_shared_bytes'));
  assert.ok(group.modelCount === 1 && group.byteLength >= minBytes,
    `the group holds ${group.modelCount} models and ${group.byteLength} bytes, expected 1 model and at least ${minBytes} bytes`);
}

const KINDS = {
  async runtime_info(c) {
    session();
    assert.strictEqual(OnyxRuntime.version(), c.get('ort_version'));
  },
  async model_info(c) {
    const s = session();
    const check = (list, key) => {
      const want = c.all(key);
      assert.strictEqual(list.length, want.length, `${key} count`);
      want.forEach((line, i) => {
        const [name, type, shape, dims] = line.split(' ');
        const v = list[i];
        assert.strictEqual(v.name, name);
        assert.strictEqual(v.elementType, Number(type));
        assert.deepStrictEqual(v.shape, shapeOf(shape));
        assert.deepStrictEqual(v.dimNames, dims.split(','));
      });
    };
    check(s.inputs, 'input');
    check(s.outputs, 'output');
    const metaKey = { producer: 'producer', graph_name: 'graphName', domain: 'domain', description: 'description', version: 'version' };
    for (const line of c.all('meta')) {
      const sp = line.indexOf(' ');
      const key = line.slice(0, sp); const value = line.slice(sp + 1);
      if (!(key in metaKey)) assert.fail(`unknown meta key '${key}'`);
      assert.strictEqual(String(s.metadata[metaKey[key]]), value, `meta ${key}`);
    }
    const want = Object.fromEntries(c.all('custom').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
    assert.deepStrictEqual(s.metadata.custom, want);
  },
  async classify(c) {
    const got = await logitsOf(session(), f32(c.get('input')), shapeOf(c.get('shape')));
    within(got, f32(c.get('expected')), ...tol(c), c.name);
    assert.deepStrictEqual(top5(got), c.get('top5').split(' ').map(Number));
  },
  async batch(c) {
    const inputs = c.get('inputs').split(' ').map(f32);
    const all = new Float32Array(inputs.length * 150528);
    inputs.forEach((x, i) => all.set(x, i * 150528));
    const got = await logitsOf(session(), all, [inputs.length, 3, 224, 224]);
    c.get('expected').split(' ').forEach((e, i) => within(got.subarray(i * 1000, (i + 1) * 1000), f32(e), ...tol(c), `row ${i}`));
  },
  async from_bytes(c) {
    const bytes = fs.readFileSync(rel(spec.header.model));
    const s = await Session.create(bytes);
    const input = f32(c.get('input'));
    const a = await logitsOf(s, input); const b = await logitsOf(session(), input);
    assert.ok(bitsEqual(a, b), 'from bytes differs from from file');
    within(a, f32(c.get('expected')), ...tol(c), c.name);
  },
  async zero_copy_input(c) {
    const input = f32(c.get('input'));
    const t = Tensor.borrow(input, INPUT_SHAPE);
    assert.strictEqual(t.dataAddress, onyx._internal.addressOf(input));
    const out = await session().run({ input: t });
    within(out.logits.toFloat32Array(), f32(c.get('expected')), ...tol(c), c.name);
  },
  async output_into_caller(c) {
    const buf = new Float32Array(shapeOf(c.get('output_shape')).reduce((a, b) => a * b, 1));
    const out = Tensor.borrow(buf, shapeOf(c.get('output_shape')));
    await session().runInto({ input: Tensor.copy(f32(c.get('input')), INPUT_SHAPE) }, { logits: out });
    within(buf, f32(c.get('expected')), ...tol(c), c.name);
  },
  async threads(c) {
    const s = session(); const input = f32(c.get('input'));
    const alone = await logitsOf(s, input);
    const n = Number(c.get('threads')); const runs = Number(c.get('runs'));
    const results = await Promise.all(Array.from({ length: n }, async () => {
      const r = [];
      for (let k = 0; k < runs; k++) r.push(await logitsOf(s, input));
      return r;
    }));
    results.flat().forEach((r, i) => assert.ok(bitsEqual(r, alone), `run ${i} differs`));
  },
  async options(c) {
    const o = {};
    if (c.has('intra_threads')) o.intraOpThreads = Number(c.get('intra_threads'));
    else if (c.has('optimization')) o.optimization = c.get('optimization');
    else if (c.has('memory_arena')) o.cpuMemoryArena = c.get('memory_arena') === 'on';
    else if (c.has('memory_pattern')) o.memoryPattern = c.get('memory_pattern') === 'on';
    else assert.fail('unknown option');
    const s = await Session.create(rel(spec.header.model), o);
    within(await logitsOf(s, f32(c.get('input'))), f32(c.get('expected')), ...tol(c), c.name);
  },
  async terminate(c) {
    const n = Number(c.get('batch')); const input = f32(c.get('input'));
    const all = new Float32Array(n * 150528);
    for (let i = 0; i < n; i++) all.set(input, i * 150528);
    const ac = new AbortController();
    const p = session().run({ input: Tensor.copy(all, [n, 3, 224, 224]) }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expectError(c, () => p);
    await followUp(session());
  },
  async float_vectors(c) {
    let checked = 0;
    for (const [key, conv] of [['bfloat16', BFloat16], ['float16', Float16]]) {
      for (const line of fs.readFileSync(rel(c.get(key)), 'utf8').split('\n')) {
        if (line.startsWith('#') || line.trim() === '') continue;
        const [f, h] = line.trim().split(/\s+/);
        const got = conv.fromFloatBits(parseInt(f, 16) >>> 0);
        if (got !== parseInt(h, 16)) assert.fail(`${key}: ${f} gave ${got.toString(16)}, expected ${h}`);
        checked++;
      }
    }
    assert.ok(checked > 0);
  },
  async profiling(c) {
    const s = await Session.create(rel(spec.header.model), { profilingPrefix: path.join(require('os').tmpdir(), c.get('prefix')) });
    within(await logitsOf(s, f32(c.get('input'))), f32(c.get('expected')), ...tol(c), 'run');
    const file = s.endProfiling();
    const events = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.unlinkSync(file);
    assert.ok(Array.isArray(events), 'a JSON array');
    assert.ok(JSON.stringify(events).replace(/\s/g, '').includes(c.get('contains')), `no ${c.get('contains')}`);
  },
  async run_config(c) {
    const out = await session().run({ input: Tensor.copy(input0(), INPUT_SHAPE) }, { config: { [c.get('key')]: c.get('value') } });
    within(out.logits.toFloat32Array(), f32(c.get('expected')), ...tol(c), 'run');
  },
  async dimension_override(c) {
    const s = await Session.create(rel(spec.header.model), { freeDimensionOverrides: { [c.get('dimension')]: Number(c.get('value')) } });
    assert.deepStrictEqual(s.inputs[0].shape, shapeOf(c.get('input_shape')), 'input 0 shape');
    within(await logitsOf(s, f32(c.get('input'))), f32(c.get('expected')), ...tol(c), 'run');
    await expectError(c, () => s.run({ input: Tensor.zeros('float', shapeOf(c.get('wrong_shape'))) }));
  },
  async host_kernel(c) { await KINDS.custom_op(c); },
  async custom_op(c) {
    const outputs = await loadAndRun(c);
    const wanted = c.all('output');
    assert.strictEqual(Object.keys(outputs).length, wanted.length, 'outputs');
    for (const line of wanted) {
      const [name, file] = line.split(' ');
      within(outputs[name].toFloat32Array(), f32(file), ...tol(c), `output ${name}`);
    }
  },
  async hostile_model(c) {
    const model = path.resolve(SUITE, c.get('model')); // an absolute path stays as it is
    const source = c.get('load') === 'bytes' ? fs.readFileSync(model) : model;
    const start = process.hrtime.bigint();
    const load = async () => {
      const s = await Session.create(source);
      if (c.has('custom_count')) assert.strictEqual(Object.keys(s.metadata.custom).length, Number(c.get('custom_count')), 'custom metadata entries');
    };
    if (c.get('code') === 'OK') await load();
    else await expectError(c, load);
    const took = Number(process.hrtime.bigint() - start) / 1e9;
    assert.ok(took <= Number(c.get('seconds')), `the load took ${took.toFixed(2)} s, more than ${c.get('seconds')} s`);
    await followUp(session());
  },
  async async_runs(c) {
    const inputs = c.get('inputs').split(' ').map(f32);
    const expected = c.get('expected').split(' ').map(f32);
    const cancel = Number(c.get('cancel'));
    const controllers = inputs.map(() => new AbortController());
    const runs = inputs.map((x, i) => session().run({ input: Tensor.copy(x, INPUT_SHAPE) }, { signal: controllers[i].signal }));
    controllers[cancel].abort(); // right after starting them all
    const settled = await Promise.allSettled(runs);
    for (let i = 0; i < settled.length; i++) {
      const r = settled[i];
      if (i === cancel) {
        // Too late, the run would have resolved: its rejection is the cancel's "in time".
        assert.strictEqual(r.status, 'rejected', `run ${i} was cancelled too late: it completed`);
        await expectError(c, () => Promise.reject(r.reason));
      } else {
        assert.strictEqual(r.status, 'fulfilled', `run ${i} failed: ${r.reason && r.reason.message}`);
        within(r.value.logits.toFloat32Array(), expected[i], ...tol(c), `run ${i}`);
      }
    }
    await followUp(session());
  },
  async async_close(c) {
    // Node closes a session through the GC: start the run, drop the session, collect it while
    // the run is in flight; the run still completes (it holds the native session).
    let s = await Session.create(rel(spec.header.model));
    let collected = false; let runSettled = false;
    const registry = new FinalizationRegistry(() => { collected = true; });
    registry.register(s, 'session');
    const p = s.run({ input: Tensor.copy(f32(c.get('input')), INPUT_SHAPE) });
    p.then(() => { runSettled = true; }, () => { runSettled = true; });
    s = null;
    // A tick first: until this turn is over the engine may still hold the object.
    for (let i = 0; i < 50 && !collected && !runSettled; i++) { await tick(); collect(); await tick(); }
    const inFlight = collected && !runSettled;
    const out = await p;
    assert.ok(inFlight, collected ? 'the run was over before the session was collected' : 'the session was never collected');
    within(out.logits.toFloat32Array(), f32(c.get('expected')), ...tol(c), c.name);
  },
  async external_data(c) {
    const model = rel(c.get('model'));
    const input = f32(c.get('input'));
    const byPath = await logitsOf(await Session.create(model), input);
    within(byPath, f32(c.get('expected')), ...tol(c), 'loaded from the path');
    const fromBytes = await Session.create(fs.readFileSync(model), { externalData: { [c.get('data_file')]: fs.readFileSync(rel(c.get('data'))) } });
    const byMemory = await logitsOf(fromBytes, input);
    assert.ok(bitsEqual(byMemory, byPath), 'the logits with the data in memory differ from those from the path');
  },
  async external_data_outside(c) {
    const s = await Session.create(rel(c.get('model')), { externalDataOutsideModelFolder: true });
    const [name, file, shape] = c.get('input').split(' ');
    const [outName, outFile] = c.get('output').split(' ');
    const out = await s.run({ [name]: Tensor.copy(f32(file), shapeOf(shape)) });
    within(out[outName].toFloat32Array(), f32(outFile), ...tol(c), `output ${outName}`);
  },
  async ocr(c) {
    const model = rel(c.get('model'));
    checkSha256(model, c.get('model_sha256'));
    checkSha256(rel(c.get('input')), c.get('input_sha256'));
    const s = await Session.create(model);
    const got = await recognise(s, Tensor.copy(f32(c.get('input')), shapeOf(c.get('shape'))));
    assert.strictEqual(got, c.get('text'), `read ${JSON.stringify(got)}, ONNX Runtime's Python binding read ${JSON.stringify(c.get('text'))}`);
  },
  async values(c) {
    const dir = rel(c.get('dir'));
    checkSha256(readCase(dir).model, c.get('model_sha256'));
    const why = await runCase(dir);
    if (why !== null) assert.fail(why);
  },
  async shared_weights(c) {
    const group = new SharedWeights();
    await sharedSessions(c, group); // its frame, and the sessions it made, are gone when it returns
    // Node has no close: the sessions go when the GC collects them.
    for (let k = 0; k < 50 && group.modelCount !== 0; k++) { collect(); await tick(); }
    assert.strictEqual(group.modelCount, 0, 'the group still holds a model after its sessions were collected');
  },
  async log_callback(c) {
    const low = logLevel(c, 'level'); const high = logLevel(c, 'quiet_level');
    const text = c.get('message_contains');
    let lines = [];
    let loud; let quiet;
    OnyxRuntime.setLogCallback((level, category, message) => lines.push({ level, category, message }));
    try {
      OnyxRuntime.setLogLevel(low);
      Session.createSync(TINY_FOR_LIBRARIES); // logs on this thread (and ONNX Runtime's)
      await OnyxRuntime.flushLog();
      loud = lines; lines = [];
      OnyxRuntime.setLogLevel(high);
      await Session.create(TINY_FOR_LIBRARIES); // on a worker
      await OnyxRuntime.flushLog();
      quiet = lines;
    } finally {
      OnyxRuntime.setLogLevel(LogLevel.WARNING);
      OnyxRuntime.setLogCallback(null);
    }
    assert.ok(loud.length > 0, `no log line reached the callback at level ${low}`);
    const below = loud.filter((l) => l.level < low);
    assert.strictEqual(below.length, 0, `${below.length} lines below level ${low} reached the callback`);
    assert.ok(loud.some((l) => l.message.includes(text)), `no line contains '${text}' (first line: [${loud[0].category}] ${loud[0].message})`);
    assert.strictEqual(quiet.length, 0, `${quiet.length} lines reached the callback at level ${high}`);
  },
  async error(c) {
    const trigger = c.get('trigger');
    const fn = TRIGGERS[trigger];
    if (!fn) assert.fail(`unknown trigger '${trigger}'`);
    await fn(c);
  },
};

const input0 = () => f32(classify0.get('input'));
const TRIGGERS = {
  async async_bad_input(c) {
    const shape = shapeOf(c.get('shape'));
    let p;
    assert.doesNotThrow(() => { p = session().run({ input: Tensor.zeros('float', shape) }); }, 'the call itself must not throw');
    assert.ok(p instanceof Promise, 'run gives a Promise');
    await expectError(c, () => p);
    await followUp(session());
  },
  async external_data_outside(c) {
    await expectError(c, () => Session.create(rel(c.get('model'))));
    await followUp(session());
  },
  async end_profiling(c) { await expectError(c, async () => session().endProfiling()); await followUp(session()); },
  async run_config_value(c) {
    await expectError(c, () => session().run({ input: Tensor.copy(input0(), INPUT_SHAPE) }, { config: { [c.get('key')]: c.get('value') } }));
    await followUp(session());
  },
  async free_dimension_override(c) {
    await expectError(c, () => Session.create(TINY_FOR_LIBRARIES, { freeDimensionOverrides: { [c.get('dimension')]: Number(c.get('value')) } }));
    await followUp(session());
  },
  async load_and_run(c) { await expectError(c, () => loadAndRun(c)); await followUp(session()); },
  async host_kernel(c) { await expectError(c, () => loadAndRun(c)); await followUp(session()); },
  async custom_op_library(c) {
    await expectError(c, () => Session.create(TINY_FOR_LIBRARIES, { customOpLibraries: [rel(c.get('library'))] }));
    await followUp(session());
  },
  async missing_model_file(c) { await expectError(c, () => Session.create(rel(c.get('path')))); },
  async corrupt_bytes(c) {
    const b = Uint8Array.from(fs.readFileSync(rel(spec.header.model)).subarray(0, 1000), (x) => x ^ 0x5a);
    await expectError(c, () => Session.create(b));
  },
  async empty_bytes(c) { await expectError(c, () => Session.create(new Uint8Array(0))); },
  async input_shape(c) {
    const shape = shapeOf(c.get('shape'));
    await expectError(c, async () => session().run({ input: Tensor.copy(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape) }));
    await followUp(session());
  },
  async buffer_length(c) {
    await expectError(c, () => Tensor.copy(new Float32Array(Number(c.get('elements'))), shapeOf(c.get('shape'))));
  },
  async element_type(c) {
    await expectError(c, () => session().run({ input: Tensor.zeros(Number(c.get('elem_type')), INPUT_SHAPE) }));
    await followUp(session());
  },
  async unknown_input(c) {
    const t = Tensor.copy(input0(), INPUT_SHAPE);
    await expectError(c, () => session().run({ input: t, [c.get('input_name')]: t }));
    await followUp(session());
  },
  async missing_input(c) { await expectError(c, () => session().run({})); await followUp(session()); },
  async no_outputs(c) {
    await expectError(c, () => session().run({ input: Tensor.copy(input0(), INPUT_SHAPE) }, { outputs: [] }));
    await followUp(session());
  },
  async unknown_output(c) {
    await expectError(c, () => session().run({ input: Tensor.copy(input0(), INPUT_SHAPE) }, { outputs: [c.get('output_name')] }));
    await followUp(session());
  },
  async output_shape(c) {
    const shape = shapeOf(c.get('output_shape'));
    await expectError(c, () => session().runInto({ input: Tensor.copy(input0(), INPUT_SHAPE) }, { logits: Tensor.zeros('float', shape) }));
    await followUp(session());
  },
  async read_as(c) {
    const out = await session().run({ input: Tensor.copy(input0(), INPUT_SHAPE) });
    await expectError(c, () => out.logits.toArray(Number(c.get('elem_type'))));
    await followUp(session());
  },
  async output_aliases_input(c) {
    const t = Tensor.copy(input0(), INPUT_SHAPE);
    await expectError(c, () => session().runInto({ input: t }, { logits: t }));
    await followUp(session());
  },
  async intra_threads(c) {
    await expectError(c, () => Session.create(rel(spec.header.model), { intraOpThreads: Number(c.get('threads')) }));
  },
  async input_index(c) { await expectError(c, () => session().input(Number(c.get('index')))); },
  async runtime_path_missing(c) {
    const script = `const o=require(${JSON.stringify(path.join(__dirname, '..'))});
      try { o.Session.createSync(${JSON.stringify(rel(spec.header.tiny_model))}); console.log('no error'); }
      catch (e) { console.log(JSON.stringify({code: e.code, number: e.number, message: e.message})); }`;
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, ONYX_ORT_LIBRARY: c.get('path') }, encoding: 'utf8' }).trim();
    let e;
    try { e = JSON.parse(out); } catch (_) { assert.fail(`child printed: ${out}`); }
    await expectError(c, () => { throw new OnyxError(e.code, e.number, e.message); });
  },
};

const counts = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
test('shared ResNet18 suite', async (t) => {
  for (const c of spec.cases) {
    if (c.has('langs') && !c.get('langs').split(' ').includes(LANG)) {
      lines.push(`[${LANG}] SKIP ${c.name}: only for ${c.get('langs')}`); counts.skipped++;
      console.log(lines[lines.length - 1]);
      continue;
    }
    const kind = c.get('kind');
    try {
      const fn = KINDS[kind];
      if (!fn) throw new Error(`unknown kind '${kind}'`);
      await fn(c);
      lines.push(`[${LANG}] PASS ${c.name}`); counts.passed++;
    } catch (e) {
      lines.push(`[${LANG}] FAIL ${c.name}: ${String(e && e.message).split('\n')[0]}`); counts.failed++;
    }
    console.log(lines[lines.length - 1]);
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  assert.strictEqual(counts.failed, 0, lines.filter((l) => l.includes(' FAIL ')).join('\n'));
});
