#!/usr/bin/env python3
"""A copy of the shared suite for runners under valgrind, which runs ONNX Runtime
some 50 times slower: ResNet18 (one inference takes half a minute there, and the
C runner makes one after every error case to show the session is still usable) is
replaced by a small stand-in with ResNet18's interface, and cases that measure time
are left out.

    .cache/venv/bin/python tests/hardening/valgrind_suite.py OUT_DIR [--skip PATTERN]...

OUT_DIR gets spec.txt (tests/suite/spec.txt without the skipped cases, with the
stand-in's top-5 in the classify cases) and fixtures/: links to every fixture of
tests/suite/fixtures, except resnet18.onnx and its external-data copy (the stand-in: input [batch,3,224,224],
output logits [batch,1000], ResNet18's metadata, Conv + Relu + GlobalAveragePool +
Flatten + Gemm) and logits_<k>.f32 (its outputs for input_<k>.f32, computed by the
venv's onnxruntime, the library every runner uses). Every case runs the runner's
own code unchanged; only the model's arithmetic is smaller. Prints the case count.
"""

import argparse
import fnmatch
import os
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

SUITE = Path(__file__).resolve().parents[1] / "suite"


# The stand-in's initializers, in bytes (conv 4x3x3x3, fc 1000x4 and its bias, float32).
STANDIN_WEIGHT_BYTES = 4 * (4 * 3 * 3 * 3 + 1000 * 4 + 1000)


def standin_model(suite_spec):
    """The stand-in, with the metadata the model_info case expects."""
    meta = dict(l.split(" ", 2)[1:] for l in suite_spec if l.startswith("meta "))
    custom = dict(l.split(" ", 2)[1:] for l in suite_spec if l.startswith("custom "))
    rng = np.random.default_rng(2024)
    weights = {
        "conv.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
        "fc.weight": rng.standard_normal((1000, 4)).astype(np.float32),
        "fc.bias": rng.standard_normal(1000).astype(np.float32),
    }
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight"], ["conv"], strides=[4, 4], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["pool"]),
        helper.make_node("Flatten", ["pool"], ["features"], axis=1),
        helper.make_node("Gemm", ["features", "fc.weight", "fc.bias"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, meta["graph_name"],
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1000])],
        initializer=[numpy_helper.from_array(a, n) for n, a in weights.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8,
                              producer_name=meta["producer"], producer_version="1", domain=meta["domain"],
                              doc_string=meta["description"], model_version=int(meta["version"]))
    helper.set_model_props(model, custom)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def write_external(fixtures):
    """fixtures/external/: the stand-in with its weights in a data file (as the suite's
    ResNet18 has them there), and links to the other external-data fixtures."""
    sys.path.insert(0, str(SUITE))
    import external_data

    folder = fixtures / external_data.FOLDER
    if folder.is_symlink():
        folder.unlink()
    folder.mkdir(exist_ok=True)
    model, data = external_data._resnet18_external(fixtures / "resnet18.onnx")
    (folder / external_data.MODEL).write_bytes(model)
    (folder / external_data.DATA).write_bytes(data)
    for entry in (SUITE / "fixtures" / external_data.FOLDER).iterdir():
        link = folder / entry.name
        if entry.name not in (external_data.MODEL, external_data.DATA) and not link.exists():
            os.symlink(entry, link)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--skip", action="append", default=[], help="shell pattern of case names to leave out")
    args = ap.parse_args()

    text = SUITE.joinpath("spec.txt").read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    out, fixtures = args.out, args.out / "fixtures"
    fixtures.mkdir(parents=True, exist_ok=True)
    for entry in (SUITE / "fixtures").iterdir():
        link = fixtures / entry.name
        if link.is_symlink() or link.is_file():
            link.unlink()
        if entry.name not in ("resnet18.onnx", "external") and not entry.name.startswith("logits_"):
            os.symlink(entry, link)

    model_info = next(b for b in blocks if b.startswith("case model_info"))
    model = standin_model(model_info.splitlines())
    (fixtures / "resnet18.onnx").write_bytes(model)
    write_external(fixtures)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    top5 = {}
    for i in range(3):
        image = np.fromfile(SUITE / "fixtures" / f"input_{i}.f32", dtype=np.float32).reshape(1, 3, 224, 224)
        logits = session.run(None, {"input": image})[0].astype(np.float32)
        logits.tofile(fixtures / f"logits_{i}.f32")
        top5[f"fixtures/logits_{i}.f32"] = " ".join(str(k) for k in np.argsort(-logits[0], kind="stable")[:5])

    kept, count = [], 0
    for block in blocks:
        lines = block.splitlines()
        case = next((l[len("case "):].strip() for l in lines if l.startswith("case ")), None)
        if case is not None and any(fnmatch.fnmatchcase(case, p) for p in args.skip):
            continue
        # Paths that leave the suite folder ("../../target/...") are relative to it:
        # make them relative to OUT_DIR instead (message texts are not paths).
        lines = [l.split(" ", 1)[0] + " " + os.path.relpath(SUITE / l.split(" ", 1)[1], out)
                 if " ../" in l and not l.startswith("message_contains ") else l for l in lines]
        if case is not None:
            count += 1
            expected = next((l.split(" ", 1)[1] for l in lines if l.startswith("expected ")), None)
            lines = [f"top5 {top5[expected]}" if l.startswith("top5 ") and expected in top5 else l for l in lines]
            # The group shares the stand-in's weights, not ResNet18's: ask for half of them.
            lines = [f"min_shared_bytes {STANDIN_WEIGHT_BYTES // 2}" if l.startswith("min_shared_bytes ") else l for l in lines]
        kept.append("\n".join(lines))
    out.joinpath("spec.txt").write_text("\n\n".join(kept).rstrip("\n") + "\n", encoding="utf-8")
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
