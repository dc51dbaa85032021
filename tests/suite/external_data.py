"""The external-data fixtures of the shared suite (ONNX's external-data format: an
initializer's bytes live in another file, named by its `location`).

| file | what |
| --- | --- |
| external/resnet18_external.onnx + resnet18_external.onnx.data | the suite's ResNet18 with every initializer of 1 KiB or more in one data file beside it: same weights, so the same logits as resnet18.onnx |
| external/escapes/model.onnx | y = x + w (float [8]) with w kept in `../outside.bin`, outside the model's folder |
| external/outside.bin | w's bytes |
| external/escapes_x.f32, external/escapes_y.f32 | an input and the output NumPy computes for it |

write(fixtures, model) makes them from the generated (SHA-checked) resnet18.onnx and
checks the two ResNet18 files against the SHA-256s below, so every runner reads the
same bytes; it is quiet when every file is current. Made with the pinned onnx.
"""

import hashlib
from pathlib import Path

FOLDER = "external"
MODEL = "resnet18_external.onnx"
DATA = MODEL + ".data"
ESCAPES = "escapes/model.onnx"
OUTSIDE = "outside.bin"
ESCAPING_LOCATION = "../" + OUTSIDE
MODEL_SHA256 = "382afacc803cee130708e4b7894681dc133c095ebe66a2eafa191e1ac785994d"
DATA_SHA256 = "4180f61a663cacc1e0113d390c1da35fc89da8775b37cb305edfb2af4368b4de"


def _put(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def _resnet18_external(model_path: Path):
    """The model's bytes and its data file's bytes (initializers >= 1 KiB moved out)."""
    import onnx
    from onnx.external_data_helper import convert_model_to_external_data

    model = onnx.load(str(model_path))
    convert_model_to_external_data(model, all_tensors_to_one_file=True, location=DATA, size_threshold=1024)
    # onnx writes the data file while saving; save into memory by hand instead, so the
    # bytes are known before anything touches the disk.
    data = bytearray()
    for tensor in model.graph.initializer:
        if tensor.data_location != onnx.TensorProto.EXTERNAL:
            continue
        raw = tensor.raw_data
        while len(data) % 4096:  # onnx's own alignment of each tensor in the file
            data.append(0)
        offset = len(data)
        data += raw
        tensor.ClearField("raw_data")
        del tensor.external_data[:]
        for key, value in (("location", DATA), ("offset", str(offset)), ("length", str(len(raw)))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
    return model.SerializeToString(deterministic=True), bytes(data)


def _escapes():
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = np.linspace(-2, 2, 8, dtype=np.float32)
    x = np.arange(8, dtype=np.float32) * np.float32(0.5)
    weight = numpy_helper.from_array(w, "w")
    weight.ClearField("raw_data")
    weight.data_location = TensorProto.EXTERNAL
    entry = weight.external_data.add()
    entry.key, entry.value = "location", ESCAPING_LOCATION
    graph = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "escapes",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [8])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8, producer_name="onyx-suite")
    y = (x + w).astype(np.float32)
    return model.SerializeToString(deterministic=True), w.astype("<f4").tobytes(), x.astype("<f4").tobytes(), y.astype("<f4").tobytes()


def write(fixtures: Path, model_path: Path, check=True):
    folder = Path(fixtures) / FOLDER
    model, data = _resnet18_external(model_path)
    if check:
        for name, got, want in ((MODEL, model, MODEL_SHA256), (DATA, data, DATA_SHA256)):
            sha = hashlib.sha256(got).hexdigest()
            if sha != want:
                raise SystemExit(f"external_data.py: {FOLDER}/{name} came out with SHA-256 {sha}, not {want}: "
                                 "use the pinned packages (.cache/venv), or update the pin if the generator changed on purpose")
    wrote = _put(folder / MODEL, model) | _put(folder / DATA, data)
    if wrote:
        print(f"external_data.py: wrote {FOLDER}/{MODEL} ({len(model)} bytes) and {FOLDER}/{DATA} ({len(data)} bytes)")
    escapes, w, x, y = _escapes()
    if _put(folder / ESCAPES, escapes) | _put(folder / OUTSIDE, w) | _put(folder / "escapes_x.f32", x) | _put(folder / "escapes_y.f32", y):
        print(f"external_data.py: wrote {FOLDER}/{ESCAPES} (its weights at {ESCAPING_LOCATION})")


if __name__ == "__main__":
    import sys
    here = Path(__file__).resolve().parent
    write(here / "fixtures", here / "fixtures" / "resnet18.onnx", check="--print-sha" not in sys.argv)
    if "--print-sha" in sys.argv:
        folder = here / "fixtures" / FOLDER
        for name in (MODEL, DATA):
            print(name, hashlib.sha256((folder / name).read_bytes()).hexdigest())
