#!/usr/bin/env bash
# Onyx Node vs onnxruntime-node, alternating blocks in separate processes (the two load
# different ONNX Runtime builds, which cannot share one process; onnxruntime-node's binding
# cannot be pointed at Onyx's 1.31.1 either: it needs the VERS_1.30.0 symbol version).
# Medians per metric.
#   run.sh <tests/suite> <dir with node_modules/onnxruntime-node> <blocks>
set -euo pipefail
suite=$1 ortdir=$2 blocks=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
for i in $(seq 1 "$blocks"); do
  for w in onyx ortnode; do
    echo "$w $(env -u ONYX_ORT_LIBRARY node "$here/bench.js" $w "$suite" "$ortdir")" >> "$out"
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    w, j = line.split(" ", 1)
    for k, v in json.loads(j).items():
        rows.setdefault(k, {}).setdefault(w, []).append(v)
print("| metric | Onyx Node | onnxruntime-node 1.30.0 | Onyx / ORT |")
print("| --- | --- | --- | --- |")
for k, d in rows.items():
    a = statistics.median(d["onyx"])
    if "ortnode" not in d:  # Onyx only (host kernels vs the native custom-op library)
        print(f"| {k} | {a:.2f} | — | — |")
        continue
    b = statistics.median(d["ortnode"])
    print(f"| {k} | {a:.2f} | {b:.2f} | {a / b:.3f} |")
PY
rm -f "$out"
