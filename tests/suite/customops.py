"""The custom-operator fixtures of the shared suite: six small models that need a
custom-operator library, with their inputs and the outputs NumPy computes for them.

| model | graph | library |
| --- | --- | --- |
| scale_shift.onnx | x [2,3] -> dev.onyx.test::ScaleShift(alpha=2.5, beta=-1) -> y | the project's (customops/) |
| scale_shift_16.onnx | x [16] -> ScaleShift(alpha=2.5, beta=-1) -> y: the per-call cost of a kernel (make bench) | the project's |
| scale_shift_mixed.onnx | x [2,3] -> Relu -> ScaleShift(alpha=0.5, beta=3) -> Add(b [3]) -> y | the project's |
| fail.onnx | x [2,3] -> dev.onyx.test::Fail -> y: every run fails with FAIL_MESSAGE | the project's |
| negpos.onnx | x [4] -> ai.onnx.contrib::NegPos -> neg, pos | ONNX Runtime Extensions |
| unknown_op.onnx | x [2,3] -> dev.onyx.test::DoesNotExist -> y: no library has it | none |

NegPos (onnxruntime-extensions, operators/math/negpos.hpp at v0.13.0, domain
ai.onnx.contrib, opset 1): one float tensor in, two float tensors of its shape out,
element by element `neg = x > 0 ? 0 : x` and `pos = x > 0 ? x : 0` (so 0 goes to
neither, -0.0 stays -0.0 in neg, NaN goes to neg).

write(fixtures) puts the models and raw little-endian float32 files (C order, no
header) into fixtures/customops/ (gitignored: everything is made from this script with
the pinned onnx and numpy): `<model>_<tensor>.f32` for every input and every expected
output, the outputs computed by NumPy in float32 (never by ONNX Runtime or Onyx). It is
quiet when every file is current and prints one line per model when it writes.

Run as a script (with the suite venv, .cache/venv/bin/python):

    customops.py                      # write the fixtures (quiet when current)
    customops.py --check [--library L] [--extensions E]
        # write, then check with the venv's onnxruntime (the pinned 1.31.1) that ONNX
        # Runtime itself gives NumPy's outputs with the libraries registered, and that
        # the failures fail; one line per model (make test-customops-artifacts).
"""

import argparse
import os
import sys
from pathlib import Path

from fileio import put as _put  # noqa: E402  (beside this file)

SUITE = Path(__file__).resolve().parent
ROOT = SUITE.parent.parent
FOLDER = "customops"
OPSET = 17
IR_VERSION = 8
DOMAIN = "dev.onyx.test"
CONTRIB = "ai.onnx.contrib"  # ONNX Runtime Extensions' domain
FAIL_MESSAGE = "ScaleShift test library: Fail was called"
PROJECT_LIBRARY = "libonyx_test_customops.so"


def _pins():
    lines = (ROOT / "versions.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _model(name, nodes, inputs, outputs, initializers=(), domains=()):
    from onnx import helper

    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    opsets = [helper.make_opsetid("", OPSET)] + [helper.make_opsetid(d, 1) for d in domains]
    model = helper.make_model(graph, opset_imports=opsets, ir_version=IR_VERSION, producer_name="onyx-suite")
    return model.SerializeToString(deterministic=True)


def _io(name, dims):
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def _f32(values, shape):
    import numpy as np

    return np.array(values, dtype=np.float32).reshape(shape)


def scale_shift(x, alpha, beta):
    """What dev.onyx.test::ScaleShift computes: one float32 multiply, one float32 add."""
    import numpy as np

    return (np.float32(alpha) * x + np.float32(beta)).astype(np.float32)


def neg_pos(x):
    """What ai.onnx.contrib::NegPos computes (see the module's docstring)."""
    import numpy as np

    positive = x > 0
    return np.where(positive, np.float32(0), x).astype(np.float32), np.where(positive, x, np.float32(0)).astype(np.float32)


def models():
    """One dict per model: stem, bytes, library ('project', 'extensions' or None),
    inputs and outputs as {name: float32 array} (outputs empty when every run fails),
    error (None, 'run' or 'load': where it fails even with its library), what (one line)."""
    import numpy as np
    from onnx import helper, numpy_helper

    out = []
    x = _f32([-2.0, -0.5, 0.0, 0.3, 1.25, 7.0], [2, 3])
    out.append(dict(
        stem="scale_shift", library="project", error=None, what="ScaleShift(alpha=2.5, beta=-1)",
        bytes=_model("scale_shift", [helper.make_node("ScaleShift", ["x"], ["y"], name="scale_shift", domain=DOMAIN,
                                                       alpha=2.5, beta=-1.0)],
                     [_io("x", [2, 3])], [_io("y", [2, 3])], domains=[DOMAIN]),
        inputs={"x": x}, outputs={"y": scale_shift(x, 2.5, -1.0)}))

    x = _f32([i * 0.5 - 4.0 for i in range(16)], [16])
    out.append(dict(
        stem="scale_shift_16", library="project", error=None, what="ScaleShift(alpha=2.5, beta=-1) on 16 floats",
        bytes=_model("scale_shift_16", [helper.make_node("ScaleShift", ["x"], ["y"], name="scale_shift", domain=DOMAIN,
                                                          alpha=2.5, beta=-1.0)],
                     [_io("x", [16])], [_io("y", [16])], domains=[DOMAIN]),
        inputs={"x": x}, outputs={"y": scale_shift(x, 2.5, -1.0)}))

    x = _f32([-1.5, -0.1, 0.0, 0.2, 2.5, 10.0], [2, 3])
    b = _f32([0.25, -4.0, 1.0 / 3.0], [3])
    out.append(dict(
        stem="scale_shift_mixed", library="project", error=None,
        what="Relu -> ScaleShift(alpha=0.5, beta=3) -> Add(b [3])",
        bytes=_model("scale_shift_mixed", [
            helper.make_node("Relu", ["x"], ["r"], name="relu"),
            helper.make_node("ScaleShift", ["r"], ["s"], name="scale_shift", domain=DOMAIN, alpha=0.5, beta=3.0),
            helper.make_node("Add", ["s", "b"], ["y"], name="add"),
        ], [_io("x", [2, 3])], [_io("y", [2, 3])], [numpy_helper.from_array(b, "b")], domains=[DOMAIN]),
        inputs={"x": x}, outputs={"y": (scale_shift(np.maximum(x, np.float32(0)), 0.5, 3.0) + b).astype(np.float32)}))

    out.append(dict(
        stem="fail", library="project", error="run", what=f"Fail: every run fails with '{FAIL_MESSAGE}'",
        bytes=_model("fail", [helper.make_node("Fail", ["x"], ["y"], name="fail", domain=DOMAIN)],
                     [_io("x", [2, 3])], [_io("y", [2, 3])], domains=[DOMAIN]),
        inputs={"x": _f32([1, 2, 3, 4, 5, 6], [2, 3])}, outputs={}))

    x = _f32([-2.5, 0.0, 1.5, -0.75], [4])
    neg, pos = neg_pos(x)
    out.append(dict(
        stem="negpos", library="extensions", error=None, what="ai.onnx.contrib::NegPos -> neg, pos",
        bytes=_model("negpos", [helper.make_node("NegPos", ["x"], ["neg", "pos"], name="negpos", domain=CONTRIB)],
                     [_io("x", [4])], [_io("neg", [4]), _io("pos", [4])], domains=[CONTRIB]),
        inputs={"x": x}, outputs={"neg": neg, "pos": pos}))

    out.append(dict(
        stem="unknown_op", library=None, error="load", what=f"{DOMAIN}::DoesNotExist: no library provides it",
        bytes=_model("unknown_op", [helper.make_node("DoesNotExist", ["x"], ["y"], name="does_not_exist", domain=DOMAIN)],
                     [_io("x", [2, 3])], [_io("y", [2, 3])], domains=[DOMAIN]),
        inputs={"x": _f32([1, 2, 3, 4, 5, 6], [2, 3])}, outputs={}))
    return out


def _shape(a):
    return "[" + ",".join(str(d) for d in a.shape) + "]"


def write(fixtures: Path):
    """Writes fixtures/customops/ (idempotent, quiet when current); returns models()."""
    import numpy as np

    folder = Path(fixtures) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    all_models = models()
    for m in all_models:
        wrote = _put(folder / f"{m['stem']}.onnx", m["bytes"])
        for name, array in {**m["inputs"], **m["outputs"]}.items():
            wrote |= _put(folder / f"{m['stem']}_{name}.f32", np.ascontiguousarray(array, dtype="<f4").tobytes())
        if wrote:
            ins = ", ".join(f"{n} {_shape(a)}" for n, a in m["inputs"].items())
            outs = ", ".join(f"{n} {_shape(a)}" for n, a in m["outputs"].items()) or \
                ("fails at run" if m["error"] == "run" else "fails at load")
            lib = {"project": PROJECT_LIBRARY, "extensions": "ONNX Runtime Extensions", None: "no library"}[m["library"]]
            print(f"customops.py: wrote {FOLDER}/{m['stem']}.onnx ({m['what']}; {lib}): {ins} -> {outs}")
    return all_models


# --- the check against ONNX Runtime's own Python binding -------------------------------

def _session(ort, path, library):
    so = ort.SessionOptions()
    so.log_severity_level = 4  # the expected failures are reported here, not on stderr
    if library:
        so.register_custom_ops_library(str(library))
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _error(call):
    try:
        call()
    except Exception as e:  # onnxruntime's own exception classes, one per OrtErrorCode
        return f"{type(e).__name__}: {e}"
    return None


def check(fixtures: Path, libraries):
    """Every model with ONNX Runtime's Python binding; one line each; True when all pass."""
    import numpy as np
    import onnxruntime as ort

    want = _pins()["ORT_VERSION"]
    if ort.__version__ != want:
        print(f"customops: FAIL onnxruntime {ort.__version__} in the venv, versions.env pins {want}")
        return False
    folder = Path(fixtures) / FOLDER
    ok = True
    for m in write(fixtures):
        path = folder / f"{m['stem']}.onnx"
        library = libraries[m["library"]] if m["library"] else None
        feeds = {n: np.fromfile(folder / f"{m['stem']}_{n}.f32", dtype="<f4").reshape(a.shape)
                 for n, a in m["inputs"].items()}
        problems, notes = [], []
        # Without its library, a model with a custom operator must not load.
        if library:
            failure = _error(lambda: _session(ort, path, None))
            if failure is None:
                problems.append("loads without its library")
        try:
            if m["error"] == "load":
                # Fails alike with no library and with the project's (same domain, other ops).
                for lib in (None, libraries["project"]):
                    failure = _error(lambda: _session(ort, path, lib))
                    if failure is None:
                        problems.append(f"loads with {Path(lib).name if lib else 'no library'}")
                    elif lib is None:
                        notes.append(failure)
            else:
                session = _session(ort, path, library)
                if m["error"] == "run":
                    failure = _error(lambda: session.run(None, feeds))
                    if failure is None or FAIL_MESSAGE not in failure:
                        problems.append(f"run gave {failure!r}, expected an error containing {FAIL_MESSAGE!r}")
                    else:
                        notes.append(failure)
                    # The session is still usable: the same failure again, no crash.
                    if _error(lambda: session.run(None, feeds)) is None:
                        problems.append("second run succeeded")
                else:
                    got = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))
                    for name, _ in m["outputs"].items():
                        expected = np.fromfile(folder / f"{m['stem']}_{name}.f32", dtype="<f4")
                        value = got[name].reshape(-1)
                        if value.shape != expected.shape or not np.array_equal(value.view(np.uint32), expected.view(np.uint32)):
                            diff = np.max(np.abs(value - expected)) if value.shape == expected.shape else "shape"
                            problems.append(f"{name} differs from NumPy (max abs diff {diff})")
                        else:
                            notes.append(f"{name} {list(got[name].shape)} bit-identical to NumPy")
        except Exception as e:
            problems.append(f"{type(e).__name__}: {e}")
        lib = Path(library).name if library else "no library"
        status = "FAIL" if problems else "PASS"
        ok &= not problems
        print(f"customops: {status} {m['stem']}.onnx ({lib}): " + "; ".join(problems or notes))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=SUITE / "fixtures")
    parser.add_argument("--check", action="store_true", help="also run every model with onnxruntime's Python binding")
    parser.add_argument("--library", type=Path, default=ROOT / "target" / "release" / PROJECT_LIBRARY)
    pins = _pins()
    parser.add_argument("--extensions", type=Path, default=ROOT / ".cache" / "onnxruntime-extensions" /
                        pins["ORT_EXTENSIONS_VERSION"] / "libonnxruntime_extensions4j_jni.so")
    args = parser.parse_args()
    if not args.check:
        write(args.fixtures)
        return 0
    for p in (args.library, args.extensions):
        if not p.is_file():
            print(f"customops: {p} is missing (make customops builds and fetches both libraries)", file=sys.stderr)
            return 2
    return 0 if check(args.fixtures, {"project": args.library.resolve(), "extensions": args.extensions.resolve()}) else 1


if __name__ == "__main__":
    sys.exit(main())
