'use strict';
// ONNX's backend test suite through Onyx for Node.js, one process for every case: the
// cases the generator wrote under $ONYX_CONFORMANCE (tests/conformance/README.md), run as
// core/tests/conformance.rs runs them (sessions with one intra-op and one inter-op
// thread). Where ONNX Runtime's Python binding passes, Onyx must pass; where it gives its
// own values, Onyx must give them; where it fails, Onyx must fail cleanly (an OnyxError).
// Prints `[node] conformance FAIL <case>: <why>` per failed case and
// `[node] conformance <group>: N passed, M failed` per group (sorted); exits 1 when a
// case failed. ONYX_CONFORMANCE_FILTER=text runs only the cases whose folder contains it.
const fs = require('fs');
const path = require('path');
const { runCase } = require('./values');
const { OnyxRuntime } = require('..');

const LANG = 'node';

function oneLine(text) {
  const flat = String(text).replace(/\n/g, ' ');
  const chars = Array.from(flat);
  return chars.length > 300 ? chars.slice(0, 300).join('') + '...' : flat;
}

/** The case folders index.txt lists; it ends with `end <count>` once complete. */
function readIndex(root) {
  const file = path.join(root, 'index.txt');
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new Error(`cannot read ${file}: ${e.message} (make conformance-fixtures writes it)`); }
  const cases = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('end ')) {
      const count = line.slice(4);
      if (/^\d+$/.test(count) && Number(count) === cases.length) return cases;
      throw new Error(`${file} says ${count} cases but lists ${cases.length}`);
    }
    cases.push(line);
  }
  throw new Error(`${file} has no end line: the generator did not finish`);
}

async function main() {
  const root = process.env.ONYX_CONFORMANCE;
  if (!root) {
    console.error(`[${LANG}] conformance: ONYX_CONFORMANCE is not set (make test sets it to .cache/conformance)`);
    return 2;
  }
  let cases;
  try { cases = readIndex(root); } catch (e) { console.error(`[${LANG}] conformance: ${e.message}`); return 2; }
  // ONNX Runtime logs the errors of the cases that must fail; a failed case's line says why.
  OnyxRuntime.setLogLevel(process.env.ONYX_CONFORMANCE_LOG || 'FATAL');
  const filter = process.env.ONYX_CONFORMANCE_FILTER || '';
  const options = { intraOpThreads: 1, interOpThreads: 1 };
  const counts = new Map(); // group -> [passed, failed]
  for (const c of cases.filter((name) => name.includes(filter))) {
    const group = c.split('/')[0];
    let why;
    try { why = await runCase(path.join(root, c), options); } catch (e) { why = `the runner failed: ${e && e.stack}`; }
    if (!counts.has(group)) counts.set(group, [0, 0]);
    const entry = counts.get(group);
    if (why === null) entry[0]++;
    else {
      entry[1]++;
      console.log(`[${LANG}] conformance FAIL ${c}: ${oneLine(why)}`);
    }
  }
  let failed = 0;
  for (const group of [...counts.keys()].sort()) {
    const [pass, fail] = counts.get(group);
    console.log(`[${LANG}] conformance ${group}: ${pass} passed, ${fail} failed`);
    failed += fail;
  }
  return failed > 0 ? 1 : 0;
}

main().then((status) => { process.exitCode = status; }, (e) => { console.error(e); process.exitCode = 2; });
