#!/usr/bin/env python3
"""Generates the data of the Onyx shared ResNet18 test suite.

Run it with the suite's venv (tests/suite/setup-venv.sh makes it):

    .cache/venv/bin/python tests/suite/generate.py            # models only
    .cache/venv/bin/python tests/suite/generate.py --refresh  # everything

Default mode (re)writes the two gitignored models, fixtures/resnet18.onnx and
fixtures/add16.onnx, when missing or stale, then checks their SHA-256 against
spec.txt. It is silent when both already match, and never imports onnxruntime.
real_models.py does the same for the real-model cases: it fetches the OCR model,
renders the OCR inputs and writes the scikit-learn case folders when missing or
stale (only the last imports onnxruntime: their expected outputs are its own).

--refresh regenerates everything: the models, the committed inputs and the
expected logits (from ONNX Runtime's Python binding, cross-checked against an
independent NumPy forward pass), and spec.txt.

The models must come out byte-identical on every machine with the pinned
packages, because only their hashes are committed. So the weights are uniform
draws from a seeded numpy Generator, only touched by correctly-rounded
element-wise float operations (no exp/log/sin, whose libm and SIMD
implementations may differ across machines) and by sums over integers (exact
in any order). The inputs and expected logits are committed, so they need no
such care.
"""

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

SUITE = Path(__file__).resolve().parent
sys.path.insert(0, str(SUITE))
import hostile  # noqa: E402  (the hostile-model corpus, beside this file)
import customops  # noqa: E402  (the custom-operator models, beside this file)
import external_data  # noqa: E402  (the external-data models, beside this file)
import real_models  # noqa: E402  (the OCR and scikit-learn cases, beside this file)
from fileio import sha256_file  # noqa: E402  (beside this file)
FIXTURES = SUITE / "fixtures"
SPEC = SUITE / "spec.txt"
MODEL = FIXTURES / "resnet18.onnx"
TINY_MODEL = FIXTURES / "add16.onnx"

SEED = 18  # for ResNet-18; recorded in the model's metadata too
ORT_VERSION = dict(line.split("=", 1) for line in (SUITE.parent.parent / "versions.env").read_text().splitlines()
                   if line and not line.startswith("#"))["ORT_VERSION"].strip()
OPSET = 17
IR_VERSION = 8  # the IR version that goes with opset 17; every ORT since 1.13 reads it
BN_EPSILON = 1e-5
FC_BOUND = 1.0  # classifier weights' range; sets the spread of the logits
NUM_CLASSES = 1000

# Tolerances the runners use against the expected logits (numpy.isclose-style:
# |got - expected| <= atol + rtol * |expected|). --refresh checks that ONNX
# Runtime itself meets them under every option the suite varies.
ATOL = "0.0001"
RTOL = "0.001"
NUMPY_MAX_ABS_DIFF = 1e-3
# Smallest gap allowed between consecutive logits of an input's top 6, so the
# top-5 the runners compare cannot flip under other thread counts or
# optimisation levels (their differences are ~1e-5).
TOP5_MIN_GAP = 1e-2

DOC_STRING = "Seeded ResNet18 for the Onyx shared test suite"
LICENSE = "MIT OR Apache-2.0"

# torchvision's resnet18: (stage name, channels, stride of its first block)
STAGES = [("layer1", 64, 1), ("layer2", 128, 2), ("layer3", 256, 2), ("layer4", 512, 2)]
BLOCKS_PER_STAGE = 2


# The languages whose runners know each of the newer case kinds: widen a kind's list as
# its runners learn it (the other languages print SKIP for its cases).
KIND_LANGS = {
    "ocr": "rust c cpp java csharp node",
    "values": "rust c cpp java csharp node",
}


def rel(path):
    return path.relative_to(SUITE).as_posix()


def write_atomically(path, data):
    # Runners of several languages may call the default mode at the same time;
    # a reader must never see a half-written model.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------

def make_weights():
    """Returns {torchvision-style name: float32 array}, in a fixed draw order.

    Everything is drawn as uniform integers or uniform floats: unlike normal
    draws (whose ziggurat calls libm's exp/log in its tails), these involve no
    libm, so the bytes cannot depend on the machine's C library.

    Convs are He-initialised (uniform with variance 2/fan_in) so activations
    keep their scale. Each filter, and each classifier row, is centred to sum
    to zero: every ReLU leaves a positive mean behind, and filters with random
    sums turn it into per-channel offsets that are the same for every input,
    which made all inputs give nearly the same logits (correlation 0.98, the
    same top-1). The batch norms get non-trivial running statistics and affine
    parameters, so the BN folding ORT does at load time is really exercised;
    the last BN of each residual branch gets a smaller scale so the residual
    stream does not blow up over eight blocks. The classifier is scaled so the
    logits are well spread (clear gaps in the top-5).
    """
    import numpy as np

    rng = np.random.default_rng(SEED)
    weights = {}

    def centred_uniform(shape, bound):
        # Integers make the row sums exact whatever the summation order; the
        # remaining steps are correctly rounded element-wise operations.
        q = rng.integers(-(1 << 23), 1 << 23, size=shape, endpoint=True)
        rows = q.reshape(shape[0], -1)
        centred = rows - (rows.sum(axis=1) / rows.shape[1])[:, None]
        return (centred * (bound / (1 << 23))).astype(np.float32).reshape(shape)

    def conv(name, out_ch, in_ch, k):
        fan_in = in_ch * k * k
        weights[name] = centred_uniform((out_ch, in_ch, k, k), (6.0 / fan_in) ** 0.5)

    def uniform(lo, hi, n):
        return rng.uniform(lo, hi, n).astype(np.float32)

    def bn(name, ch, scale_lo=0.8, scale_hi=1.2):
        weights[f"{name}.weight"] = uniform(scale_lo, scale_hi, ch)
        weights[f"{name}.bias"] = uniform(-0.2, 0.2, ch)
        weights[f"{name}.running_mean"] = uniform(-0.2, 0.2, ch)
        weights[f"{name}.running_var"] = uniform(0.5, 1.5, ch)

    conv("conv1.weight", 64, 3, 7)
    bn("bn1", 64)
    in_ch = 64  # channels out of the stem
    for stage, ch, stride in STAGES:
        for b in range(BLOCKS_PER_STAGE):
            p = f"{stage}.{b}"
            s = stride if b == 0 else 1
            conv(f"{p}.conv1.weight", ch, in_ch, 3)
            bn(f"{p}.bn1", ch)
            conv(f"{p}.conv2.weight", ch, ch, 3)
            bn(f"{p}.bn2", ch, 0.2, 0.5)
            if s != 1 or in_ch != ch:
                conv(f"{p}.downsample.0.weight", ch, in_ch, 1)
                bn(f"{p}.downsample.1", ch)
            in_ch = ch
    weights["fc.weight"] = centred_uniform((NUM_CLASSES, 512), FC_BOUND)
    weights["fc.bias"] = uniform(-0.1, 0.1, NUM_CLASSES)
    return weights


# --------------------------------------------------------------------------
# ONNX graphs
# --------------------------------------------------------------------------

def build_resnet18_bytes(weights):
    """The ONNX model as it is written to disk (deterministic serialisation)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes = []

    def conv_bn(x, conv_w, bn_name, out, stride, pad, relu):
        k = weights[conv_w].shape[2]
        nodes.append(helper.make_node(
            "Conv", [x, conv_w], [f"{out}.conv"], name=conv_w.removesuffix(".weight"),
            kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4))
        bn_out = f"{out}.bn" if relu else out
        nodes.append(helper.make_node(
            "BatchNormalization",
            [f"{out}.conv"] + [f"{bn_name}.{p}" for p in ("weight", "bias", "running_mean", "running_var")],
            [bn_out], name=bn_name, epsilon=BN_EPSILON))
        if relu:
            nodes.append(helper.make_node("Relu", [bn_out], [out], name=f"{out}.relu"))
        return out

    x = conv_bn("input", "conv1.weight", "bn1", "stem", 2, 3, relu=True)
    nodes.append(helper.make_node("MaxPool", [x], ["stem.pool"], name="maxpool",
                                  kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    x = "stem.pool"
    for stage, _ch, stride in STAGES:
        for b in range(BLOCKS_PER_STAGE):
            p = f"{stage}.{b}"
            s = stride if b == 0 else 1
            h = conv_bn(x, f"{p}.conv1.weight", f"{p}.bn1", f"{p}.a", s, 1, relu=True)
            h = conv_bn(h, f"{p}.conv2.weight", f"{p}.bn2", f"{p}.b", 1, 1, relu=False)
            if f"{p}.downsample.0.weight" in weights:
                identity = conv_bn(x, f"{p}.downsample.0.weight", f"{p}.downsample.1",
                                   f"{p}.down", s, 0, relu=False)
            else:
                identity = x
            nodes.append(helper.make_node("Add", [h, identity], [f"{p}.sum"], name=f"{p}.add"))
            nodes.append(helper.make_node("Relu", [f"{p}.sum"], [p], name=f"{p}.relu"))
            x = p
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pool"], name="avgpool"))
    nodes.append(helper.make_node("Flatten", ["pool"], ["features"], name="flatten", axis=1))
    nodes.append(helper.make_node("Gemm", ["features", "fc.weight", "fc.bias"], ["logits"],
                                  name="fc", transB=1))

    graph = helper.make_graph(
        nodes, "resnet18",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", NUM_CLASSES])],
        initializer=[numpy_helper.from_array(a, name) for name, a in weights.items()])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
        producer_name="onyx-suite", producer_version="1", domain="dev.onyx",
        doc_string=DOC_STRING, model_version=1)
    helper.set_model_props(model, {"license": LICENSE, "seed": str(SEED)})
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def build_add16_bytes():
    """A tiny model (sum = a + b over 16 floats) for quick, weight-free tests."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["sum"], name="add")], "add16",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [16]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [16])],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, [16])])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
        producer_name="onyx-suite", producer_version="1", domain="dev.onyx", model_version=1)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def build_models():
    """{path: bytes} of both generated models."""
    return {MODEL: build_resnet18_bytes(make_weights()), TINY_MODEL: build_add16_bytes()}


# --------------------------------------------------------------------------
# Independent NumPy forward pass (float64, im2col via strided windows)
# --------------------------------------------------------------------------

def numpy_forward(weights, x):
    """ResNet18 logits for x [N,3,224,224], written from the architecture and
    the weights alone: no onnx, no onnxruntime. Computed in float64 so its own
    rounding error is negligible next to ORT's float32."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    w = {k: v.astype(np.float64) for k, v in weights.items()}

    def conv(x, name, stride, pad):
        kernel = w[name]
        k = kernel.shape[2]
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        # [N, C, Ho, Wo, k, k] view of every receptive field
        win = sliding_window_view(xp, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]
        out = np.tensordot(win, kernel, axes=([1, 4, 5], [1, 2, 3]))  # [N, Ho, Wo, O]
        return out.transpose(0, 3, 1, 2)

    def bn(x, name):
        c = (slice(None), None, None)
        scale = w[f"{name}.weight"] / np.sqrt(w[f"{name}.running_var"] + BN_EPSILON)
        return (x - w[f"{name}.running_mean"][c]) * scale[c] + w[f"{name}.bias"][c]

    def relu(x):
        return np.maximum(x, 0.0)

    def maxpool_3x3_s2_p1(x):
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
        return sliding_window_view(xp, (3, 3), axis=(2, 3))[:, :, ::2, ::2].max(axis=(4, 5))

    x = x.astype(np.float64)
    x = maxpool_3x3_s2_p1(relu(bn(conv(x, "conv1.weight", 2, 3), "bn1")))
    for stage, _ch, stride in STAGES:
        for b in range(BLOCKS_PER_STAGE):
            p = f"{stage}.{b}"
            s = stride if b == 0 else 1
            h = relu(bn(conv(x, f"{p}.conv1.weight", s, 1), f"{p}.bn1"))
            h = bn(conv(h, f"{p}.conv2.weight", 1, 1), f"{p}.bn2")
            if f"{p}.downsample.0.weight" in w:
                identity = bn(conv(x, f"{p}.downsample.0.weight", s, 0), f"{p}.downsample.1")
            else:
                identity = x
            x = relu(h + identity)
    features = x.mean(axis=(2, 3))
    return features @ w["fc.weight"].T + w["fc.bias"]


# --------------------------------------------------------------------------
# Inputs and expected outputs
# --------------------------------------------------------------------------

def make_inputs():
    """Three [1,3,224,224] float32 images of different character, roughly in
    the range of normalised photos: smooth colour waves, flat coloured
    rectangles with sharp edges, and white noise. They are committed, so only
    the separation of their logits matters here, not bit-reproducibility."""
    import numpy as np

    yy, xx = np.meshgrid(np.linspace(0.0, 1.0, 224), np.linspace(0.0, 1.0, 224), indexing="ij")

    rng = np.random.default_rng([SEED, 1])
    waves = np.zeros((3, 224, 224))
    for c in range(3):
        for _ in range(4):
            fy, fx = rng.uniform(0.5, 8.0, 2)
            phase = rng.uniform(0, 2 * np.pi)
            waves[c] += rng.uniform(0.3, 0.8) * np.sin(2 * np.pi * (fy * yy + fx * xx) + phase)

    rng = np.random.default_rng([SEED, 2])
    rects = np.tile(rng.uniform(-1, 1, 3)[:, None, None], (1, 224, 224))
    for _ in range(20):
        y0, x0 = rng.integers(0, 200, 2)
        h, w = rng.integers(8, 100, 2)
        rects[:, y0:y0 + h, x0:x0 + w] = rng.uniform(-2, 2, 3)[:, None, None]

    rng = np.random.default_rng([SEED, 3])
    noise = rng.standard_normal((3, 224, 224))

    return [a[None].astype(np.float32) for a in (waves, rects, noise)]


def ort_session(**options):
    import onnxruntime as ort

    so = ort.SessionOptions()
    if "intra" in options:
        so.intra_op_num_threads = options["intra"]
    if "opt" in options:
        so.graph_optimization_level = options["opt"]
    return ort.InferenceSession(str(MODEL), so, providers=["CPUExecutionProvider"])


def run(session, x):
    return session.run(["logits"], {"input": x})[0]


def within_tolerance(got, expected):
    import numpy as np
    return bool(np.all(np.abs(got - expected) <= float(ATOL) + float(RTOL) * np.abs(expected)))


def top_k(logits, k):
    import numpy as np
    return [int(i) for i in np.argsort(-logits, kind="stable")[:k]]


def check_ort_meets_suite_tolerances(inputs, expected):
    """The runners compare ORT (through Onyx) against these logits under
    several session options and as a batch; make sure ORT itself passes."""
    import numpy as np
    import onnxruntime as ort

    variants = {
        "intra_threads 1": ort_session(intra=1),
        "intra_threads 2": ort_session(intra=2),
        "optimization disabled": ort_session(opt=ort.GraphOptimizationLevel.ORT_DISABLE_ALL),
        "optimization all": ort_session(opt=ort.GraphOptimizationLevel.ORT_ENABLE_ALL),
    }
    for label, session in variants.items():
        for i, x in enumerate(inputs):
            got = run(session, x)[0]
            assert within_tolerance(got, expected[i]), f"ORT with {label} misses input_{i}'s tolerance"
            assert top_k(got, 5) == top_k(expected[i], 5), f"ORT with {label} changes input_{i}'s top-5"
    batch = run(ort_session(), np.concatenate(inputs))
    for i in range(len(inputs)):
        assert within_tolerance(batch[i], expected[i]), f"batch of 3 misses input_{i}'s tolerance"
    # The suite's corrupt_bytes trigger must really be rejected at load time.
    corrupt = bytes(b ^ 0x5A for b in MODEL.read_bytes()[:1000])
    try:
        ort.InferenceSession(corrupt, providers=["CPUExecutionProvider"])
    except Exception:
        pass
    else:
        raise AssertionError("ORT accepted the corrupt_bytes model")


def make_fixtures(weights):
    """Writes input_i.f32 and logits_i.f32 once every check has passed;
    returns a summary per input."""
    import numpy as np

    inputs = make_inputs()
    session = ort_session()
    results = []
    for i, x in enumerate(inputs):
        logits = run(session, x)[0]
        reference = numpy_forward(weights, x)[0]
        diff = float(np.max(np.abs(logits.astype(np.float64) - reference)))
        assert diff < NUMPY_MAX_ABS_DIFF, f"input_{i}: ORT and NumPy differ by {diff}"
        top6 = top_k(logits, 6)
        gaps = [float(logits[a] - logits[b]) for a, b in zip(top6, top6[1:])]
        assert min(gaps) > TOP5_MIN_GAP, f"input_{i}: top-5 has a near-tie (gaps {gaps})"
        results.append({"logits": logits, "diff": diff, "top5": top6[:5], "gaps": gaps})
    top1 = [r["top5"][0] for r in results]
    assert len(set(top1)) == len(top1), f"inputs share a top-1 class: {top1}"
    check_ort_meets_suite_tolerances(inputs, [r["logits"] for r in results])
    for i, (x, r) in enumerate(zip(inputs, results)):
        # Raw little-endian float32, C order: what every runner reads directly.
        write_atomically(FIXTURES / f"input_{i}.f32", x.astype("<f4").tobytes())
        write_atomically(FIXTURES / f"logits_{i}.f32", r["logits"].astype("<f4").tobytes())
    return results


# --------------------------------------------------------------------------
# Half-precision conversion vectors
# --------------------------------------------------------------------------

BF16_VECTORS = FIXTURES / "bfloat16.txt"
F16_VECTORS = FIXTURES / "float16.txt"


def float_vector_inputs():
    """f32 bit patterns that exercise rounding: exact ties to even and odd, one ulp
    either side of a tie, zeros, infinities, subnormals, the largest finite values and
    their overflow edges, then seeded random patterns. No NaNs: their payload bits are
    implementation-defined (NaN-stays-NaN is a unit test in each language)."""
    import numpy as np

    edges = [
        0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000,
        0x3F808000, 0x3F818000, 0x3F807FFF, 0x3F808001, 0x3F818001, 0x3F817FFF,  # bf16 ties
        0x7F7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x00000001, 0x00008000, 0x00018000, 0x007FFFFF,
        0x3F801000, 0x3F802000, 0x3F803000, 0x3F801001, 0x3F800FFF,  # f16 ties (13 low bits)
        0x477FE000, 0x477FEFFF, 0x477FF000, 0x477FF001, 0x47800000,  # f16: 65504, ..., 65520, 65536
        0x38800000, 0x387FFFFF, 0x33800000, 0x33000000, 0x33000001, 0x33C00000, 0x337FFFFF,  # f16 subnormal edges
        0x38000000, 0x37800000, 0x38400000, 0x3A000000,
    ]
    rng = np.random.default_rng(SEED)
    randoms = rng.integers(0, 2**32, size=400, dtype=np.uint64).astype(np.uint32)
    # Random patterns mostly in f16's range too, so that both files test normal rounding.
    narrow = (rng.integers(0x33000000, 0x47800000, size=200, dtype=np.uint64) | (rng.integers(0, 2, size=200, dtype=np.uint64) << 31)).astype(np.uint32)
    bits = np.array(edges, dtype=np.uint32)
    bits = np.concatenate([bits, bits | np.uint32(0x80000000), randoms, narrow])
    values = bits.view(np.float32)
    return bits[~np.isnan(values)]


def make_float_vectors():
    """Writes the conversion vectors; expected bits come from ml_dtypes (bfloat16) and
    NumPy (float16), both round-to-nearest-even, independent of Onyx."""
    import ml_dtypes
    import numpy as np

    bits = float_vector_inputs()
    values = bits.view(np.float32)
    for path, dtype, what in [(BF16_VECTORS, ml_dtypes.bfloat16, "bfloat16 (ml_dtypes)"),
                              (F16_VECTORS, np.float16, "float16 (NumPy)")]:
        converted = values.astype(dtype).view(np.uint16)
        lines = [f"# f32 bits -> {what} bits, round to nearest even. Generated by generate.py --refresh."]
        lines += [f"{int(b):08x} {int(c):04x}" for b, c in zip(bits, converted)]
        write_atomically(path, ("\n".join(lines) + "\n").encode("ascii"))


# --------------------------------------------------------------------------
# spec.txt
# --------------------------------------------------------------------------

def spec_text(model_sha, tiny_sha, results, real):
    """The whole spec.txt. Format: see README.md in this folder. `real` is
    real_models.refresh()'s (cases, comment lines)."""
    n = len(results)
    inp = [f"fixtures/input_{i}.f32" for i in range(n)]
    exp = [f"fixtures/logits_{i}.f32" for i in range(n)]
    tol = [f"atol {ATOL}", f"rtol {RTOL}"]
    one = [f"input {inp[0]}", f"expected {exp[0]}"] + tol

    cases = [
        ("runtime_info", "runtime_info", [f"ort_version {ORT_VERSION}"]),
        ("model_info", "model_info", [
            "input input 1 -1,3,224,224 batch,,,",
            f"output logits 1 -1,{NUM_CLASSES} batch,",
            "meta producer onyx-suite",
            "meta graph_name resnet18",
            "meta domain dev.onyx",
            f"meta description {DOC_STRING}",
            "meta version 1",
            f"custom license {LICENSE}",
            f"custom seed {SEED}",
        ]),
    ]
    for i, r in enumerate(results):
        cases.append((f"classify_{i}", "classify", [
            f"input {inp[i]}", "shape 1,3,224,224", f"expected {exp[i]}",
            "top5 " + " ".join(map(str, r["top5"]))] + tol))
    cases += [
        (f"batch_{n}", "batch", [f"inputs {' '.join(inp)}", f"expected {' '.join(exp)}"] + tol),
        ("session_from_bytes", "from_bytes", one),
        ("zero_copy_input", "zero_copy_input", one),
        ("output_into_caller_buffer", "output_into_caller",
         one[:2] + [f"output_shape 1,{NUM_CLASSES}"] + tol),
        ("threads_shared_session", "threads", ["threads 4", "runs 8", f"input {inp[0]}"]),
        ("options_intra_1", "options", ["intra_threads 1"] + one),
        ("options_intra_2", "options", ["intra_threads 2"] + one),
        ("options_optimization_disabled", "options", ["optimization disabled"] + one),
        ("options_optimization_all", "options", ["optimization all"] + one),
        ("options_no_memory_arena", "options", ["memory_arena off"] + one),
        ("options_no_memory_pattern", "options", ["memory_pattern off"] + one),
        ("terminate_batch_16", "terminate", ["batch 16", f"input {inp[0]}", "code CANCELLED 14"]),
        ("float_conversion_vectors", "float_vectors", [f"bfloat16 {rel(BF16_VECTORS)}", f"float16 {rel(F16_VECTORS)}"]),
    ]

    def error(name, trigger, code, contains=(), extra=(), langs=None):
        fields = [f"trigger {trigger}"] + list(extra) + [f"code {code}"]
        fields += [f"message_contains {t}" for t in contains]
        if langs:
            fields.append(f"langs {langs}")
        cases.append((name, "error", fields))

    error("error_missing_model_file", "missing_model_file", "MODEL_NOT_FOUND 5",
          ["does-not-exist.onnx"], ["path fixtures/does-not-exist.onnx"])
    error("error_corrupt_bytes", "corrupt_bytes", "INVALID_MODEL 6")
    error("error_empty_bytes", "empty_bytes", "INVALID_MODEL 6")
    error("error_wrong_rank", "input_shape", "RANK_MISMATCH 11",
          ["input", "rank 4", "got 3"], ["shape 3,224,224"])
    error("error_wrong_channel_dim", "input_shape", "SHAPE_MISMATCH 12",
          ["input", "dimension 1", "expected 3", "got 4"], ["shape 1,4,224,224"])
    error("error_buffer_length", "buffer_length", "BUFFER_SIZE_MISMATCH 13",
          ["150528", "1000"], ["shape 1,3,224,224", "elements 1000"])
    error("error_wrong_element_type", "element_type", "TYPE_MISMATCH 10",
          ["input", "float", "double"], ["elem_type 11"])
    error("error_unknown_input", "unknown_input", "UNKNOWN_INPUT 7", ["nope"], ["input_name nope"])
    error("error_missing_input", "missing_input", "MISSING_INPUT 8", ["input"])
    # C++'s empty list of output names is its default (every output), not a mistake.
    error("error_no_outputs", "no_outputs", "INVALID_ARGUMENT 1", ["no outputs"], langs="rust c java csharp node")
    error("error_unknown_output", "unknown_output", "UNKNOWN_OUTPUT 9", ["nope"], ["output_name nope"])
    error("error_output_shape", "output_shape", "SHAPE_MISMATCH 12", ["logits"],
          [f"output_shape 1,{NUM_CLASSES - 1}"])
    error("error_read_wrong_type", "read_as", "TYPE_MISMATCH 10", ["float", "int64"], ["elem_type 7"])
    # Rust's borrow rules make an output that is also an input impossible to write.
    error("error_output_aliases_input", "output_aliases_input", "INVALID_ARGUMENT 1", ["also used"],
          langs="c cpp java csharp node")
    error("error_negative_threads", "intra_threads", "INVALID_ARGUMENT 1", ["intra_op_threads", "-1"], ["threads -1"])
    error("error_input_index", "input_index", "INDEX_OUT_OF_RANGE 16", ["index 1", "1 input"], ["index 1"])
    # Only the wrappers that check the native library they load have this check.
    error("error_abi_major", "abi_major", "ABI_MISMATCH 19", ["major 2"], ["major 2"], langs="cpp java csharp")
    error("error_null_handle", "null_handle", "NULL_POINTER 2", langs="c")
    error("error_invalid_utf8_path", "invalid_utf8_path", "INVALID_UTF8 3", langs="c")
    missing_rt = f"/nonexistent/libonnxruntime.so.{ORT_VERSION}"
    error("error_runtime_path_missing", "runtime_path_missing", "RUNTIME_LOAD_FAILED 4",
          [missing_rt], [f"path {missing_rt}"])
    cases.append(("free_dimension_override", "dimension_override", [
        "dimension batch", "value 1", "input_shape 1,3,224,224", f"input {inp[0]}", f"expected {exp[0]}"] + tol + [
        "wrong_shape 2,3,224,224", "code SHAPE_MISMATCH 12",
        "message_contains dimension 0 expected 1, got 2"]))
    cases.append(("profiling", "profiling", ["prefix onyx-suite-profile", "contains \"cat\":\"Node\""] + one))
    error("error_end_profiling_when_off", "end_profiling", "INVALID_ARGUMENT 1", ["not enabled"])
    cases.append(("run_config_entry", "run_config", ["key memory.enable_memory_arena_shrinkage", "value cpu:0"] + one))
    error("error_run_config_value", "run_config_value", "INVALID_ARGUMENT 1", ["bogus"],
          ["key memory.enable_memory_arena_shrinkage", "value bogus:0"])
    error("error_free_dimension_negative", "free_dimension_override", "INVALID_ARGUMENT 1", ["batch", "-1"],
          ["dimension batch", "value -1"])
    error("error_sequence_output", "load_and_run", "TYPE_MISMATCH 10", ["output 'seq'", "sequence"],
          ["model fixtures/hostile/sequence_output.onnx", "input x fixtures/hostile/sequence_output_x.f32 2"])
    cases += hostile.cases()
    cases += customop_cases()
    cases += async_cases(inp, exp, tol, one, error)
    cases += external_data_cases(inp, exp, tol, error)
    # Four sessions on one group share ResNet18's weights (about 47 MB of them, held once).
    cases.append(("shared_weights", "shared_weights", ["sessions 4", "min_shared_bytes 40000000"] + one))
    cases.append(("log_callback", "log_callback", ["level VERBOSE 0", "quiet_level FATAL 4",
                                                   f"message_contains {LOG_LINE_WHILE_LOADING}"]))
    real_cases, real_comments = real
    cases += [(name, kind, [f"langs {KIND_LANGS[kind]}"] + fields) for name, kind, fields in real_cases]

    lines = [
        "# Onyx shared ResNet18 test suite. Generated by generate.py --refresh: do not edit.",
        "# Format: README.md beside this file. Paths are relative to this file's folder.",
        f"# Expected logits: onnxruntime {ORT_VERSION} Python binding, CPU, default options.",
        "# Cross-check against an independent float64 NumPy forward pass (max abs diff):",
    ]
    lines += [f"#   input_{i}: {r['diff']:.3e}" for i, r in enumerate(results)]
    lines += real_comments
    lines += [
        "",
        f"model {rel(MODEL)}",
        f"model_sha256 {model_sha}",
        f"tiny_model {rel(TINY_MODEL)}",
        f"tiny_model_sha256 {tiny_sha}",
        "custom_op_library_own ../../target/release/libonyx_test_customops.so",
        f"custom_op_library_extensions ../../.cache/onnxruntime-extensions/{customops._pins()['ORT_EXTENSIONS_VERSION'].strip()}/libonnxruntime_extensions4j_jni.so",
    ]
    for name, kind, fields in cases:
        lines += ["", f"case {name}", f"kind {kind}"] + fields
    return "\n".join(lines) + "\n"


# A line ONNX Runtime logs at VERBOSE while it loads a model (the log_callback case).
LOG_LINE_WHILE_LOADING = "Initializing session"


def async_cases(inp, exp, tol, one, error):
    """Asynchronous runs: three at once with one cancelled, a session closed while one
    is in flight, and a mistake reported through the run's result, not the call."""
    error("error_async_bad_input", "async_bad_input", "SHAPE_MISMATCH 12",
          ["dimension 3 expected 224, got 225"], ["shape 1,3,224,225"])
    return [
        ("async_runs", "async_runs", [f"inputs {' '.join(inp)}", f"expected {' '.join(exp)}", "cancel 1",
                                      "code CANCELLED 14"] + tol),
        ("async_close_in_flight", "async_close", one),
    ]


def external_data_cases(inp, exp, tol, error):
    """External data: ResNet18 with its weights in a file beside it, loaded from its path
    and from memory; a reference outside the model's folder refused, then allowed."""
    folder = f"fixtures/{external_data.FOLDER}"
    escapes = f"model {folder}/{external_data.ESCAPES}"
    error("error_external_data_outside", "external_data_outside", "INVALID_MODEL 6",
          ["initializer 'w'", external_data.ESCAPING_LOCATION, "outside the model's folder"], [escapes])
    return [
        ("external_data", "external_data", [f"model {folder}/{external_data.MODEL}", f"data_file {external_data.DATA}",
                                            f"data {folder}/{external_data.DATA}", f"input {inp[0]}", f"expected {exp[0]}"] + tol),
        ("external_data_outside_allowed", "external_data_outside", [escapes, f"input x {folder}/escapes_x.f32 8",
                                                                    f"output y {folder}/escapes_y.f32", "atol 0", "rtol 0"]),
    ]


# The message of the error each runner's Fail kernel raises.
HOST_KERNEL_FAILURE = "host kernel failed on purpose"


def customop_cases():
    """Custom-operator cases: the project's library (dev.onyx.test), ONNX Runtime
    Extensions, both at once, and the errors. Models and NumPy's outputs: customops.py."""
    folder = f"fixtures/{customops.FOLDER}"
    io = lambda stem, role, name, shape="": f"{role} {name} {folder}/{stem}_{name}.f32" + (f" {shape}" if shape else "")
    exact = ["atol 0", "rtol 0"]
    cases = [
        ("custom_op_scale_shift", "custom_op", ["libraries own", f"model {folder}/scale_shift.onnx",
         io("scale_shift", "input", "x", "2,3"), io("scale_shift", "output", "y")] + exact),
        ("custom_op_with_standard_ops", "custom_op", ["libraries own", f"model {folder}/scale_shift_mixed.onnx",
         io("scale_shift_mixed", "input", "x", "2,3"), io("scale_shift_mixed", "output", "y")] + exact),
        ("custom_op_extensions_negpos", "custom_op", ["libraries extensions", f"model {folder}/negpos.onnx",
         io("negpos", "input", "x", "4"), io("negpos", "output", "neg"), io("negpos", "output", "pos")] + exact),
        ("custom_op_two_libraries", "custom_op", ["libraries own extensions", f"model {folder}/scale_shift.onnx",
         io("scale_shift", "input", "x", "2,3"), io("scale_shift", "output", "y")] + exact),
        ("error_custom_op_unknown", "error", ["trigger load_and_run", f"model {folder}/unknown_op.onnx",
         io("unknown_op", "input", "x", "2,3"), "code UNSUPPORTED_OPERATOR 21",
         "message_contains DoesNotExist", "message_contains dev.onyx.test"]),
        ("error_custom_op_kernel_fails", "error", ["trigger load_and_run", "libraries own", f"model {folder}/fail.onnx",
         io("fail", "input", "x", "2,3"), "code RUNTIME_ERROR 17", f"message_contains {customops.FAIL_MESSAGE}"]),
        ("error_custom_op_library_missing", "error", ["trigger custom_op_library", f"library {folder}/no-such-library.so",
         "code INVALID_ARGUMENT 1", "message_contains no-such-library.so", "message_contains no such file"]),
        ("error_custom_op_not_a_library", "error", ["trigger custom_op_library", f"library {folder}/scale_shift.onnx",
         "code INVALID_ARGUMENT 1", "message_contains not a loadable shared library"]),
    ]
    # The same models with no library: the operator is a kernel written in the runner's
    # own language (`operator <domain> <name>` picks which of the runner's two: ScaleShift,
    # y = alpha * x + beta in float32 with attributes alpha and beta; Fail, which raises
    # HOST_KERNEL_FAILURE the way that language fails: an exception, an Err, a status).
    host = lambda op: f"operator dev.onyx.test {op}"
    cases += [
        ("host_kernel_scale_shift", "host_kernel", [host("ScaleShift"), f"model {folder}/scale_shift.onnx",
         io("scale_shift", "input", "x", "2,3"), io("scale_shift", "output", "y")] + exact),
        ("host_kernel_with_standard_ops", "host_kernel", [host("ScaleShift"), f"model {folder}/scale_shift_mixed.onnx",
         io("scale_shift_mixed", "input", "x", "2,3"), io("scale_shift_mixed", "output", "y")] + exact),
        ("error_host_kernel_fails", "error", ["trigger host_kernel", host("Fail"), f"model {folder}/fail.onnx",
         io("fail", "input", "x", "2,3"), "code KERNEL_FAILED 22", f"message_contains {HOST_KERNEL_FAILURE}",
         "message_contains dev.onyx.test::Fail"]),
        # A declared attribute the node lacks fails the load, naming it.
        ("error_host_kernel_attribute_missing", "error", ["trigger host_kernel", host("ScaleShift"), "declare_attribute gamma FLOAT",
         f"model {folder}/scale_shift.onnx", io("scale_shift", "input", "x", "2,3"), "code INVALID_MODEL 6",
         "message_contains attribute 'gamma'", "message_contains dev.onyx.test::ScaleShift"]),
    ]
    return cases


def read_spec_header():
    """The `key value` lines of spec.txt's first block (comments skipped)."""
    header = {}
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if header:
                break
            continue
        key, _, value = line.partition(" ")
        header[key] = value
    return header


# --------------------------------------------------------------------------
# Modes
# --------------------------------------------------------------------------

def ensure_models():
    """Default mode: make sure both models exist and match spec.txt."""
    if not SPEC.exists():
        sys.exit(f"generate.py: {SPEC} is missing; run generate.py --refresh")
    header = read_spec_header()
    wanted = {MODEL: header["model_sha256"], TINY_MODEL: header["tiny_model_sha256"]}
    hostile.write(FIXTURES)
    customops.write(FIXTURES)
    real_ok = real_models.ensure(FIXTURES, SPEC.read_text(encoding="utf-8"))
    stale = [p for p, sha in wanted.items() if not (p.exists() and sha256_file(p) == sha)]
    if not stale:
        external_data.write(FIXTURES, MODEL)  # made from the model: needs it current, not new
        return 0 if real_ok else 1
    FIXTURES.mkdir(exist_ok=True)
    built = {MODEL: lambda: build_resnet18_bytes(make_weights()), TINY_MODEL: build_add16_bytes}
    failed = False
    for path in stale:
        why = "stale: its SHA-256 differs from spec.txt" if path.exists() else "missing"
        print(f"generate.py: writing {rel(path)} ({why})")
        data = built[path]()
        got = hashlib.sha256(data).hexdigest()
        if got != wanted[path]:
            failed = True
            # Leave no mismatching model behind for a runner to pick up.
            path.unlink(missing_ok=True)
            print(f"generate.py: ERROR: {rel(path)} was generated with SHA-256 {got}, "
                  f"but spec.txt records {wanted[path]}.\n"
                  f"  The expected outputs were made from a different model. Use the pinned "
                  f"packages (tests/suite/setup-venv.sh and .cache/venv/bin/python); if the "
                  f"generator was changed on purpose, run generate.py --refresh and commit.",
                  file=sys.stderr)
            continue
        write_atomically(path, data)
    if not failed:
        external_data.write(FIXTURES, MODEL)
    return 1 if failed or not real_ok else 0


def refresh():
    import onnxruntime as ort

    assert ort.__version__ == ORT_VERSION, f"onnxruntime {ort.__version__}, want {ORT_VERSION}"
    start = time.monotonic()
    FIXTURES.mkdir(exist_ok=True)
    weights = make_weights()
    write_atomically(MODEL, build_resnet18_bytes(weights))
    write_atomically(TINY_MODEL, build_add16_bytes())
    model_sha, tiny_sha = sha256_file(MODEL), sha256_file(TINY_MODEL)
    params = sum(a.size for a in weights.values())
    print(f"model {rel(MODEL)}: {params} parameters, {MODEL.stat().st_size} bytes, sha256 {model_sha}")
    print(f"tiny model {rel(TINY_MODEL)}: sha256 {tiny_sha}")

    results = make_fixtures(weights)
    make_float_vectors()
    hostile.write(FIXTURES)
    customops.write(FIXTURES)
    external_data.write(FIXTURES, MODEL)
    real = real_models.refresh(FIXTURES)
    for i, r in enumerate(results):
        lg = r["logits"]
        print(f"input_{i}: top5 {r['top5']}  logits mean {lg.mean():+.3f} std {lg.std():.3f} "
              f"min {lg.min():+.3f} max {lg.max():+.3f}  min top-6 gap {min(r['gaps']):.4f}  "
              f"ORT vs NumPy max abs diff {r['diff']:.3e}")
    write_atomically(SPEC, spec_text(model_sha, tiny_sha, results, real).encode("utf-8"))
    print(f"wrote {rel(SPEC)} and {2 * len(results)} fixture files in {time.monotonic() - start:.1f} s")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", action="store_true",
                        help="regenerate models, inputs, expected logits and spec.txt")
    args = parser.parse_args()
    return refresh() if args.refresh else ensure_models()


if __name__ == "__main__":
    sys.exit(main())
