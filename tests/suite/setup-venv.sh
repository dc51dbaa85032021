#!/usr/bin/env bash
# Creates $REPO/.cache/venv with the pinned packages of requirements.txt, which
# tests/suite/generate.py needs. Idempotent and silent when already done: a
# stamp in the venv records the SHA-256 of the requirements it was built from,
# so editing requirements.txt makes the next call reinstall.
set -euo pipefail

SUITE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$SUITE/../.." && pwd)"
VENV="$REPO/.cache/venv"
REQS="$SUITE/requirements.txt"
STAMP="$VENV/.onyx-requirements.sha256"

want="$(sha256sum "$REQS" | cut -d' ' -f1)"
up_to_date() { [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; }

up_to_date && exit 0

mkdir -p "$REPO/.cache"
# Several runners may call this at once (e.g. ctest and cargo test): serialise
# them, and re-check after getting the lock since another caller may have
# finished the work meanwhile.
exec 9>"$REPO/.cache/venv.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi
up_to_date && exit 0

if [[ -x "$VENV/bin/python" ]]; then
    echo "setup-venv: updating .cache/venv from tests/suite/requirements.txt"
else
    echo "setup-venv: creating .cache/venv and installing tests/suite/requirements.txt"
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input -r "$REQS"
echo "$want" > "$STAMP"
