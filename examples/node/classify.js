'use strict';
// Classifies the suite's three images with ResNet18 through Onyx. Usage: node classify.js <tests/suite folder>
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
}

main().catch((e) => { console.error(e); process.exit(1); });
