#!/usr/bin/env bash
# Places Microsoft's ONNX Runtime Extensions library in
# .cache/onnxruntime-extensions/<ORT_EXTENSIONS_VERSION>/libonnxruntime_extensions4j_jni.so,
# the custom-operator library the tests register with ONNX Runtime. Its source is the
# Maven Central jar com.microsoft.onnxruntime:onnxruntime-extensions (the PyPI wheel's
# library needs a Python process); its linux-x64 native library exports
# RegisterCustomOps and needs no JVM. The jar's and the library's SHA-256 are checked
# against versions.env. Idempotent: quiet when the checked library is already there.
#
# The jar comes from Maven Central over HTTPS (curl); where that is not reachable,
# from Maven itself (`mvn dependency:copy`, through whatever mirror ~/.m2 names).
# scripts/fetch-onnxruntime-platform.sh takes another platform's library from the same
# jar through ONYX_EXTENSIONS_MEMBER, ONYX_EXTENSIONS_SHA256 and ONYX_EXTENSIONS_DEST.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../versions.env
source "$root/versions.env"
VERSION=$ORT_EXTENSIONS_VERSION
GROUP=com.microsoft.onnxruntime
ARTIFACT=onnxruntime-extensions
JAR=$ARTIFACT-$VERSION.jar
MEMBER=${ONYX_EXTENSIONS_MEMBER:-ai/onnxruntime/extensions/native/linux-x64/libonnxruntime_extensions4j_jni.so}
LIB_SHA256=${ONYX_EXTENSIONS_SHA256:-$ORT_EXTENSIONS_LINUX_X64_SHA256}
LIB=$(basename "$MEMBER")
URL=${ONYX_MAVEN_CENTRAL:-https://repo1.maven.org/maven2}/${GROUP//.//}/$ARTIFACT/$VERSION/$JAR

dest=${ONYX_EXTENSIONS_DEST:-$root/.cache/onnxruntime-extensions/$VERSION}

if [ -f "$dest/$LIB" ] && echo "$LIB_SHA256  $dest/$LIB" | sha256sum --check --status; then
  exit 0
fi

echo "onyx: fetching ONNX Runtime Extensions $VERSION (Microsoft's build, $GROUP:$ARTIFACT:$VERSION from Maven Central) into $dest"
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -f "${part:-}"' EXIT
if ! curl --fail --silent --show-error --location --retry 2 --connect-timeout 20 -o "$work/$JAR" "$URL" 2>"$work/curl.log"; then
  echo "onyx: $URL not reachable ($(tail -1 "$work/curl.log")); asking Maven (mvn dependency:copy)"
  rm -f "$work/$JAR"
  mvn -B -q dependency:copy -Dartifact="$GROUP:$ARTIFACT:$VERSION:jar" -DoutputDirectory="$work" -Dmdep.overWriteReleases=true \
    >"$work/mvn.log" 2>&1 || { sed 's/\x1b\[[0-9;]*m//g' "$work/mvn.log" | tail -20 >&2; echo "onyx: could not fetch $JAR" >&2; exit 1; }
fi
if ! echo "$ORT_EXTENSIONS_JAR_SHA256  $work/$JAR" | sha256sum --check --status; then
  echo "onyx: $JAR does not have the pinned SHA-256 $ORT_EXTENSIONS_JAR_SHA256 (versions.env); it has $(sha256sum "$work/$JAR" | cut -d' ' -f1)" >&2
  exit 1
fi
mkdir -p "$dest"
part=$dest/.$LIB.$$.part  # several runners may fetch at once: each writes its own, then renames
python3 - "$work/$JAR" "$MEMBER" "$part" <<'PY'
import sys, zipfile
jar, member, out = sys.argv[1:]
with zipfile.ZipFile(jar) as z, open(out, "wb") as f:
    f.write(z.read(member))
PY
if ! echo "$LIB_SHA256  $part" | sha256sum --check --status; then
  echo "onyx: $LIB from $JAR does not have the pinned SHA-256 $LIB_SHA256 (versions.env)" >&2
  rm -f "$part"
  exit 1
fi
chmod 0755 "$part"
mv "$part" "$dest/$LIB"
echo "onyx: ONNX Runtime Extensions $VERSION ready: $dest/$LIB"
