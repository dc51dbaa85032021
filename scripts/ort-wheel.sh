# Sourced by the fetch-onnxruntime scripts: one way to take ONNX Runtime out of
# Microsoft's `onnxruntime` wheel on PyPI (the only reachable source of its builds).
#
#   ort_from_wheel <version> <wheel platform tag> <library file> <sha256> <dest folder> <what>
#
# Places <library file> (from onnxruntime/capi/) and the wheel's LICENSE and
# ThirdPartyNotices.txt in <dest folder> when the library there lacks the pinned
# SHA-256; quiet when it already has it. Fails, leaving nothing half-written, when the
# wheel's library has another SHA-256.
ort_have() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --status; }

ort_from_wheel() {
  local version=$1 tag=$2 lib=$3 sha256=$4 dest=$5 what=$6
  ort_have "$dest/$lib" "$sha256" && return 0
  echo "onyx: fetching ONNX Runtime $version $what (Microsoft's build, from the $tag onnxruntime wheel on PyPI) into $dest"
  local work
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # the folder is known now
  trap "rm -rf '$work'" EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --platform "$tag" --python-version 311 --implementation cp \
    "onnxruntime==$version" -d "$work"
  local wheel
  wheel=$(ls "$work"/onnxruntime-"$version"-*.whl)
  mkdir -p "$dest"
  python3 - "$wheel" "$dest" "$lib" <<'PY'
import sys, zipfile
wheel, dest, lib = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    for member, name in [(f"onnxruntime/capi/{lib}", lib),
                         ("onnxruntime/LICENSE", "LICENSE"),
                         ("onnxruntime/ThirdPartyNotices.txt", "ThirdPartyNotices.txt")]:
        with open(f"{dest}/{name}.part", "wb") as out:
            out.write(z.read(member))
PY
  if ! ort_have "$dest/$lib.part" "$sha256"; then
    echo "onyx: $lib from the $tag wheel does not have the pinned SHA-256 $sha256 (versions.env)" >&2
    rm -f "$dest"/*.part
    return 1
  fi
  local f
  for f in "$lib" LICENSE ThirdPartyNotices.txt; do mv "$dest/$f.part" "$dest/$f"; done
  echo "onyx: ONNX Runtime $version $what ready: $dest/$lib"
}
