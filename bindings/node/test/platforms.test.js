'use strict';
// The addon's location per platform (each simulated), and the per-platform npm packages'
// manifests: one package per platform, its os/cpu matching, listed in optionalDependencies.
// Run by mk/platforms.mk (node --test test/platforms.test.js).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { _platform } = require('..');
const main = require('../package.json');

test('each built platform maps to its package, and a local prebuilt/ wins', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'onyx-node-platform-'));
  assert.deepStrictEqual(_platform.nativeLocation('linux', 'x64', empty), { package: 'onyx-onnx-linux-x64-gnu' });
  assert.deepStrictEqual(_platform.nativeLocation('linux', 'arm64', empty), { package: 'onyx-onnx-linux-arm64-gnu' });
  assert.deepStrictEqual(_platform.nativeLocation('win32', 'x64', empty), { package: 'onyx-onnx-win32-x64-gnu' });
  fs.mkdirSync(path.join(empty, 'prebuilt', 'linux-arm64'), { recursive: true });
  fs.writeFileSync(path.join(empty, 'prebuilt', 'linux-arm64', 'onyx.node'), '');
  assert.deepStrictEqual(_platform.nativeLocation('linux', 'arm64', empty), { path: path.join(empty, 'prebuilt', 'linux-arm64', 'onyx.node') });
  fs.rmSync(empty, { recursive: true });
  console.log('# [node] platform packages: ' + Object.entries(_platform.PLATFORM_PACKAGES).map(([k, v]) => `${k} -> ${v}`).join(', '));
});

test('a platform without an addon is refused by name', () => {
  for (const [platform, arch] of [['darwin', 'arm64'], ['win32', 'arm64'], ['linux', 'ia32'], ['freebsd', 'x64']]) {
    assert.throws(() => _platform.nativeLocation(platform, arch, os.tmpdir()),
      (e) => e.message.includes(`no native addon for ${platform}-${arch}`) && e.message.includes('linux-x64, linux-arm64, win32-x64'));
  }
  assert.throws(() => _platform.nativeLocation('darwin', 'x64', os.tmpdir()), /macOS is not built yet/);
});

test('optionalDependencies name one package per platform, at this version', () => {
  assert.deepStrictEqual(Object.keys(main.optionalDependencies).sort(), Object.values(_platform.PLATFORM_PACKAGES).sort());
  for (const version of Object.values(main.optionalDependencies)) assert.strictEqual(version, main.version);
  assert.ok(!main.files.includes('prebuilt/'), 'the main package carries no addon: each platform has its own package');
});

// The packed platform packages, when mk/platforms.mk passes their folder.
const packed = process.env.ONYX_NODE_PLATFORM_PACKAGES;
test('each platform package declares its os and cpu and holds its addon and ONNX Runtime', { skip: !packed && 'ONYX_NODE_PLATFORM_PACKAGES not set' }, () => {
  const want = { 'onyx-onnx-linux-x64-gnu': ['linux', 'x64'], 'onyx-onnx-linux-arm64-gnu': ['linux', 'arm64'], 'onyx-onnx-win32-x64-gnu': ['win32', 'x64'] };
  for (const [name, [platform, cpu]] of Object.entries(want)) {
    const dir = path.join(packed, name);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    assert.deepStrictEqual([manifest.name, manifest.version, manifest.os, manifest.cpu], [name, main.version, [platform], [cpu]]);
    assert.strictEqual(manifest.main, 'onyx.node');
    for (const file of manifest.files) assert.ok(fs.existsSync(path.join(dir, file)), `${name}: ${file} missing`);
    assert.ok(manifest.files.includes(platform === 'win32' ? 'onnxruntime.dll' : 'libonnxruntime.so.1.31.1'), `${name}: no ONNX Runtime`);
  }
});
