"""ONNX Runtime's own Python binding on the suite's scikit-learn classifier (string labels,
ZipMap probabilities), per run: the anchor `make bench-values` puts Onyx beside.
Prints the median microseconds per run over 5 blocks of 2,000 runs (one warm-up block).

    .cache/venv/bin/python bench/ort_python_values.py tests/suite
"""
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

folder = Path(sys.argv[1]) / "fixtures/sklearn/classifier"
options = ort.SessionOptions()
options.intra_op_num_threads = 1
session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
rows = np.fromfile(folder / "input.bin", dtype="<f4").reshape(4, 4)
times = []
for _ in range(6):
    start = time.perf_counter()
    for _ in range(2000):
        session.run(None, {"input": rows})
    times.append((time.perf_counter() - start) * 1e6 / 2000)
print(f"{statistics.median(times[1:]):.3f}")
