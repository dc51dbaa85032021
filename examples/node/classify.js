'use strict';
// Classifies the suite's three images with ResNet18 through Onyx, then reads the suite's
// rendered text line with PP-OCRv4 (`reads: Hello 0nyx 2026`). Usage: node classify.js <tests/suite folder>
const fs = require('fs');
const path = require('path');
const { Session, Tensor, OnyxRuntime } = require('onyx-onnx');

/** @param {string} role @param {import('onyx-onnx').ValueInfo} info */
function describe(role, info) {
  const dims = info.shape.map((d, i) => info.dimNames[i] || String(d)).join(',');
  console.log(`  ${role} ${info.name}: element type ${info.elementType}, shape [${dims}]`);
}

/** Raw little-endian float32, as the suite's fixtures are stored. @param {string} file */
function readFloats(file) {
  const b = fs.readFileSync(file);
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

/** @param {Float32Array} logits */
function top5(logits) {
  return Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]).slice(0, 5).join(' ');
}

/** The `key value` lines of spec.txt's case `name` (here ocr_hello: model, input, shape). @param {string} suite @param {string} name */
function specCase(suite, name) {
  const blocks = fs.readFileSync(path.join(suite, 'spec.txt'), 'utf8').split(/\n\s*\n/);
  /** @type {Record<string, string>} */
  const fields = {};
  const block = blocks.find((b) => b.split('\n').includes(`case ${name}`)) || '';
  for (const line of block.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !line.startsWith('#') && !(line.slice(0, sp) in fields)) fields[line.slice(0, sp)] = line.slice(sp + 1);
  }
  return fields;
}

/**
 * The text of one rendered line: PP-OCRv4's output 0 holds, per time step, a probability per
 * class; the best class per step, repeats collapsed, blanks (class 0) dropped, class i the
 * model's `character` metadata line i-1 and the class after them a space (greedy CTC).
 * @param {string} suite
 */
async function readTextLine(suite) {
  const ocr = specCase(suite, 'ocr_hello');
  const session = await Session.create(path.join(suite, ocr.model));
  const image = Tensor.copy(readFloats(path.join(suite, ocr.input)), ocr.shape.split(',').map(Number));
  const outputs = await session.run({ [session.inputs[0].name]: image });
  const probabilities = outputs[session.outputs[0].name];
  const classes = probabilities.shape[probabilities.shape.length - 1];
  const symbols = (session.metadata.custom.character || '').split('\n');
  const p = probabilities.toFloat32Array();
  let text = '';
  let previous = 0;
  for (let step = 0; step < p.length; step += classes) {
    let best = 0;
    for (let i = 1; i < classes; i++) if (p[step + i] > p[step + best]) best = i;
    if (best !== 0 && best !== previous) text += best <= symbols.length ? symbols[best - 1] : ' ';
    previous = best;
  }
  return text;
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node classify.js <tests/suite folder>');
    process.exit(2);
  }
  const suite = process.argv[2];
  const model = path.join(suite, 'fixtures', 'resnet18.onnx');
  const session = await Session.create(model);
  console.log(`Onyx Node.js, ONNX Runtime ${OnyxRuntime.version()}, model ${model}`);
  describe('input', session.input(0));
  describe('output', session.output(0));
  for (let image = 0; image < 3; image++) {
    const pixels = readFloats(path.join(suite, 'fixtures', `input_${image}.f32`));
    const start = process.hrtime.bigint();
    const outputs = await session.run({ input: Tensor.copy(pixels, [1, 3, 224, 224]) });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`input_${image}: top5 ${top5(outputs.logits.toFloat32Array())} (${ms.toFixed(1)} ms)`);
  }
  console.log(`reads: ${await readTextLine(suite)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
