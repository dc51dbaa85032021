#!/usr/bin/env python3
"""Generates the ONNX backend conformance cases (.cache/conformance) for the Onyx runners.

Run it with the project venv (tests/suite/setup-venv.sh makes it):

    .cache/venv/bin/python tests/conformance/generate.py            # generate, compare outcomes
    .cache/venv/bin/python tests/conformance/generate.py --refresh  # generate, rewrite outcomes.txt
    .cache/venv/bin/python tests/conformance/generate.py --check    # read every case back, rerun ORT

It takes every backend test case of the pinned onnx wheel (groups node, simple,
pytorch-converted, pytorch-operator, light; test_data_set_0 only), writes each one as
model.onnx + raw value files + case.txt in the language-neutral format of
tests/conformance/README.md, and records what ONNX Runtime's Python binding does with it
(pass, ort_values, error, unstable). The measured outcomes must equal the committed
tests/conformance/outcomes.txt (--refresh rewrites it). index.txt is written last.

Silent and immediate when .cache/conformance/.stamp matches (SHA-256 of this file,
tests/suite/requirements.txt and outcomes.txt) and index.txt is complete.

ONNX Runtime only ever runs in worker processes (one intra/inter-op thread each), so a
case that hangs or crashes ORT becomes an `error` case ("timeout" / "crash") instead of
stopping the generation.
"""

import argparse
import ctypes
import hashlib
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = ROOT / ".cache"
OUT = CACHE / "conformance"
LOCALE_DIR = CACHE / "locale"
OUTCOMES = HERE / "outcomes.txt"
REQUIREMENTS = ROOT / "tests" / "suite" / "requirements.txt"
STAMP = OUT / ".stamp"
INDEX = OUT / "index.txt"
GROUPS = ["node", "simple", "pytorch-converted", "pytorch-operator", "light"]
FILE_GROUPS = ["simple", "pytorch-converted", "pytorch-operator"]
EXPECTS = ["pass", "ort_values", "error", "unstable"]
TIMEOUT_S = 60.0
ATOL, RTOL = 1e-5, 1e-3
WHY_MAX = 150
SRC_LOCATION = re.compile(r"/onnxruntime_src/\S+?:\d+ ")
SIGNATURE_HEAD = re.compile(r"[\w:<>,~*& ]+")

# ONNX TensorProto.DataType numbers.
FLOAT_ELEMS = {1, 10, 11, 16}  # compared with a tolerance
NIBBLE_ELEMS = {21, 22, 23}  # uint4, int4, float4e2m1: two per byte, low nibble first
CRUMB_ELEMS = {25, 26}  # uint2, int2: four per byte, lowest bits first
# Types ORT Python cannot turn into numpy arrays: fed as OrtValues, read from raw memory.
ORT_RAW_ELEMS = {16, 17, 18, 19, 20, 24} | NIBBLE_ELEMS | CRUMB_ELEMS
ORT_TYPE_NAMES = {
    "float": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "int32": 6, "int64": 7,
    "string": 8, "bool": 9, "float16": 10, "double": 11, "uint32": 12, "uint64": 13,
    "complex64": 14, "complex128": 15, "bfloat16": 16, "float8e4m3fn": 17,
    "float8e4m3fnuz": 18, "float8e5m2": 19, "float8e5m2fnuz": 20, "uint4": 21, "int4": 22,
    "float4e2m1": 23, "float8e8m0": 24, "float8e8m0fnu": 24, "uint2": 25, "int2": 26,
}


def log(msg):
    print(f"onyx: conformance: {msg}", flush=True)


def stamp_digest():
    h = hashlib.sha256()
    for p in (Path(__file__).resolve(), REQUIREMENTS, OUTCOMES):
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.exists() else b"<missing>")
    return h.hexdigest()


def index_complete():
    try:
        lines = INDEX.read_text().splitlines()
    except OSError:
        return False
    return bool(lines) and lines[-1] == f"end {len(lines) - 1}"


def ensure_locale():
    """en_US.UTF-8 for ORT's StringNormalizer, built into .cache/locale (LOCPATH)."""
    target = LOCALE_DIR / "en_US.UTF-8"
    if not (target / "LC_CTYPE").exists():
        if not Path("/usr/share/i18n/locales/en_US").exists():
            sys.exit("onyx: conformance: /usr/share/i18n/locales/en_US is missing "
                     "(Debian package `locales`); cannot build the en_US.UTF-8 locale")
        LOCALE_DIR.mkdir(parents=True, exist_ok=True)
        # localedef exits 1 on warnings even when it wrote the locale: judge by the result.
        r = subprocess.run(["localedef", "-i", "en_US", "-f", "UTF-8", str(target)],
                           capture_output=True, text=True)
        if not (target / "LC_CTYPE").exists():
            sys.exit(f"onyx: conformance: localedef failed ({r.returncode}): {r.stderr.strip()}")
    os.environ["LOCPATH"] = str(LOCALE_DIR)


# --- values ------------------------------------------------------------------------
# A value is one of
#   ("tensor", elem, shape tuple, numpy array)   strings: object array of bytes
#   ("sequence", elem_if_empty, [values])
#   ("map", keys tensor value, values value)
#   ("optional", value or None)

def np_dtype(elem):
    import onnx.helper
    return onnx.helper.tensor_dtype_to_np_dtype(elem)


def tensor_bytes(elem, arr):
    flat = arr.reshape(-1)
    if elem == 8:
        out = bytearray()
        for s in flat:
            b = s if isinstance(s, bytes) else str(s).encode("utf-8")
            out += struct.pack("<I", len(b)) + b
        return bytes(out)
    import numpy as np
    flat = np.ascontiguousarray(flat)
    if elem in NIBBLE_ELEMS or elem in CRUMB_ELEMS:
        per = 2 if elem in NIBBLE_ELEMS else 4
        bits, mask = 8 // per, (1 << (8 // per)) - 1
        u = flat.view(np.uint8) & mask
        u = np.concatenate([u, np.zeros((-len(u)) % per, np.uint8)])
        packed = np.zeros(len(u) // per, np.uint8)
        for k in range(per):
            packed |= (u[k::per] << (bits * k)).astype(np.uint8)
        return packed.tobytes()
    assert sys.byteorder == "little"
    return flat.tobytes()


def tensor_from_bytes(elem, shape, data):
    import numpy as np
    n = 1
    for d in shape:
        n *= d
    if elem == 8:
        items, pos = [], 0
        for _ in range(n):
            (ln,) = struct.unpack_from("<I", data, pos)
            items.append(bytes(data[pos + 4:pos + 4 + ln]))
            pos += 4 + ln
        if pos != len(data):
            raise ValueError(f"string tensor: {len(data) - pos} trailing bytes")
        arr = np.empty(n, dtype=object)
        arr[:] = items
        return arr.reshape(shape)
    dt = np.dtype(np_dtype(elem))
    if elem in NIBBLE_ELEMS or elem in CRUMB_ELEMS:
        per = 2 if elem in NIBBLE_ELEMS else 4
        bits, mask = 8 // per, (1 << (8 // per)) - 1
        want = (n + per - 1) // per
        if len(data) != want:
            raise ValueError(f"elem {elem}: {len(data)} bytes for {n} elements, want {want}")
        p = np.frombuffer(data, np.uint8)
        u = np.zeros(want * per, np.uint8)
        for k in range(per):
            u[k::per] = (p >> (bits * k)) & mask
        return u[:n].view(dt).reshape(shape)
    if len(data) != n * dt.itemsize:
        raise ValueError(f"elem {elem}: {len(data)} bytes for {n} elements of {dt.itemsize}")
    return np.frombuffer(data, dt).reshape(shape).copy()


def tensor_value(elem, arr):
    import numpy as np
    if elem == 8:
        flat = [s if isinstance(s, bytes) else str(s).encode("utf-8")
                for s in np.asarray(arr, dtype=object).reshape(-1)]
        a = np.empty(len(flat), dtype=object)
        a[:] = flat
        shape = tuple(np.shape(arr))
        return ("tensor", 8, shape, a.reshape(shape))
    a = np.asarray(arr)
    # np.ascontiguousarray makes a scalar (shape ()) 1-D; keep the shape.
    a = np.ascontiguousarray(a).reshape(a.shape)
    dt = np.dtype(np_dtype(elem))
    if a.dtype != dt:
        if a.dtype.itemsize == dt.itemsize and elem in ORT_RAW_ELEMS:
            a = a.view(dt)
        else:
            a = a.astype(dt)
    return ("tensor", elem, tuple(a.shape), a)


def elem_of_type(tp):
    """Element type of the tensors a TypeProto holds (for an empty sequence)."""
    if tp.HasField("tensor_type"):
        return tp.tensor_type.elem_type
    if tp.HasField("sequence_type"):
        return elem_of_type(tp.sequence_type.elem_type)
    if tp.HasField("optional_type"):
        return elem_of_type(tp.optional_type.elem_type)
    return 0


def value_from_tensor_proto(t):
    from onnx import numpy_helper
    return tensor_value(t.data_type, numpy_helper.to_array(t))


def value_from_proto(pb, tp):
    """pb: a TensorProto / SequenceProto / MapProto / OptionalProto; tp: its TypeProto."""
    import onnx
    if isinstance(pb, onnx.TensorProto):
        return value_from_tensor_proto(pb)
    if isinstance(pb, onnx.SequenceProto):
        inner = tp.sequence_type.elem_type if tp is not None and tp.HasField("sequence_type") else None
        items = []
        E = onnx.SequenceProto
        if pb.elem_type == E.TENSOR:
            items = [value_from_tensor_proto(t) for t in pb.tensor_values]
        elif pb.elem_type == E.SEQUENCE:
            items = [value_from_proto(s, inner) for s in pb.sequence_values]
        elif pb.elem_type == E.MAP:
            items = [value_from_proto(m, inner) for m in pb.map_values]
        elif pb.elem_type == E.OPTIONAL:
            items = [value_from_proto(o, inner) for o in pb.optional_values]
        elem = elem_of_type(inner) if inner is not None else 0
        return ("sequence", elem, items)
    if isinstance(pb, onnx.MapProto):
        import numpy as np
        if pb.key_type == 8:
            keys = tensor_value(8, np.array(list(pb.string_keys), dtype=object))
        else:
            keys = tensor_value(pb.key_type, np.array(list(pb.keys)).astype(np_dtype(pb.key_type)))
        vt = tp.map_type.value_type if tp is not None and tp.HasField("map_type") else None
        vals = value_from_proto(pb.values, None)
        items = vals[2]
        if items and all(v[0] == "tensor" and v[2] == () for v in items) and len({v[1] for v in items}) == 1:
            e = items[0][1]
            vals = tensor_value(e, np.array([v[3] for v in items]).astype(items[0][3].dtype))
        elif not items:
            vals = tensor_value(elem_of_type(vt) if vt is not None else 1,
                                np.zeros(0, np_dtype(elem_of_type(vt) if vt is not None else 1)))
        return ("map", keys, vals)
    if isinstance(pb, onnx.OptionalProto):
        inner = tp.optional_type.elem_type if tp is not None and tp.HasField("optional_type") else None
        O = onnx.OptionalProto
        if pb.elem_type == O.TENSOR and pb.HasField("tensor_value"):
            return ("optional", value_from_tensor_proto(pb.tensor_value))
        if pb.elem_type == O.SEQUENCE and pb.HasField("sequence_value"):
            return ("optional", value_from_proto(pb.sequence_value, inner))
        if pb.elem_type == O.MAP and pb.HasField("map_value"):
            return ("optional", value_from_proto(pb.map_value, inner))
        if pb.elem_type == O.OPTIONAL and pb.HasField("optional_value"):
            return ("optional", value_from_proto(pb.optional_value, inner))
        return ("optional", None)
    raise TypeError(f"unexpected protobuf {type(pb).__name__}")


def parse_pb(data, tp):
    import onnx
    if tp.HasField("sequence_type"):
        pb = onnx.SequenceProto()
    elif tp.HasField("map_type"):
        pb = onnx.MapProto()
    elif tp.HasField("optional_type"):
        pb = onnx.OptionalProto()
    else:
        pb = onnx.TensorProto()
    pb.ParseFromString(data)
    return value_from_proto(pb, tp)


def to_proto(obj, vi):
    """A node test's in-memory input/output as the protobuf cmd_tools generate-data writes."""
    import onnx
    from onnx import numpy_helper
    tp = vi.type
    if tp.HasField("map_type"):
        return numpy_helper.from_dict(obj, vi.name)
    if tp.HasField("sequence_type"):
        return numpy_helper.from_list(obj, vi.name)
    if tp.HasField("optional_type"):
        return numpy_helper.from_optional(obj, vi.name)
    if isinstance(obj, onnx.TensorProto):
        return obj
    return numpy_helper.from_array(obj, vi.name)


def write_value(v, case_dir, prefix):
    """Writes the files of a value; returns its token text."""
    kind = v[0]
    if kind == "tensor":
        _, elem, shape, arr = v
        fname = prefix + ".bin"
        (case_dir / fname).write_bytes(tensor_bytes(elem, arr))
        return f"tensor {elem} [{','.join(str(d) for d in shape)}] {fname}"
    if kind == "sequence":
        _, elem, items = v
        if not items:
            return f"sequence 0 {elem}"
        return f"sequence {len(items)} " + " ".join(
            write_value(x, case_dir, f"{prefix}_{k}") for k, x in enumerate(items))
    if kind == "map":
        return ("map " + write_value(v[1], case_dir, prefix + "_keys") + " "
                + write_value(v[2], case_dir, prefix + "_values"))
    if kind == "optional":
        if v[1] is None:
            return "optional none"
        return "optional " + write_value(v[1], case_dir, prefix)
    raise TypeError(kind)


def parse_value(toks, pos, case_dir):
    kind = toks[pos]
    if kind == "tensor":
        elem = int(toks[pos + 1])
        dims = toks[pos + 2]
        if not (dims.startswith("[") and dims.endswith("]")):
            raise ValueError(f"bad shape {dims!r}")
        shape = tuple(int(d) for d in dims[1:-1].split(",")) if dims != "[]" else ()
        data = (case_dir / toks[pos + 3]).read_bytes()
        return ("tensor", elem, shape, tensor_from_bytes(elem, shape, data)), pos + 4
    if kind == "sequence":
        n = int(toks[pos + 1])
        if n == 0:
            return ("sequence", int(toks[pos + 2]), []), pos + 3
        items, pos = [], pos + 2
        for _ in range(n):
            x, pos = parse_value(toks, pos, case_dir)
            items.append(x)
        elem = items[0][1] if items[0][0] == "tensor" else 0
        return ("sequence", elem, items), pos
    if kind == "map":
        keys, pos = parse_value(toks, pos + 1, case_dir)
        vals, pos = parse_value(toks, pos, case_dir)
        return ("map", keys, vals), pos
    if kind == "optional":
        if toks[pos + 1] == "none":
            return ("optional", None), pos + 2
        x, pos = parse_value(toks, pos + 1, case_dir)
        return ("optional", x), pos
    raise ValueError(f"unknown value kind {kind!r}")


def read_case(case_dir):
    """Parses case.txt: {'model', 'expect', 'why', 'inputs': [(name, value)], 'outputs': [...]}"""
    case = {"model": None, "expect": None, "why": "", "inputs": [], "outputs": []}
    for line in (case_dir / "case.txt").read_text(encoding="utf-8").split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, rest = line.partition(" ")
        if key in ("model", "expect", "why"):
            case[key] = rest
        elif key in ("input", "output"):
            toks = rest.split()
            v, end = parse_value(toks, 1, case_dir)
            if end != len(toks):
                raise ValueError(f"trailing tokens in {line!r}")
            case[key + "s"].append((toks[0], v))
        else:
            raise ValueError(f"unknown key {key!r}")
    return case


def case_text(model, expect, why, inputs, outputs):
    lines = [f"model {model}", f"expect {expect}"]
    if why:
        lines.append("why " + why)
    lines += [f"input {n} {t}" for n, t in inputs]
    lines += [f"output {n} {t}" for n, t in outputs]
    return "\n".join(lines) + "\n"


def value_summary(v):
    if v is None:
        return "none"
    if v[0] == "tensor":
        return f"tensor {v[1]} {list(v[2])}"
    if v[0] == "sequence":
        return f"sequence {len(v[2])}"
    if v[0] == "map":
        return f"map {len(v[1][3])}"
    return "optional " + value_summary(v[1])


def same_value(exp, got, tolerant=True, structure_only=False):
    """None when equal, else a short reason."""
    import numpy as np
    if exp is None or got is None:
        return None if exp is None and got is None else f"{value_summary(exp)} vs {value_summary(got)}"
    if exp[0] != got[0]:
        return f"kind {exp[0]} vs {got[0]}"
    kind = exp[0]
    if kind == "tensor":
        if exp[1] != got[1] or exp[2] != got[2]:
            return f"type {exp[1]} {list(exp[2])} vs {got[1]} {list(got[2])}"
        if structure_only:
            return None
        elem = exp[1]
        if tolerant and elem in FLOAT_ELEMS:
            e = exp[3].astype(np.float64)
            g = got[3].astype(np.float64)
            with np.errstate(invalid="ignore", over="ignore"):
                ok = (e == g) | (np.isnan(e) & np.isnan(g)) | (np.abs(g - e) <= ATOL + RTOL * np.abs(e))
            if not ok.all():
                bad = tuple(int(i) for i in np.argwhere(~ok)[0])
                return (f"value at [{','.join(map(str, bad))}]: {float(g[bad])!r} "
                        f"vs expected {float(e[bad])!r} ({int((~ok).sum())} of {ok.size} differ)")
            return None
        if tensor_bytes(elem, exp[3]) != tensor_bytes(elem, got[3]):
            return "values differ (exact)"
        return None
    if kind == "sequence":
        if len(exp[2]) != len(got[2]):
            return f"sequence length {len(exp[2])} vs {len(got[2])}"
        if not exp[2] and exp[1] != got[1] and exp[1] and got[1]:
            return f"empty sequence elem {exp[1]} vs {got[1]}"
        for k, (a, b) in enumerate(zip(exp[2], got[2])):
            r = same_value(a, b, tolerant, structure_only)
            if r:
                return f"item {k}: {r}"
        return None
    if kind == "map":
        return (same_value(exp[1], got[1], tolerant, structure_only)
                or same_value(exp[2], got[2], tolerant, structure_only))
    if kind == "optional":
        return same_value(exp[1], got[1], tolerant, structure_only)
    return f"unknown kind {kind}"


# --- ONNX Runtime (worker processes only) ----------------------------------------------

def parse_ort_type(s):
    s = s.strip()
    head, _, rest = s.partition("(")
    inner = rest[:-1] if rest.endswith(")") else rest
    if head == "tensor":
        key = "".join(c for c in inner.lower() if c.isalnum())
        return ("tensor", ORT_TYPE_NAMES.get(key, 0))
    if head == "seq":
        return ("seq", parse_ort_type(inner))
    if head == "map":
        k, _, v = inner.partition(",")
        return ("map", ORT_TYPE_NAMES.get(k.strip(), 0), parse_ort_type(v))
    if head == "optional":
        return ("opt", parse_ort_type(inner))
    return ("unknown", s)


def ort_feed(v, keep):
    import numpy as np
    import onnxruntime as ort
    kind = v[0]
    if kind == "tensor":
        _, elem, shape, arr = v
        if elem == 8:
            a = np.empty(arr.size, dtype=object)
            a[:] = [b.decode("utf-8", "surrogateescape") for b in arr.reshape(-1)]
            return a.reshape(shape)
        if elem in ORT_RAW_ELEMS:
            if elem in NIBBLE_ELEMS or elem in CRUMB_ELEMS:
                # ORT reads the packed bytes from the start of the buffer; the numpy
                # array only gives the shape (one byte per element, enough room).
                packed = np.frombuffer(tensor_bytes(elem, arr), np.uint8)
                buf = np.zeros(shape, np.uint8)
                buf.reshape(-1)[:len(packed)] = packed
            else:
                buf = np.ascontiguousarray(arr).reshape(arr.shape).view(np.uint16 if arr.dtype.itemsize == 2 else np.uint8)
            keep.append(buf)
            return ort.OrtValue.ortvalue_from_numpy_with_onnx_type(buf, elem)
        # np.ascontiguousarray alone would make a scalar 1-D.
        return np.ascontiguousarray(arr).reshape(arr.shape)
    if kind == "sequence":
        return [ort_feed(x, keep) for x in v[2]]
    if kind == "map":
        keys = [k.decode("utf-8") if isinstance(k, bytes) else k.item() for k in v[1][3].reshape(-1)]
        vals = [x.decode("utf-8") if isinstance(x, bytes) else x.item() for x in v[2][3].reshape(-1)]
        return dict(zip(keys, vals))
    if kind == "optional":
        return None if v[1] is None else ort_feed(v[1], keep)
    raise TypeError(kind)


def ort_raw_tensor(ov, elem):
    shape = tuple(ov.shape())
    n = 1
    for d in shape:
        n *= d
    if elem in NIBBLE_ELEMS:
        nbytes = (n + 1) // 2
    elif elem in CRUMB_ELEMS:
        nbytes = (n + 3) // 4
    else:
        nbytes = n * (2 if elem == 16 else 1)
    data = ctypes.string_at(ov.data_ptr(), nbytes) if nbytes else b""
    return ("tensor", elem, shape, tensor_from_bytes(elem, shape, data))


def from_ort(obj, t):
    import numpy as np
    import onnxruntime as ort
    if t[0] == "opt":
        return ("optional", None if obj is None else from_ort(obj, t[1]))
    if t[0] == "tensor":
        if isinstance(obj, ort.OrtValue):
            if t[1] in ORT_RAW_ELEMS:
                return ort_raw_tensor(obj, t[1])
            obj = obj.numpy()
        arr = np.asarray(obj)
        elem = t[1] or __import__("onnx").helper.np_dtype_to_tensor_dtype(arr.dtype)
        return tensor_value(elem, arr)
    if t[0] == "seq":
        inner = t[1]
        items = [from_ort(x, inner) for x in obj]
        return ("sequence", inner[1] if inner[0] == "tensor" else 0, items)
    if t[0] == "map":
        keys = list(obj.keys())
        vals = [obj[k] for k in keys]
        kt = tensor_value(t[1], np.array(keys, dtype=object if t[1] == 8 else np_dtype(t[1])))
        ve = t[2][1] if t[2][0] == "tensor" else 1
        vt = tensor_value(ve, np.array(vals, dtype=object if ve == 8 else np_dtype(ve)))
        return ("map", kt, vt)
    raise TypeError(f"cannot convert ORT output of type {t}")


class OrtCase:
    def __init__(self, case_dir, case):
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(str(case_dir / case["model"]), so,
                                         providers=["CPUExecutionProvider"])
        self.outs = [(o.name, parse_ort_type(o.type)) for o in self.sess.get_outputs()]
        self.raw = any(t[0] == "tensor" and t[1] in ORT_RAW_ELEMS for _, t in self.outs)
        self.inputs = case["inputs"]

    def run(self):
        import onnxruntime as ort
        keep = []
        feeds = {n: ort_feed(v, keep) for n, v in self.inputs}
        names = [n for n, _ in self.outs]
        if self.raw:
            # Outputs numpy cannot hold (bfloat16, float8, 4-bit, 2-bit): OrtValues.
            ov_feeds = {n: (x if isinstance(x, ort.OrtValue) else ort.OrtValue.ortvalue_from_numpy(x))
                        for n, x in feeds.items()}
            res = self.sess.run_with_ort_values(names, ov_feeds)
            res = [res[k] for k in range(len(names))]
        else:
            res = self.sess.run(names, feeds)
        return [(n, from_ort(r, t)) for (n, t), r in zip(self.outs, res)]


def strip_source_locations(msg):
    """Drops ORT's '/onnxruntime_src/<file>:<line> <C++ signature> ' prefixes from a message."""
    out, pos = "", 0
    while True:
        m = SRC_LOCATION.search(msg, pos)
        if not m:
            return out + msg[pos:]
        out += msg[pos:m.start()]
        pos = m.end()
        paren = msg.find("(", pos)
        head = msg[pos:paren] if paren >= 0 else ""
        if paren >= 0 and "::" in head and SIGNATURE_HEAD.fullmatch(head):
            depth, k = 0, paren
            while k < len(msg):
                depth += {"(": 1, ")": -1}.get(msg[k], 0)
                k += 1
                if depth == 0:
                    break
            if msg.startswith(" const", k):
                k += len(" const")
            pos = k + 1 if msg.startswith(" ", k) else k


def first_line(e, case_dir):
    msg = strip_source_locations(str(e).strip()) or type(e).__name__
    msg = msg.replace(str(case_dir) + "/", "").replace(str(case_dir), ".")
    msg = msg.replace(str(ROOT) + "/", "")
    line = " ".join(msg.splitlines()[0].split()) if msg.splitlines() else type(e).__name__
    return line[:WHY_MAX]


def generate_one(case_dir):
    """Measures ORT on a draft case (expect pending, reference outputs) and finalises it."""
    case = read_case(case_dir)
    input_tokens = [(n, t) for n, t in _raw_lines(case_dir, "input")]
    ref = case["outputs"]
    expect, why, outputs = None, "", None
    try:
        oc = OrtCase(case_dir, case)
        r1 = oc.run()
        r2 = oc.run()
    except Exception as e:  # noqa: BLE001 (any ORT failure is the outcome)
        expect, why = "error", first_line(e, case_dir)
    if expect is None:
        diff12 = None
        for (_, a), (_, b) in zip(r1, r2):
            diff12 = diff12 or same_value(a, b, tolerant=False)
        if diff12:
            expect, why, outputs = "unstable", "two runs differ: " + diff12, r1
        else:
            diff = None
            if len(ref) != len(r1):
                diff = f"{len(r1)} outputs, reference has {len(ref)}"
            for (n, e), (_, g) in zip(ref, r1):
                d = same_value(e, g)
                if d and not diff:
                    diff = f"{n}: {d}"
            if diff:
                expect, why, outputs = "ort_values", ("differs from the reference: " + diff)[:WHY_MAX], r1
            else:
                expect = "pass"
    out_tokens = _raw_lines(case_dir, "output")
    if expect == "error" or outputs is not None:
        for f in case_dir.glob("output_*"):
            f.unlink()
        out_tokens = []
        if outputs is not None:
            names = [n for n, _ in ref] if len(ref) == len(outputs) else [n for n, _ in outputs]
            out_tokens = [(name, write_value(v, case_dir, f"output_{j}"))
                          for j, (name, (_, v)) in enumerate(zip(names, outputs))]
    (case_dir / "case.txt").write_text(
        case_text(case["model"], expect, why[:WHY_MAX], input_tokens, out_tokens), encoding="utf-8")
    return expect, why


def _raw_lines(case_dir, key):
    out = []
    for line in (case_dir / "case.txt").read_text(encoding="utf-8").split("\n"):
        k, _, rest = line.partition(" ")
        if k == key:
            name, _, tokens = rest.partition(" ")
            out.append((name, tokens))
    return out


def check_one(case_dir):
    """Reads a finished case back and checks ORT Python against it; None when consistent."""
    case = read_case(case_dir)
    expect = case["expect"]
    try:
        oc = OrtCase(case_dir, case)
        got = oc.run()
    except Exception as e:  # noqa: BLE001
        return None if expect == "error" else f"expect {expect} but ORT failed: {first_line(e, case_dir)}"
    if expect == "error":
        return "expect error but ORT ran"
    if len(got) != len(case["outputs"]):
        return f"{len(got)} outputs, case has {len(case['outputs'])}"
    for (n, e), (_, g) in zip(case["outputs"], got):
        d = same_value(e, g, structure_only=(expect == "unstable"))
        if d:
            return f"{n}: {d}"
    return None


def worker_main(conn):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import warnings
    warnings.filterwarnings("ignore")
    import onnxruntime as ort
    ort.set_default_logger_severity(4)
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        mode, rel = msg
        case_dir = OUT / rel
        try:
            if mode == "generate":
                res = generate_one(case_dir)
            else:
                res = check_one(case_dir)
        except Exception:  # noqa: BLE001
            res = ("bug", traceback.format_exc())
        conn.send((rel, res))


class Pool:
    """Worker processes with a per-case timeout; a worker that hangs or dies is replaced."""

    def __init__(self, jobs):
        self.ctx = multiprocessing.get_context("spawn")
        self.jobs = jobs
        self.workers = []

    def _start(self):
        a, b = self.ctx.Pipe()
        p = self.ctx.Process(target=worker_main, args=(b,), daemon=True)
        p.start()
        b.close()
        return {"proc": p, "conn": a, "task": None, "t0": 0.0}

    def run(self, mode, rels, on_lost):
        """Yields (rel, result); on_lost(rel, why) gives the result of a killed/dead worker."""
        while len(self.workers) < self.jobs:
            self.workers.append(self._start())
        todo = list(reversed(rels))
        busy = 0
        while todo or busy:
            for w in self.workers:
                if w["task"] is None and todo:
                    w["task"] = todo.pop()
                    w["t0"] = time.monotonic()
                    w["conn"].send((mode, w["task"]))
                    busy += 1
            conns = [w["conn"] for w in self.workers if w["task"] is not None]
            ready = multiprocessing.connection.wait(conns, timeout=1.0)
            now = time.monotonic()
            for i, w in enumerate(self.workers):
                if w["task"] is None:
                    continue
                why = None
                if w["conn"] in ready:
                    try:
                        rel, res = w["conn"].recv()
                        w["task"] = None
                        busy -= 1
                        yield rel, res
                        continue
                    except (EOFError, OSError):
                        w["proc"].join(5)
                        why = f"crash: ORT worker died (exit code {w['proc'].exitcode})"
                elif now - w["t0"] > TIMEOUT_S:
                    why = "timeout"
                if why:
                    rel = w["task"]
                    w["proc"].kill()
                    w["proc"].join()
                    self.workers[i] = self._start()
                    busy -= 1
                    yield rel, on_lost(rel, why)

    def close(self):
        for w in self.workers:
            try:
                w["conn"].send(None)
            except OSError:
                pass
        for w in self.workers:
            w["proc"].join(5)
            if w["proc"].is_alive():
                w["proc"].kill()


# --- collecting the cases ---------------------------------------------------------------

def graph_inputs(model):
    inits = {t.name for t in model.graph.initializer} | {
        t.values.name for t in model.graph.sparse_initializer}
    return [vi for vi in model.graph.input if vi.name not in inits]


def write_draft(case_dir, model_name, in_vis, in_values, out_vis, out_values):
    in_tokens = [(vi.name, write_value(v, case_dir, f"input_{j}"))
                 for j, (vi, v) in enumerate(zip(in_vis, in_values))]
    out_tokens = [(vi.name, write_value(v, case_dir, f"output_{j}"))
                  for j, (vi, v) in enumerate(zip(out_vis, out_values))]
    (case_dir / "case.txt").write_text(case_text(model_name, "pending", "", in_tokens, out_tokens),
                                       encoding="utf-8")


def draft_node_cases(group_dir):
    import warnings
    import numpy as np
    from onnx.backend.test.case import node as node_cases
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            # Every export() runs after np.random.seed(0) (onnx/backend/test/case/base.py),
            # so the data is the same on every machine.
            cases = node_cases.collect_testcases()
    names = []
    for c in sorted(cases, key=lambda c: c.name):
        d = group_dir / c.name
        d.mkdir(parents=True)
        (d / "model.onnx").write_bytes(c.model.SerializeToString())
        ins, outs = c.data_sets[0]
        in_vis = graph_inputs(c.model)
        out_vis = list(c.model.graph.output)
        in_values = [value_from_proto(to_proto(x, vi), vi.type) for x, vi in zip(ins, in_vis)]
        out_values = [value_from_proto(to_proto(x, vi), vi.type) for x, vi in zip(outs, out_vis)]
        write_draft(d, "model.onnx", in_vis, in_values, out_vis, out_values)
        names.append(c.name)
    return names


def draft_file_cases(group, group_dir, data_dir):
    import onnx
    names = []
    for src in sorted(p for p in (data_dir / group).iterdir() if p.is_dir()):
        d = group_dir / src.name
        d.mkdir(parents=True)
        for f in src.iterdir():  # model.onnx and any external data beside it
            if f.is_file():
                shutil.copyfile(f, d / f.name)
        model = onnx.load(str(src / "model.onnx"), load_external_data=False)
        ds = src / "test_data_set_0"
        in_vis, out_vis = graph_inputs(model), list(model.graph.output)
        n_in = len(list(ds.glob("input_*.pb")))
        n_out = len(list(ds.glob("output_*.pb")))
        if n_in != len(in_vis) or n_out != len(out_vis):
            raise SystemExit(f"onyx: conformance: {group}/{src.name}: {n_in} inputs / {n_out} "
                             f"outputs in test_data_set_0, graph has {len(in_vis)} / {len(out_vis)}")
        in_values = [parse_pb((ds / f"input_{j}.pb").read_bytes(), vi.type) for j, vi in enumerate(in_vis)]
        out_values = [parse_pb((ds / f"output_{j}.pb").read_bytes(), vi.type) for j, vi in enumerate(out_vis)]
        write_draft(d, "model.onnx", in_vis, in_values, out_vis, out_values)
        names.append(src.name)
    return names


def draft_light_cases(group_dir, data_dir):
    import numpy as np
    import onnx
    names = []
    for src in sorted((data_dir / "light").glob("*.onnx")):
        name = src.stem
        d = group_dir / name
        d.mkdir(parents=True)
        shutil.copyfile(src, d / "model.onnx")
        model = onnx.load(str(src))
        in_vis, out_vis = graph_inputs(model), list(model.graph.output)
        in_values = []
        for vi in in_vis:
            tt = vi.type.tensor_type
            shape = [dim.dim_value if dim.HasField("dim_value") else 1 for dim in tt.shape.dim]
            in_values.append(tensor_value(tt.elem_type, np.ones(shape, np_dtype(tt.elem_type))))
        out_values = [parse_pb((data_dir / "light" / f"{name}_output_{j}.pb").read_bytes(), vi.type)
                      for j, vi in enumerate(out_vis)]
        write_draft(d, "model.onnx", in_vis, in_values, out_vis, out_values)
        names.append(name)
    return names


def lost_generate(rel, why):
    """A case whose ORT worker timed out or died: an error case with its inputs."""
    case_dir = OUT / rel
    model = "model.onnx"
    for line in (case_dir / "case.txt").read_text(encoding="utf-8").split("\n"):
        if line.startswith("model "):
            model = line[6:]
    for f in case_dir.glob("output_*"):
        f.unlink()
    (case_dir / "case.txt").write_text(
        case_text(model, "error", why, _raw_lines(case_dir, "input"), []), encoding="utf-8")
    return "error", why


# --- outcomes.txt -------------------------------------------------------------------------

def summary_lines(outcomes):
    lines = []
    for g in GROUPS:
        counts = {e: 0 for e in EXPECTS}
        for rel, e in outcomes.items():
            if rel.split("/", 1)[0] == g:
                counts[e] += 1
        lines.append(f"# {g}: " + ", ".join(f"{counts[e]} {e}" for e in EXPECTS))
    return lines


def write_outcomes(outcomes):
    import onnx
    import importlib.metadata as md
    head = [
        "# What ONNX Runtime's Python binding does with each ONNX backend test case",
        f"# (onnx {onnx.__version__}, onnxruntime {md.version('onnxruntime')}, CPU, 1 thread).",
        "# Written by `tests/conformance/generate.py --refresh`; the generator fails when what",
        "# it measures differs. Format: <group>/<case> <pass|ort_values|error|unstable>.",
    ]
    body = [f"{rel} {outcomes[rel]}" for rel in sorted(outcomes)]
    tmp = OUTCOMES.with_suffix(".tmp")
    tmp.write_text("\n".join(head + body + [f"# total: {len(outcomes)} cases"]
                             + summary_lines(outcomes)) + "\n")
    os.replace(tmp, OUTCOMES)


def read_outcomes():
    out = {}
    if not OUTCOMES.exists():
        return None
    for line in OUTCOMES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            rel, expect = line.split()
            out[rel] = expect
    return out


# --- main -----------------------------------------------------------------------------------

def generate(args):
    import onnx
    data_dir = Path(onnx.__file__).parent / "backend" / "test" / "data"
    t_start = time.monotonic()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    pool = Pool(args.jobs)
    outcomes, bugs = {}, []
    try:
        for group in GROUPS:
            t0 = time.monotonic()
            gdir = OUT / group
            gdir.mkdir()
            if group == "node":
                names = draft_node_cases(gdir)
            elif group == "light":
                names = draft_light_cases(gdir, data_dir)
            else:
                names = draft_file_cases(group, gdir, data_dir)
            rels = [f"{group}/{n}" for n in names]
            counts = {e: 0 for e in EXPECTS}
            for rel, res in pool.run("generate", rels, lost_generate):
                if res[0] == "bug":
                    bugs.append((rel, res[1]))
                    continue
                outcomes[rel] = res[0]
                counts[res[0]] += 1
            log(f"{group}: {len(rels)} cases, " + ", ".join(f"{counts[e]} {e}" for e in EXPECTS)
                + f" ({time.monotonic() - t0:.0f} s)")
    finally:
        pool.close()
    if bugs:
        for rel, tb in bugs[:5]:
            print(f"onyx: conformance: generator bug on {rel}:\n{tb}", file=sys.stderr)
        sys.exit(f"onyx: conformance: {len(bugs)} cases failed in the generator itself")

    if args.refresh:
        write_outcomes(outcomes)
        log(f"wrote {OUTCOMES.relative_to(ROOT)}")
    else:
        committed = read_outcomes()
        if committed is None:
            sys.exit(f"onyx: conformance: {OUTCOMES.relative_to(ROOT)} is missing; run with --refresh")
        if committed != outcomes:
            diffs = []
            for rel in sorted(set(committed) | set(outcomes)):
                a, b = committed.get(rel, "(absent)"), outcomes.get(rel, "(absent)")
                if a != b:
                    diffs.append(f"  {rel}: committed {a}, measured {b}")
            print(f"onyx: conformance: ONNX Runtime's outcomes differ from "
                  f"{OUTCOMES.relative_to(ROOT)} in {len(diffs)} cases:", file=sys.stderr)
            print("\n".join(diffs[:20]), file=sys.stderr)
            if len(diffs) > 20:
                print(f"  ... and {len(diffs) - 20} more", file=sys.stderr)
            print("onyx: conformance: if this is expected (new pins), run "
                  "`.cache/venv/bin/python tests/conformance/generate.py --refresh` and commit "
                  "outcomes.txt", file=sys.stderr)
            sys.exit(1)

    rels = sorted(outcomes)
    tmp = OUT / "index.txt.tmp"
    tmp.write_text("\n".join(rels + [f"end {len(rels)}"]) + "\n")
    os.replace(tmp, INDEX)
    STAMP.write_text(stamp_digest() + "\n")
    log(f"{len(rels)} cases in {time.monotonic() - t_start:.0f} s (.cache/conformance/index.txt)")


def selftest():
    """Round-trips values the backend cases lack (maps, odd 4-bit/2-bit sizes) through the files."""
    import tempfile
    import numpy as np
    vals = [
        tensor_value(22, np.array([-8, 7, -1, 0, 3], np_dtype(22))),
        tensor_value(21, np.array([[15, 0, 9]], np_dtype(21))),
        tensor_value(26, np.array([-2, 1, -1, 0, 1, -2, 0], np_dtype(26))),
        tensor_value(25, np.array([3, 2, 1, 0, 3], np_dtype(25))),
        tensor_value(23, np.array([-6.0, 0.5, 1.5], np_dtype(23))),
        tensor_value(16, np.array([1.5, -2.25, np.nan], np_dtype(16))),
        tensor_value(8, np.array([["a", "", "\u00e9t\u00e9 \u2603"]], dtype=object)),
        tensor_value(9, np.array([True, False, True])),
        tensor_value(1, np.zeros((0, 3), np.float32)),
        tensor_value(7, np.array(5, np.int64)),
        ("map", tensor_value(8, np.array(["x", "y"], dtype=object)), tensor_value(1, np.array([1.0, 2.0], np.float32))),
        ("map", tensor_value(7, np.array([3, 1], np.int64)), tensor_value(8, np.array(["p", "q"], dtype=object))),
        ("sequence", 10, []),
        ("sequence", 1, [tensor_value(1, np.ones((2,), np.float32)), tensor_value(1, np.ones((0,), np.float32))]),
        ("optional", None),
        ("optional", ("sequence", 7, [tensor_value(7, np.arange(3))])),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        toks = [write_value(v, d, f"v{k}") for k, v in enumerate(vals)]
        for k, (v, t) in enumerate(zip(vals, toks)):
            back, end = parse_value(t.split(), 0, d)
            r = same_value(v, back, tolerant=False)
            if r or end != len(t.split()):
                sys.exit(f"onyx: conformance: self-test: value {k} ({t}) does not round-trip: {r}")
        assert (d / "v0.bin").read_bytes() == bytes([0x78, 0x0F, 0x03])
        assert (d / "v2.bin").read_bytes() == bytes([0b00110110, 0b00001001])


def check(args):
    selftest()
    if not index_complete():
        sys.exit("onyx: conformance: .cache/conformance/index.txt is missing or incomplete")
    rels = INDEX.read_text().splitlines()[:-1]
    if args.cases:
        rels = [r for r in rels if any(s in r for s in args.cases)]
    t0 = time.monotonic()
    bad = []
    pool = Pool(args.jobs)
    try:
        for rel, res in pool.run("check", rels, lambda rel, why: None if read_case(OUT / rel)["expect"] == "error" and why == "timeout" else why):
            if isinstance(res, tuple) and res and res[0] == "bug":
                bad.append((rel, "reader bug: " + res[1].strip().splitlines()[-1]))
            elif res:
                bad.append((rel, res))
    finally:
        pool.close()
    for rel, why in bad[:50]:
        print(f"  {rel}: {why}", file=sys.stderr)
    log(f"check: {len(rels)} cases read back and rerun, {len(bad)} inconsistent "
        f"({time.monotonic() - t0:.0f} s)")
    sys.exit(1 if bad else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--refresh", action="store_true", help="rewrite tests/conformance/outcomes.txt")
    ap.add_argument("--check", action="store_true",
                    help="read every generated case back and check ORT Python against it")
    ap.add_argument("--force", action="store_true", help="regenerate even when the stamp matches")
    ap.add_argument("--up-to-date", action="store_true",
                    help="only tell, by the exit status, whether the cases are up to date")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="ORT worker processes (default: 2)")
    ap.add_argument("cases", nargs="*", help="--check only: substrings of the cases to check")
    args = ap.parse_args()
    up_to_date = (index_complete() and STAMP.exists()
                  and STAMP.read_text().strip() == stamp_digest()
                  and (LOCALE_DIR / "en_US.UTF-8" / "LC_CTYPE").exists())
    if args.up_to_date:
        sys.exit(0 if up_to_date else 1)
    ensure_locale()
    os.environ["OMP_NUM_THREADS"] = "1"
    if args.check:
        check(args)
        return
    if up_to_date and not args.refresh and not args.force:
        return
    generate(args)


if __name__ == "__main__":
    main()
