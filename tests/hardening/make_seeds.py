#!/usr/bin/env python3
"""Writes the committed seed models of the model_bytes fuzz target into
fuzz/seeds/model_bytes/ (small hostile and odd models, each a few KiB at most).

    .cache/venv/bin/python tests/hardening/make_seeds.py   (or: make fuzz-seeds)

Uses the suite's pinned onnx (tests/suite/requirements.txt) and writes the same
bytes every time. At run time the fuzz targets also get the suite's own models
(tests/suite/fixtures/*.onnx, and fixtures/hostile/ when it exists) as seeds.
"""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fuzz" / "seeds" / "model_bytes"
OPSET, IR = 17, 8


def model(nodes, inputs, outputs, inits=(), opset=OPSET, ir=IR, props=(), opsets=None):
    graph = helper.make_graph(nodes, "seed", inputs, outputs, list(inits))
    imports = opsets if opsets is not None else [helper.make_opsetid("", opset)]
    m = helper.make_model(graph, opset_imports=imports, ir_version=ir, producer_name="onyx-fuzz-seed")
    for k, v in props:
        e = m.metadata_props.add()
        e.key, e.value = k, v
    return m.SerializeToString(deterministic=True)


def f32(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def mini_resnet():
    """ResNet18's operators (Conv, BatchNorm, Relu, MaxPool, Add, GlobalAveragePool,
    Flatten, Gemm) at toy size, with a free batch dimension, like the suite's model."""
    rng = np.random.default_rng(18)
    w = lambda *s: numpy_helper.from_array(rng.standard_normal(s).astype(np.float32) * 0.1)
    inits = []
    def init(name, arr):
        t = w(*arr) if isinstance(arr, tuple) else numpy_helper.from_array(arr)
        t.name = name
        inits.append(t)
    init("c1w", (4, 3, 3, 3))
    for n in ("s", "b", "m"):
        init(f"bn_{n}", np.full(4, 0.5 if n == "s" else 0.0, np.float32))
    init("bn_v", np.ones(4, np.float32))
    init("c2w", (4, 4, 3, 3))
    init("fcw", (10, 4))
    init("fcb", np.zeros(10, np.float32))
    nodes = [
        helper.make_node("Conv", ["input", "c1w"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"]),
        helper.make_node("Relu", ["bn"], ["r1"]),
        helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2w"], ["c2"], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c2", "p1"], ["res"]),
        helper.make_node("Relu", ["res"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"]),
        helper.make_node("Gemm", ["flat", "fcw", "fcb"], ["logits"], transB=1),
    ]
    return model(nodes, [f32("input", ["batch", 3, 8, 8])], [f32("logits", ["batch", 10])], inits,
                 props=[("license", "MIT OR Apache-2.0"), ("seed", "18")])


def identity_of(init):
    return model([helper.make_node("Identity", [init.name], ["y"])], [], [f32("y", list(init.dims))], [init])


def external(location, n=4):
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[n], data_location=TensorProto.EXTERNAL)
    for k, v in (("location", location), ("offset", "0"), ("length", str(4 * n))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return identity_of(t)


def huge(dims):
    return identity_of(TensorProto(name="w", data_type=TensorProto.FLOAT, dims=list(dims)))


def deep_if(levels):
    """`levels` If nodes nested in each other's then-branch."""
    cond = helper.make_tensor("c", TensorProto.BOOL, [], [True])
    def branch(depth):
        if depth == 0:
            const = helper.make_node("Constant", [], ["v0"], value=helper.make_tensor("k", TensorProto.FLOAT, [1], [1.0]))
            return helper.make_graph([const], "leaf", [], [f32("v0", [1])])
        node = helper.make_node("If", ["c"], [f"v{depth}"], then_branch=branch(depth - 1), else_branch=branch(0))
        return helper.make_graph([node], f"level{depth}", [], [f32(f"v{depth}", [1])])
    g = branch(levels)
    g.initializer.append(cond)
    g.output[0].name = g.output[0].name
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR)
    return m.SerializeToString(deterministic=True)


def chain(n):
    nodes = [helper.make_node("Relu", [f"t{i}"], [f"t{i + 1}"]) for i in range(n)]
    return model(nodes, [f32("t0", [4])], [f32(f"t{n}", [4])])


def renamed(data, old, new):
    """Same-length byte replacement inside a serialized model (names with NUL or
    bytes that are not UTF-8, which onnx's Python API will not write)."""
    assert len(old) == len(new) and data.count(old) >= 1
    return data.replace(old, new)


def ort_format(onnx_bytes, path):
    """The ONNX-Runtime-format (flatbuffer) copy of a model, as onnxruntime writes it."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    so.optimized_model_filepath = str(path)
    so.add_session_config_entry("session.save_model_format", "ORT")
    ort.InferenceSession(onnx_bytes, so, providers=["CPUExecutionProvider"])
    return Path(path).read_bytes()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    add = lambda names=("a", "b", "sum"), **kw: model(
        [helper.make_node("Add", [names[0], names[1]], [names[2]])],
        [f32(names[0], [16]), f32(names[1], [16])], [f32(names[2], [16])], **kw)
    seeds = {
        "mini_resnet.onnx": mini_resnet(),
        "opset_future.onnx": add(opset=99),
        "ir_future.onnx": add(ir=99),
        "no_opset_import.onnx": add(opsets=[]),
        "external_relative.onnx": external("weights.bin"),
        "external_parent.onnx": external("../outside.bin"),
        "external_absolute.onnx": external("/etc/hostname"),
        "external_dev_zero.onnx": external("/dev/zero", 1 << 20),
        "initializer_2p40.onnx": huge([1 << 40]),
        "initializer_overflow.onnx": huge([1 << 62, 1 << 62, 4]),
        "initializer_short.onnx": identity_of(TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[8], float_data=[1.0] * 4)),
        "deep_if_24.onnx": deep_if(24),
        "chain_500.onnx": chain(500),
        "metadata_500.onnx": add(props=[(f"key{i:05d}", f"value{i}") for i in range(500)]),
        "metadata_duplicate_keys.onnx": add(props=[("k", "1"), ("k", "2"), ("", "empty key")]),
        "name_nul.onnx": renamed(add(("aX", "bX", "sumX")), b"aX", b"a\x00"),
        "name_not_utf8.onnx": renamed(add(("aX", "bX", "sumX")), b"bX", b"b\xff"),
        "names_duplicate.onnx": add(("a", "a", "sum")),
        "string_tensor.onnx": model([helper.make_node("Identity", ["s"], ["t"])],
                                    [helper.make_tensor_value_info("s", TensorProto.STRING, [2])],
                                    [helper.make_tensor_value_info("t", TensorProto.STRING, [2])]),
        "sequence_output.onnx": model([helper.make_node("SequenceConstruct", ["a", "b"], ["seq"])],
                                      [f32("a", [2]), f32("b", [2])],
                                      [helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, [2])]),
        "optional_input.onnx": model([helper.make_node("OptionalHasElement", ["o"], ["has"])],
                                     [helper.make_value_info("o", helper.make_optional_type_proto(
                                         helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))],
                                     [helper.make_tensor_value_info("has", TensorProto.BOOL, [])], opset=18),
        "unknown_op.onnx": model([helper.make_node("NoSuchOp", ["a"], ["b"], domain="dev.onyx.none")],
                                 [f32("a", [2])], [f32("b", [2])],
                                 opsets=[helper.make_opsetid("", OPSET), helper.make_opsetid("dev.onyx.none", 1)]),
        "int64_dims.onnx": model([helper.make_node("Reshape", ["x", "shape"], ["y"])],
                                 [f32("x", [4]), helper.make_tensor_value_info("shape", TensorProto.INT64, [2])],
                                 [f32("y", [-1, -1])]),
        "constant_of_shape.onnx": model(
            [helper.make_node("ConstantOfShape", ["s"], ["y"], value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.0]))],
            [helper.make_tensor_value_info("s", TensorProto.INT64, [1])], [f32("y", [-1])]),
    }
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        seeds["add16.ort"] = ort_format(add(), Path(tmp) / "add16.ort")
        seeds["mini_resnet.ort"] = ort_format(seeds["mini_resnet.onnx"], Path(tmp) / "mini_resnet.ort")
    for name, data in sorted(seeds.items()):
        assert len(data) < 64 * 1024, (name, len(data))
        path = OUT / name
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
    print(f"make_seeds: {len(seeds)} seed models in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
