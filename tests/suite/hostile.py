"""The hostile-model corpus of the shared suite: models and special files that must
give a clear status (never a crash, a hang or a read outside the model's folder), each
row with the code every runner must see and a bound on the load time.

generate.py writes the corpus into fixtures/hostile/ (gitignored: the files are made
from this script alone, with the pinned onnx package) and puts one `hostile_model`
case per row into spec.txt; see README.md for what a runner does with it.
"""

import os
import stat
from pathlib import Path

HOSTILE = "fixtures/hostile"
OPSET = 17
IR_VERSION = 8


def _model(nodes, inputs, outputs, initializers=(), opset=OPSET, ir_version=IR_VERSION, metadata=()):
    from onnx import helper

    graph = helper.make_graph(nodes, "hostile", inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=ir_version,
                              producer_name="onyx-suite")
    for key, value in metadata:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model.SerializeToString(deterministic=True)


def _float_io(name, dims):
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def _external(name, location, dims=(4,)):
    """An initializer whose data is in the file `location` (ONNX external data)."""
    from onnx import TensorProto

    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=list(dims), data_location=TensorProto.EXTERNAL)
    for key, value in (("location", location), ("offset", "0"), ("length", str(4 * dims[0]))):
        entry = t.external_data.add()
        entry.key, entry.value = key, value
    return t


def _identity_of(initializer):
    from onnx import helper

    return _model([helper.make_node("Identity", [initializer.name], ["y"])], [],
                  [_float_io("y", list(initializer.dims))], [initializer])


def _varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number, payload):
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _deep(levels):
    """`levels` If nodes, each inside the previous one's then-branch. Written with a few
    lines of protobuf by hand: the Python protobuf runtime refuses to build messages
    this deep, which is the point."""
    from onnx import TensorProto, helper

    leaf = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "leaf", [], [_float_io("y", [1])])
    leaf_bytes = leaf.SerializeToString(deterministic=True)
    y = _float_io("y", [1]).SerializeToString(deterministic=True)
    body = leaf_bytes
    for level in range(levels):
        cond = helper.make_tensor(f"c{level}", TensorProto.BOOL, [], [True]).SerializeToString(deterministic=True)
        # AttributeProto: name = 1, g = 6, type = 20 (GRAPH = 5).
        attr = lambda name, g: _field(1, name.encode()) + _field(6, g) + _varint(20 << 3) + _varint(5)
        # NodeProto: input = 1, output = 2, op_type = 4, attribute = 5.
        node = (_field(1, f"c{level}".encode()) + _field(2, b"y") + _field(4, b"If")
                + _field(5, attr("then_branch", body)) + _field(5, attr("else_branch", leaf_bytes)))
        # GraphProto: node = 1, name = 2, initializer = 5, output = 12.
        body = _field(1, node) + _field(2, f"level{level}".encode()) + _field(5, cond) + _field(12, y)
    shell = _model([], [_float_io("x", [1])], [])
    # ModelProto.graph = 7: the shell's own graph is replaced by the deep one.
    import onnx
    model = onnx.load_from_string(shell)
    model.ClearField("graph")
    return model.SerializeToString(deterministic=True) + _field(7, body)


def _chain(nodes):
    from onnx import helper

    names = ["x"] + [f"t{i}" for i in range(nodes - 1)] + ["y"]
    chain = [helper.make_node("Identity", [names[i]], [names[i + 1]]) for i in range(nodes)]
    return _model(chain, [_float_io("x", [1])], [_float_io("y", [1])])


def _huge_initializer(dims):
    from onnx import TensorProto

    # Declares the dims but carries no data: the size comes from the model alone.
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=list(dims))
    return _identity_of(t)


def _named(name):
    """add-like model whose single input is called `name` (a str or raw bytes)."""
    from onnx import helper

    model = _model([helper.make_node("Identity", ["PLACEHOLDER"], ["y"])], [_float_io("PLACEHOLDER", [1])],
                   [_float_io("y", [1])])
    raw = name if isinstance(name, bytes) else name.encode()
    # Swap the name in the serialized protobuf: both strings have the same length, so
    # every length prefix stays right, and onnx's own checks cannot refuse the bytes.
    assert len(raw) == len(b"PLACEHOLDER")
    return model.replace(b"PLACEHOLDER", raw)


def sequence_output():
    """x float [2] -> SequenceConstruct(x, x) -> seq: an output that is not a tensor."""
    from onnx import TensorProto, helper

    seq = helper.make_value_info("seq", helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))
    return _model([helper.make_node("SequenceConstruct", ["x", "x"], ["seq"])], [_float_io("x", [2])], [seq])


def rows():
    """(case name, file name or absolute path, content or special kind, load, code, seconds, extra fields)."""
    from onnx import helper

    meta = [(f"key{i:05d}", "v" * 32) for i in range(20000)]
    identity = [helper.make_node("Identity", ["x"], ["y"])]
    metadata_model = _model(identity, [_float_io("x", [1])], [_float_io("y", [1])], metadata=meta)
    # One value's first byte made 0x86 (not UTF-8): Onyx's own reader skips that entry
    # only, instead of falling back to ONNX Runtime's quadratic lookups for all of them.
    at = metadata_model.index(b"v" * 32)
    non_utf8 = metadata_model[:at] + b"\x86" + metadata_model[at + 1:]
    no_opset = _model([helper.make_node("Identity", ["x"], ["y"])], [_float_io("x", [1])], [_float_io("y", [1])])
    return [
        ("hostile_metadata_20000", "metadata_20000.onnx", metadata_model, "file", "OK", 2, ["custom_count 20000"]),
        ("hostile_metadata_20000_non_utf8", "metadata_20000_non_utf8.onnx", non_utf8, "file", "OK", 2,
         ["custom_count 20000"]),
        ("hostile_nodes_100000", "nodes_100000.onnx", _chain(100000), "file", "OK", 60, []),
        ("hostile_external_beside", "external_beside.onnx", _identity_of(_external("w", "beside.bin")), "file", "OK", 5, []),
        ("hostile_external_from_bytes", "external_beside.onnx", None, "bytes", "INVALID_MODEL 6", 5,
         ["message_contains external file"]),
        ("hostile_external_absolute", "external_absolute.onnx", _identity_of(_external("w", "/etc/hostname")),
         "file", "INVALID_MODEL 6", 5, []),
        ("hostile_external_dotdot", "external_dotdot.onnx", _identity_of(_external("w", "../outside.bin")),
         "file", "INVALID_MODEL 6", 5, []),
        ("hostile_external_symlink", "external_symlink.onnx", _identity_of(_external("w", "link.bin")),
         "file", "INVALID_MODEL 6", 5, []),
        ("hostile_initializer_2pow40", "initializer_2pow40.onnx", _huge_initializer([1 << 40]), "file",
         "INVALID_MODEL 6", 5, []),
        ("hostile_initializer_overflow", "initializer_overflow.onnx", _huge_initializer([1 << 62, 1 << 62]), "file",
         "INVALID_MODEL 6", 5, []),
        ("hostile_deep_nesting", "deep_nesting.onnx", _deep(200), "file", "INVALID_MODEL 6", 10, []),
        ("hostile_future_opset", "future_opset.onnx", _model([helper.make_node("Identity", ["x"], ["y"])],
         [_float_io("x", [1])], [_float_io("y", [1])], opset=999), "file", "INVALID_MODEL 6", 5, []),
        ("hostile_future_ir", "future_ir.onnx", _model([helper.make_node("Identity", ["x"], ["y"])],
         [_float_io("x", [1])], [_float_io("y", [1])], ir_version=99), "file", "INVALID_MODEL 6", 5, []),
        ("hostile_no_opset_import", "no_opset_import.onnx", _strip_opsets(no_opset), "file", "INVALID_MODEL 6", 5, []),
        ("hostile_nul_in_name", "nul_in_name.onnx", _named(b"in\x00ut_name_"), "file", "OK", 5, []),
        ("hostile_non_utf8_name", "non_utf8_name.onnx", _named(b"input\xff\xfename"), "file", "INVALID_MODEL 6", 5, []),
        ("hostile_empty_file", "empty.onnx", b"", "file", "INVALID_MODEL 6", 5, []),
        ("hostile_directory", "a_directory.onnx", "directory", "file", "INVALID_MODEL 6", 5, []),
        ("hostile_fifo", "a_fifo.onnx", "fifo", "file", "INVALID_MODEL 6", 5, []),
        ("hostile_dev_zero", "/dev/zero", None, "file", "INVALID_MODEL 6", 5, []),
    ]


def _strip_opsets(model_bytes):
    import onnx

    model = onnx.load_from_string(model_bytes)
    del model.opset_import[:]
    return model.SerializeToString(deterministic=True)


def write(fixtures: Path):
    """Writes the corpus into fixtures/hostile (idempotent, quiet when up to date)."""
    folder = fixtures / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    # External data: a file beside the models, one outside their folder, and a symlink
    # in the folder that points outside it.
    _put(folder / "beside.bin", bytes(16))
    _put(fixtures / "outside.bin", bytes(16))
    link = folder / "link.bin"
    if not link.is_symlink():
        link.unlink(missing_ok=True)
        link.symlink_to(Path("..") / "outside.bin")
    # A model whose output Onyx cannot return yet, and an input for it (suite case
    # error_sequence_output).
    _put(folder / "sequence_output.onnx", sequence_output())
    _put(folder / "sequence_output_x.f32", bytes(8))
    for _, name, content, *_ in rows():
        path = folder / name
        if name.startswith("/") or content is None:
            continue
        if content == "directory":
            path.mkdir(exist_ok=True)
        elif content == "fifo":
            if not (path.exists() and stat.S_ISFIFO(path.stat().st_mode)):
                path.unlink(missing_ok=True)
                os.mkfifo(path)
        else:
            _put(path, content)


def _put(path: Path, data: bytes):
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def cases():
    """The spec.txt cases, one per row."""
    out = []
    for name, file, _content, load, code, seconds, extra in rows():
        model = file if file.startswith("/") else f"{HOSTILE}/{file}"
        out.append((name, "hostile_model", [f"model {model}", f"load {load}", f"code {code}", f"seconds {seconds}"] + extra))
    return out
