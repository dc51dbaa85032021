#!/usr/bin/env python3
"""The mutation smoke test: truncations and bit flips of the suite's models and of
an ONNX-Runtime-format (.ort) copy, each loaded and run in its own child process
(tests/hardening/load_run.c, through the C ABI) with a timeout. Every child must
end with a status line and exit 0: a signal, a timeout or a missing status fails
the test. A canary run of add16 comes last and must give a + b.

    python mutate.py --load-run build/hardening/load_run --work build/hardening/mutate

Deterministic: the mutations come from a fixed seed (--seed), so a failure names a
mutation that the same command reproduces; the failing file is kept under
<work>/failures/. The .ort copy is made with the suite venv's onnxruntime when it
can be imported (run this with .cache/venv/bin/python), else the committed
fuzz/seeds/model_bytes/add16.ort is used. Prints one line per model and a summary.
"""

import argparse
import collections
import concurrent.futures
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "suite" / "fixtures"
SEEDS = ROOT / "fuzz" / "seeds" / "model_bytes"

# (model, truncations, bit flips). ResNet18 is 47 MB, so it gets fewer, aimed at its
# structure: the nodes at the front, the inputs, outputs, opsets and metadata at the
# back (the weights in between load whatever their bits are).
PLAN = [("add16.onnx", 80, 150), ("add16.ort", 80, 150), ("resnet18.onnx", 24, 60)]
FRONT, BACK = 16 * 1024, 4 * 1024


def make_ort(onnx_path, ort_path):
    """add16 in ONNX Runtime's flatbuffer format, written by the venv's onnxruntime."""
    try:
        import onnxruntime as ort
    except ImportError:
        shutil.copyfile(SEEDS / "add16.ort", ort_path)
        return "committed copy (onnxruntime not importable)"
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = str(ort_path)
    so.add_session_config_entry("session.save_model_format", "ORT")
    ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    return f"onnxruntime {ort.__version__}"


def positions(rng, size, count, structural):
    """`count` byte offsets in [0, size): anywhere, or mostly in the structural ends."""
    out = []
    for _ in range(count):
        if structural and size > FRONT + BACK and rng.random() < 0.85:
            out.append(rng.randrange(FRONT) if rng.random() < 0.7 else size - 1 - rng.randrange(BACK))
        else:
            out.append(rng.randrange(size))
    return out


def mutations(rng, name, data, truncations, flips):
    """(label, mutate) pairs; mutate() gives the mutated bytes."""
    size, structural = len(data), len(data) > 1 << 20
    cuts = sorted(set(positions(rng, size, truncations, structural)))
    for cut in cuts:
        yield f"{name} truncated to {cut} bytes", (lambda cut=cut: data[:cut])
    for i, at in enumerate(positions(rng, size, flips, structural)):
        # Every fourth mutation flips a few bits near each other, the rest one bit.
        bits = [(at, rng.randrange(8))] + ([(min(size - 1, at + rng.randrange(1, 9)), rng.randrange(8)) for _ in range(2)] if i % 4 == 3 else [])
        label = f"{name} bit flips " + ", ".join(f"byte {b} bit {k}" for b, k in bits)

        def flipped(bits=bits):
            out = bytearray(data)
            for b, k in bits:
                out[b] ^= 1 << k
            return bytes(out)

        yield label, flipped


def run_child(load_run, path, from_bytes, timeout):
    args = [load_run] + (["--bytes"] if from_bytes else []) + [str(path)]
    start = time.monotonic()
    try:
        p = subprocess.run(args, capture_output=True, timeout=timeout, text=True, errors="replace")
    except subprocess.TimeoutExpired:
        return "TIMEOUT", time.monotonic() - start, f"no status after {timeout} s"
    took = time.monotonic() - start
    results = [l for l in p.stdout.splitlines() if l.startswith("result ")]
    if p.returncode < 0:
        return "SIGNAL", took, f"killed by signal {-p.returncode}: {p.stderr[-2000:]}"
    if p.returncode != 0 or len(results) != 1:
        return "NO-STATUS", took, f"exit {p.returncode}, output {p.stdout[-500:]!r} {p.stderr[-1500:]!r}"
    return results[0][len("result "):], took, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--load-run", required=True, help="the load_run child program")
    ap.add_argument("--work", required=True, type=Path, help="scratch folder (build/...)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per child")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    work = args.work
    if work.exists():
        shutil.rmtree(work)
    (work / "cases").mkdir(parents=True)
    (work / "failures").mkdir()
    models = {"add16.onnx": FIXTURES / "add16.onnx", "resnet18.onnx": FIXTURES / "resnet18.onnx", "add16.ort": work / "add16.ort"}
    how = make_ort(models["add16.onnx"], models["add16.ort"])
    print(f"onyx: [hardening] mutation: add16.ort made by {how} ({models['add16.ort'].stat().st_size} bytes)", flush=True)

    rng = random.Random(args.seed)
    jobs = []
    for name, truncations, flips in PLAN:
        data = models[name].read_bytes()
        for label, mutate in mutations(rng, name, data, truncations, flips):
            jobs.append((name, label, mutate, rng.random() < 0.5))

    outcomes = collections.defaultdict(collections.Counter)
    failures, slowest = [], (0.0, "")
    start = time.monotonic()

    def one(index, job):
        name, label, mutate, from_bytes = job
        path = work / "cases" / f"m{index:04d}{Path(name).suffix}"
        path.write_bytes(mutate())
        result, took, detail = run_child(args.load_run, path, from_bytes, args.timeout)
        if result in ("TIMEOUT", "SIGNAL", "NO-STATUS"):
            kept = work / "failures" / path.name
            shutil.move(path, kept)
            return name, label, from_bytes, result, took, f"{detail} (input kept as {kept})"
        path.unlink()
        return name, label, from_bytes, result, took, ""

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for name, label, from_bytes, result, took, detail in pool.map(lambda ij: one(*ij), enumerate(jobs)):
            outcomes[name][result] += 1
            if took > slowest[0]:
                slowest = (took, label)
            if detail:
                failures.append(f"{label} ({'bytes' if from_bytes else 'path'}): {result}: {detail}")

    for name, _, _ in PLAN:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(outcomes[name].items(), key=lambda kv: -kv[1]))
        print(f"onyx: [hardening] mutation: {name}: {sum(outcomes[name].values())} mutants: {counts}")
    total = sum(sum(c.values()) for c in outcomes.values())
    print(f"onyx: [hardening] mutation: slowest child {slowest[0]:.2f} s ({slowest[1]})")

    canary_args = [args.load_run, "--canary", str(FIXTURES / "add16.onnx")]
    p = subprocess.run(canary_args, capture_output=True, text=True, timeout=args.timeout)
    canary_ok = p.returncode == 0 and "result ok" in p.stdout
    print(f"onyx: [hardening] mutation: canary add16 run (a + b checked): {'ok' if canary_ok else 'FAILED: ' + p.stdout + p.stderr}")

    for f in failures:
        print(f"onyx: [hardening] mutation FAILURE: {f}", file=sys.stderr)
    ok = not failures and canary_ok
    print(f"onyx: [hardening] mutation: {total} mutants in {time.monotonic() - start:.0f} s, "
          f"{total - len(failures)} ended in a status, {len(failures)} did not; "
          f"{'passed' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
