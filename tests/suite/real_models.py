"""The suite's real-model cases: a published OCR model, and scikit-learn models whose
outputs are not plain tensors. generate.py imports this module.

OCR (kind `ocr`). PaddleOCR's PP-OCRv4 text recogniser as RapidOCR ships it (Apache-2.0),
fetched by scripts/fetch-ocr-model.sh into .cache/models/ (pinned in versions.env):
input `x` [N,3,48,W] float32, output [N, W/8, 6625] per-step class probabilities; the
classes are the model's custom metadata `character` split on "\\n", with the CTC blank
before them (class 0) and a space after them (the last class). OCR_LINES are rendered
black on white in DejaVu Sans 32 px (Debian's fonts-dejavu-core) on a 48-px-high line,
its width the text's plus margins rounded up to a multiple of 8, normalised to
(x/255 - 0.5)/0.5 (RGB, NCHW), and written to fixtures/ocr_<i>.f32 (raw little-endian
float32, gitignored; the SHA-256 is in spec.txt). A case's `text` is what ONNX
Runtime's Python binding greedily decodes (argmax per step, repeats collapsed, blanks
dropped), which need not be the rendered line ("Hello Onyx 2026" reads "Hello 0nyx 2026").

scikit-learn (kind `values`, the case-folder form: README.md, "Case folders").
Two models trained on tiny fixed data and converted by skl2onnx with its default
options, each written with its inputs and ONNX Runtime's outputs as a case folder
fixtures/sklearn/<name>/ (gitignored; the model's SHA-256 is in spec.txt):
- classifier: LogisticRegression over 4 float features, string labels cat/dog/bird:
  output_label tensor(string) [N], output_probability seq(map(string, tensor(float))).
- text: CountVectorizer(lowercase=False) + LogisticRegression over short sentences, fed
  a string tensor [N,1] (lowercase=False: no StringNormalizer, so no locale needed).
The model bytes are reproducible: the fitted weights are rounded to multiples of 1/1024
(so the last bits of BLAS and libm cannot reach them), the graph gets a fixed name
(skl2onnx draws a random one) and the opset imports are sorted (skl2onnx lists them in
set order, which changes with Python's hash seed).

Modes (generate.py calls them):
- ensure(fixtures, spec_cases): default mode. Fetches the OCR model when missing, writes
  the OCR inputs and the case folders when missing or stale, and checks their SHA-256
  against spec.txt. Quiet when current (no numpy, Pillow or scikit-learn imported then).
- refresh(fixtures): --refresh. Writes everything, cross-checks ONNX Runtime (the OCR
  decodes under other session options, the scikit-learn outputs against scikit-learn's
  own, the model bytes under other hash seeds) and returns the spec cases.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from fileio import put as _put, sha256_file  # noqa: E402  (beside this file)

SUITE = Path(__file__).resolve().parent
ROOT = SUITE.parent.parent

# --- OCR -----------------------------------------------------------------------------

OCR_MODEL = ROOT / ".cache" / "models" / "ch_PP-OCRv4_rec_infer.onnx"
FETCH_OCR_MODEL = ROOT / "scripts" / "fetch-ocr-model.sh"
OCR_LINES = ["Hello Onyx 2026", "make test passed", "3.14 + 2.71 = 5.85"]
OCR_HEIGHT = 48
OCR_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# fonts-dejavu-core 2.37-6 (Debian 12); another font file renders other pixels.
OCR_FONT_SHA256 = "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322"
OCR_FONT_SIZE = 32
OCR_MARGIN = 8  # pixels left of the ink, and at least this much right of it
OCR_STEP = 8  # the model's horizontal downsampling: W must be a multiple of it
# Smallest gap allowed between a step's best and second-best class probability, so the
# decoded text cannot change under other thread counts or optimisation levels.
OCR_MIN_MARGIN = 1e-2

# --- scikit-learn --------------------------------------------------------------------

SKLEARN = "sklearn"  # the folder under fixtures/
STAMP = ".complete"  # SHA-256 of the folder's other files, written last
QUANTUM = 1.0 / 1024


def _pins():
    lines = (ROOT / "versions.env").read_text().splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in lines if line and not line.startswith("#"))}


def rel(path):
    return Path(path).resolve().relative_to(SUITE).as_posix()


# --------------------------------------------------------------------------------------
# OCR
# --------------------------------------------------------------------------------------

def fetch_ocr_model():
    """The OCR model's path, fetched (scripts/fetch-ocr-model.sh checks the pinned
    SHA-256s) when it is missing."""
    if not OCR_MODEL.is_file():
        # On failure the script says why; the caller's SHA-256 check then fails too.
        subprocess.run(["bash", str(FETCH_OCR_MODEL)], check=False)
    return OCR_MODEL


def render(text):
    """The line as the model's input: float32 [1,3,48,W], NCHW, RGB, (x/255-0.5)/0.5."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(OCR_FONT), OCR_FONT_SIZE)
    left, top, right, bottom = font.getbbox(text)
    width = -(-(right - left + 2 * OCR_MARGIN) // OCR_STEP) * OCR_STEP
    image = Image.new("RGB", (width, OCR_HEIGHT), "white")
    ImageDraw.Draw(image).text((OCR_MARGIN - left, (OCR_HEIGHT - (bottom - top)) // 2 - top), text,
                               font=font, fill="black")
    x = (np.asarray(image, dtype=np.float32) / np.float32(255) - np.float32(0.5)) / np.float32(0.5)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype="<f4")


def ocr_classes(session):
    """Class index -> character: blank (None), the metadata's characters, a space."""
    return [None] + session.get_modelmeta().custom_metadata_map["character"].split("\n") + [" "]


def greedy_decode(probabilities, classes):
    """Argmax per step, repeats collapsed, blanks dropped; and the smallest gap between
    a step's best and second-best probability."""
    import numpy as np

    best = probabilities.argmax(axis=-1)
    top2 = np.sort(probabilities, axis=-1)[:, -2:]
    text, previous = [], -1
    for k in best:
        if k != previous and k != 0:
            text.append(classes[k])
        previous = k
    return "".join(text), float((top2[:, 1] - top2[:, 0]).min())


def ocr_input(i):
    return SUITE / "fixtures" / f"ocr_{i}.f32"


def _font_problem():
    if not OCR_FONT.is_file():
        return f"{OCR_FONT} is missing (Debian package fonts-dejavu-core; scripts/install-toolchain.sh installs it)"
    got = sha256_file(OCR_FONT)
    if got != OCR_FONT_SHA256:
        return f"{OCR_FONT} has SHA-256 {got}, not the {OCR_FONT_SHA256} the inputs were rendered with"
    return None


def _ocr_session(**options):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    if "intra" in options:
        so.intra_op_num_threads = options["intra"]
    if "opt" in options:
        so.graph_optimization_level = options["opt"]
    return ort.InferenceSession(str(OCR_MODEL), so, providers=["CPUExecutionProvider"])


def refresh_ocr():
    """Writes the inputs, decodes them with ONNX Runtime; returns one dict per line."""
    import onnxruntime as ort

    problem = _font_problem()
    assert problem is None, problem
    fetch_ocr_model()
    model_sha = sha256_file(OCR_MODEL)
    assert model_sha == _pins()["OCR_MODEL_SHA256"], f"{OCR_MODEL}: SHA-256 {model_sha}, not versions.env's"
    session = _ocr_session()
    classes = ocr_classes(session)
    n_classes = session.get_outputs()[0].shape[-1]
    assert len(classes) == n_classes, f"{len(classes)} classes from the metadata, the output has {n_classes}"
    others = {"intra_threads 1": _ocr_session(intra=1),
              "optimization disabled": _ocr_session(opt=ort.GraphOptimizationLevel.ORT_DISABLE_ALL)}
    lines = []
    for i, text in enumerate(OCR_LINES):
        x = render(text)
        assert x.shape[3] % OCR_STEP == 0
        probabilities = session.run(None, {"x": x})[0]
        assert probabilities.shape == (1, x.shape[3] // OCR_STEP, n_classes), probabilities.shape
        decoded, margin = greedy_decode(probabilities[0], classes)
        assert decoded and decoded == decoded.strip(), f"ocr_{i}: decoded {decoded!r}"
        assert margin > OCR_MIN_MARGIN, f"ocr_{i}: a step's top two classes are {margin} apart"
        for label, other in others.items():
            again, _ = greedy_decode(other.run(None, {"x": x})[0][0], classes)
            assert again == decoded, f"ocr_{i}: ORT with {label} reads {again!r}, not {decoded!r}"
        _put(ocr_input(i), x.tobytes())
        lines.append({"rendered": text, "text": decoded, "shape": x.shape, "margin": margin,
                      "input": ocr_input(i), "input_sha256": sha256_file(ocr_input(i)), "model_sha256": model_sha})
    return lines


def ocr_cases(lines):
    """(name, kind, fields) per line, without `langs` (generate.py adds them)."""
    names = ["ocr_hello", "ocr_make_test", "ocr_digits"]
    return [(names[i], "ocr", [
        f"model {os.path.relpath(OCR_MODEL, SUITE)}", f"model_sha256 {line['model_sha256']}",
        f"input {rel(line['input'])}", f"input_sha256 {line['input_sha256']}",
        "shape " + ",".join(map(str, line["shape"])), f"text {line['text']}"]) for i, line in enumerate(lines)]


def ocr_comments(lines):
    return ["# OCR (ocr_* cases): the rendered line, what ONNX Runtime reads, the smallest top-2 gap of a step:"] + [
        f"#   ocr_{i}: {line['rendered']!r} reads {line['text']!r} (gap {line['margin']:.3f})"
        for i, line in enumerate(lines)]


def ensure_ocr(cases):
    """Default mode for the `ocr` cases of spec.txt; returns False on a mismatch."""
    ok = True
    for case in cases:
        model = (SUITE / case["model"]).resolve()
        if model == OCR_MODEL.resolve():
            fetch_ocr_model()
        if not (model.is_file() and sha256_file(model) == case["model_sha256"]):
            print(f"generate.py: ERROR: {model} does not have the SHA-256 {case['model_sha256']} of spec.txt "
                  f"(scripts/fetch-ocr-model.sh fetches the pinned model)", file=sys.stderr)
            ok = False
    stale = [c for c in cases if not ((SUITE / c["input"]).is_file()
                                      and sha256_file(SUITE / c["input"]) == c["input_sha256"])]
    for case in stale:
        path = SUITE / case["input"]
        i = int(path.stem.removeprefix("ocr_"))
        print(f"generate.py: writing {case['input']} ({'stale' if path.exists() else 'missing'}; "
              f"the line {OCR_LINES[i]!r} rendered)")
        problem = _font_problem()
        # A font file of another version may still render the same pixels: compare those.
        data = render(OCR_LINES[i]).tobytes() if OCR_FONT.is_file() else b""
        got = hashlib.sha256(data).hexdigest()
        if got != case["input_sha256"]:
            path.unlink(missing_ok=True)
            print(f"generate.py: ERROR: {case['input']} renders with SHA-256 {got}, but spec.txt records "
                  f"{case['input_sha256']}.\n  Rendering needs the pinned Pillow (.cache/venv) and the same "
                  f"font file" + (f": {problem}" if problem else "") + "; if real_models.py was changed on "
                  f"purpose, run generate.py --refresh and commit.", file=sys.stderr)
            ok = False
            continue
        _put(path, data)
    return ok


# --------------------------------------------------------------------------------------
# scikit-learn
# --------------------------------------------------------------------------------------

def _quantise(estimator):
    import numpy as np

    estimator.coef_ = np.round(estimator.coef_ / QUANTUM) * QUANTUM
    estimator.intercept_ = np.round(estimator.intercept_ / QUANTUM) * QUANTUM


def _onnx_bytes(model, name, initial_types):
    from skl2onnx import convert_sklearn

    onx = convert_sklearn(model, initial_types=initial_types, name=name)
    opsets = sorted((o.domain, o.version) for o in onx.opset_import)
    del onx.opset_import[:]
    for domain, version in opsets:
        onx.opset_import.add(domain=domain, version=version)
    return onx.SerializeToString(deterministic=True)


def sklearn_models():
    """{name: (model bytes, {input name: array}, fitted scikit-learn model, description)}."""
    import warnings

    import numpy as np
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    warnings.filterwarnings("ignore")
    # Four features: roughly (whiskers, barks, wings, feathers) counts.
    x = np.array([[5, 1, 0, 2], [6, 1, 1, 2], [5, 2, 0, 1], [1, 5, 2, 0], [0, 6, 1, 1], [1, 6, 2, 1],
                  [2, 0, 6, 5], [1, 1, 5, 6], [2, 1, 6, 6], [4, 2, 1, 2], [1, 4, 3, 1], [2, 2, 4, 4]],
                 dtype=np.float32)
    y = ["cat"] * 3 + ["dog"] * 3 + ["bird"] * 3 + ["cat", "dog", "bird"]
    classifier = LogisticRegression(max_iter=1000).fit(x, y)
    _quantise(classifier)
    classifier_in = {"input": np.array([[5, 1, 0, 2], [0, 6, 1, 1], [1, 1, 5, 6], [3, 3, 3, 3]], dtype=np.float32)}

    sentences = ["the cat sat on the mat", "a cat purrs softly", "my dog barks loudly", "the dog fetched a stick",
                 "a bird sings at dawn", "the bird flew over the tree", "cat naps in the sun",
                 "dog runs in the park", "bird builds a nest"]
    labels = ["cat", "cat", "dog", "dog", "bird", "bird", "cat", "dog", "bird"]
    text = make_pipeline(CountVectorizer(lowercase=False), LogisticRegression(max_iter=1000)).fit(sentences, labels)
    _quantise(text[-1])
    text_in = {"text": np.array([["a cat sat in the sun"], ["the dog barks"], ["a nest for a bird"], ["zebra"]],
                                dtype=object)}
    return {
        "classifier": (_onnx_bytes(classifier, "sklearn_classifier", [("input", FloatTensorType([None, 4]))]),
                       classifier_in, classifier,
                       "scikit-learn LogisticRegression over 4 float features, labels cat/dog/bird (skl2onnx)"),
        "text": (_onnx_bytes(text, "sklearn_text", [("text", StringTensorType([None, 1]))]), text_in, text,
                 "scikit-learn CountVectorizer(lowercase=False) + LogisticRegression over sentences (skl2onnx)"),
    }


def _strings(values):
    out = bytearray()
    for s in values:
        b = s.encode("utf-8")
        out += len(b).to_bytes(4, "little") + b
    return bytes(out)


def _tensor(array, stem, files):
    """A `tensor` value token string; the file's bytes go into `files`."""
    import numpy as np

    array = np.asarray(array)
    shape = "[" + ",".join(str(d) for d in array.shape) + "]"
    name = f"{stem}.bin"
    if array.dtype == object or array.dtype.kind == "U":
        files[name] = _strings(array.reshape(-1).tolist())
        return f"tensor 8 {shape} {name}"
    codes = {np.float32: 1, np.int64: 7, np.float64: 11}
    code = codes[array.dtype.type]
    files[name] = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return f"tensor {code} {shape} {name}"


def _value(value, stem, files):
    """The value-format token string of an ONNX Runtime Python output."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return _tensor(value, stem, files)
    if isinstance(value, list):
        assert value, "an empty sequence needs its element type"
        return " ".join([f"sequence {len(value)}"] + [_value(v, f"{stem}_{i}", files) for i, v in enumerate(value)])
    if isinstance(value, dict):
        keys = list(value)  # ONNX Runtime's order
        assert all(isinstance(k, str) for k in keys), keys
        values = np.array([value[k] for k in keys], dtype=np.float32)
        return f"map {_tensor(np.array(keys, dtype=object), stem + '_keys', files)} {_tensor(values, stem + '_values', files)}"
    raise TypeError(f"no value format for {type(value)}")


def _case_folder(name, model_bytes, inputs, what):
    """{file name: bytes} of the case folder: model.onnx, case.txt, the data files."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 3
    session = ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
    files = {"model.onnx": model_bytes}
    lines = [f"# {what}.", "# Generated by tests/suite/real_models.py; outputs from ONNX Runtime's Python binding.",
             "model model.onnx", "expect pass"]
    for meta in session.get_inputs():
        lines.append(f"input {meta.name} {_value(inputs[meta.name], meta.name, files)}")
    for meta, value in zip(session.get_outputs(), outputs):
        lines.append(f"output {meta.name} {_value(value, meta.name, files)}")
    files["case.txt"] = ("\n".join(lines) + "\n").encode("utf-8")
    return files, outputs, session


def _stamp(files):
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest() + "\n"


def _folder_current(folder, model_sha):
    """The folder is complete (its stamp matches its files) and its model is spec.txt's."""
    stamp = folder / STAMP
    if not (stamp.is_file() and (folder / "model.onnx").is_file()):
        return False
    if sha256_file(folder / "model.onnx") != model_sha:
        return False
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    return stamp.read_text() == _stamp(files)


def _write_folder(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STAMP).unlink(missing_ok=True)
    for p in folder.iterdir():  # files of an older layout
        if p.is_file() and not p.name.startswith(".") and p.name not in files:
            p.unlink()
    for name, data in files.items():
        _put(folder / name, data)
    _put(folder / STAMP, _stamp(files).encode())


def _model_shas_in_subprocess(seed):
    """The models' SHA-256s from a fresh interpreter with another hash seed."""
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    out = subprocess.run([sys.executable, __file__, "--sklearn-shas"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return dict(line.split() for line in out.splitlines())


def refresh_sklearn(fixtures):
    """Writes the case folders, cross-checked; returns [(name, folder, model sha)]."""
    import numpy as np

    written = []
    models = sklearn_models()
    shas = {name: hashlib.sha256(m[0]).hexdigest() for name, m in models.items()}
    for seed in (1, 2):
        other = _model_shas_in_subprocess(seed)
        assert other == shas, f"skl2onnx's bytes change with PYTHONHASHSEED={seed}: {other} vs {shas}"
    for name, (model_bytes, inputs, fitted, what) in models.items():
        files, outputs, session = _case_folder(name, model_bytes, inputs, what)
        # The reference: scikit-learn's own labels and probabilities.
        (feed,) = inputs.values()
        feed = feed.reshape(-1) if feed.dtype == object else feed
        labels, probabilities = outputs
        assert list(labels) == list(fitted.predict(feed)), f"{name}: labels {labels} vs scikit-learn's"
        want = fitted.predict_proba(feed)
        got = np.array([[row[c] for c in fitted.classes_] for row in probabilities])
        diff = float(np.abs(got - want).max())
        assert diff < 1e-5, f"{name}: ORT's probabilities are {diff} from scikit-learn's"
        folder = Path(fixtures) / SKLEARN / name
        _write_folder(folder, files)
        written.append({"name": name, "folder": folder, "model_sha256": shas[name], "diff": diff,
                        "signature": signature(session)})
    return written


def signature(session):
    """Inputs and outputs as ONNX Runtime names their types."""
    return ([f"{i.name}: {i.type} {i.shape}" for i in session.get_inputs()],
            [f"{o.name}: {o.type} {o.shape}" for o in session.get_outputs()])


def sklearn_cases(written):
    return [(f"sklearn_{w['name']}", "values", [f"dir {rel(w['folder'])}", f"model_sha256 {w['model_sha256']}"])
            for w in written]


def sklearn_comments(written):
    return ["# scikit-learn (sklearn_* cases): ONNX Runtime's probabilities vs scikit-learn's (max abs diff):"] + [
        f"#   {w['name']}: {w['diff']:.3e}" for w in written]


def ensure_sklearn(fixtures, cases):
    """Default mode for the `values` cases under fixtures/sklearn/; False on a mismatch."""
    stale = [c for c in cases if not _folder_current(SUITE / c["dir"], c["model_sha256"])]
    if not stale:
        return True
    models = sklearn_models()
    ok = True
    for case in stale:
        folder = SUITE / case["dir"]
        name = folder.name
        print(f"generate.py: writing {case['dir']}/ ({'stale' if folder.exists() else 'missing'})")
        if name not in models:
            print(f"generate.py: ERROR: real_models.py makes no scikit-learn model {name!r}", file=sys.stderr)
            ok = False
            continue
        model_bytes, inputs, _, what = models[name]
        got = hashlib.sha256(model_bytes).hexdigest()
        if got != case["model_sha256"]:
            print(f"generate.py: ERROR: {case['dir']}/model.onnx was generated with SHA-256 {got}, but spec.txt "
                  f"records {case['model_sha256']}.\n  Use the pinned packages (tests/suite/setup-venv.sh and "
                  f".cache/venv/bin/python); if real_models.py was changed on purpose, run generate.py --refresh "
                  f"and commit.", file=sys.stderr)
            ok = False
            continue
        files, _, _ = _case_folder(name, model_bytes, inputs, what)
        _write_folder(folder, files)
    return ok


# --------------------------------------------------------------------------------------
# The two modes
# --------------------------------------------------------------------------------------

def spec_cases(spec_text, kind):
    """The fields of spec.txt's cases of `kind`, one dict each (single-valued keys)."""
    cases = []
    for block in spec_text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.partition(" ")
                fields.setdefault(key, value)
        if fields.get("kind") == kind:
            cases.append(fields)
    return cases


def ensure(fixtures, spec_text):
    """Default mode: returns True when everything matches spec.txt."""
    ocr_ok = ensure_ocr(spec_cases(spec_text, "ocr"))
    values = [c for c in spec_cases(spec_text, "values") if c.get("dir", "").startswith(f"fixtures/{SKLEARN}/")]
    return ensure_sklearn(fixtures, values) and ocr_ok


def refresh(fixtures):
    """--refresh: returns (spec cases without langs, comment lines for spec.txt's top)."""
    lines = refresh_ocr()
    written = refresh_sklearn(fixtures)
    for line in lines:
        print(f"{rel(line['input'])}: {line['rendered']!r} {list(line['shape'])} reads {line['text']!r} "
              f"(smallest top-2 gap {line['margin']:.3f})")
    for w in written:
        ins, outs = w["signature"]
        print(f"{rel(w['folder'])}: sha256 {w['model_sha256']}; inputs {'; '.join(ins)}; outputs {'; '.join(outs)}; "
              f"vs scikit-learn {w['diff']:.1e}")
    return ocr_cases(lines) + sklearn_cases(written), ocr_comments(lines) + sklearn_comments(written)


if __name__ == "__main__":
    if sys.argv[1:] == ["--sklearn-shas"]:
        for name, m in sklearn_models().items():
            print(name, hashlib.sha256(m[0]).hexdigest())
    else:
        sys.exit("usage: real_models.py --sklearn-shas (generate.py runs the rest)")
