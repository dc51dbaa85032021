#!/usr/bin/env bash
# Places the suite's OCR model, PaddleOCR's PP-OCRv4 text recogniser as RapidOCR ships it
# (Apache-2.0), in .cache/models/ch_PP-OCRv4_rec_infer.onnx. The source is the pinned
# rapidocr-onnxruntime wheel on PyPI (OCR_WHEEL_VERSION in versions.env): we download it
# with pip, check its SHA-256 (OCR_WHEEL_SHA256), take the model out and check that too
# (OCR_MODEL_SHA256). tests/suite/generate.py calls this when the model is missing.
# Idempotent: quiet when the checked model is already there. Fails, leaving nothing
# half-written, when either SHA-256 differs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$root/versions.env"
dest=$root/.cache/models
model=ch_PP-OCRv4_rec_infer.onnx
member=rapidocr_onnxruntime/models/$model

have() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }
have "$dest/$model" "$OCR_MODEL_SHA256" && exit 0

mkdir -p "$dest"
# Several runners may generate the suite's fixtures at once: one fetch at a time, and
# re-check after the lock since another caller may have finished meanwhile.
exec 9>"$dest/.fetch-ocr-model.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
have "$dest/$model" "$OCR_MODEL_SHA256" && exit 0

echo "onyx: fetching the OCR model $model (PP-OCRv4 text recogniser, Apache-2.0) from the rapidocr-onnxruntime $OCR_WHEEL_VERSION wheel on PyPI into .cache/models"
python=python3
[ -x "$root/.cache/venv/bin/python" ] && python=$root/.cache/venv/bin/python
work=$(mktemp -d "$dest/.fetch.XXXXXX")
# shellcheck disable=SC2064 # the folder is known now
trap "rm -rf '$work'" EXIT
# --python-version: the wheel declares Requires-Python <3.13, but it is pure Python and we
# only take a data file out of it, so the interpreter running pip does not matter.
"$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --python-version 3.11 "rapidocr-onnxruntime==$OCR_WHEEL_VERSION" -d "$work"
wheel=$work/rapidocr_onnxruntime-$OCR_WHEEL_VERSION-py3-none-any.whl
if ! have "$wheel" "$OCR_WHEEL_SHA256"; then
  echo "onyx: $(basename "$wheel") does not have the pinned SHA-256 $OCR_WHEEL_SHA256 (versions.env OCR_WHEEL_SHA256)" >&2
  exit 1
fi
"$python" - "$wheel" "$member" "$work/$model" <<'PY'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
if ! have "$work/$model" "$OCR_MODEL_SHA256"; then
  echo "onyx: $member in the wheel does not have the pinned SHA-256 $OCR_MODEL_SHA256 (versions.env OCR_MODEL_SHA256)" >&2
  exit 1
fi
mv "$work/$model" "$dest/$model"
echo "onyx: OCR model ready: .cache/models/$model"
