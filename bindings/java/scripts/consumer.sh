#!/usr/bin/env bash
# Builds and runs examples/java against nothing but the dev.onyx:onyx jar: the jar is
# installed into a fresh, empty local Maven repository, and the example resolves Onyx
# from there. With --check, its top-5 classes must equal those in tests/suite/spec.txt.
#
#   consumer.sh <onyx jar> <onyx pom> <tests/suite folder> [--check]
set -euo pipefail
jar=$1 pom=$2 suite=$3 check=${4:-}
root=$(cd "$(dirname "$0")/../../.." && pwd)
example=$root/examples/java
mvn=(mvn -B -q)

repo=$(mktemp -d "${TMPDIR:-/tmp}/onyx-m2-XXXXXX")
trap 'rm -rf "$repo"' EXIT
# Seed Maven's own plugins from the user's repository to save downloads; never dev/onyx
# (the artifact must come from the jar) nor large unrelated artifacts.
if [ -d "$HOME/.m2/repository" ]; then
  tar -C "$HOME/.m2/repository" --exclude=./dev/onyx --exclude=./com/microsoft -cf - . | tar -C "$repo" -xf -
fi
"${mvn[@]}" -Dmaven.repo.local="$repo" org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
  -Dfile="$jar" -DpomFile="$pom"
(cd "$example" && "${mvn[@]}" -Dmaven.repo.local="$repo" clean compile)
classpath=$example/target/classes:$(cat "$example/target/classpath.txt")
case $classpath in
  *"$repo/dev/onyx/onyx/0.1.0/onyx-0.1.0.jar"*) ;;
  *) echo "onyx: the example did not resolve dev.onyx:onyx from the fresh repository: $classpath" >&2; exit 1 ;;
esac
if [ "$check" = --check ]; then
  # Expected: each classify case's top5, from spec.txt.
  java -cp "$classpath" example.Classify "$suite" | python3 "$root/tests/suite/check_top5.py" "$suite/spec.txt" java
else
  java -cp "$classpath" example.Classify "$suite"
fi
