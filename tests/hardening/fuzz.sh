#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/, built by `make fuzz-build`) for a set time
# each and prints one summary line per target. Called by `make fuzz` and
# `make test-hardening`; see docs/reliability.md.
#
#   tests/hardening/fuzz.sh SECONDS TARGET...
#
# Environment (set by mk/hardening.mk): FUZZ_BIN (folder of the built targets),
# FUZZ_WORK (build/fuzz: corpora, artifacts, logs, scratch folder), ONYX_ORT_LIBRARY,
# FUZZ_RSS_MB, FUZZ_TIMEOUT. Corpora grow under $FUZZ_WORK/corpus/<target> (never
# committed); the committed seeds are fuzz/seeds/<target>, plus the suite's models
# for model_bytes. A crash, a leak, an RSS or time limit leaves the input under
# $FUZZ_WORK/artifacts/<target>/ and fails the run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="$1"; shift
: "${FUZZ_BIN:?}" "${FUZZ_WORK:?}" "${ONYX_ORT_LIBRARY:?}"
rss="${FUZZ_RSS_MB:-2048}"
timeout="${FUZZ_TIMEOUT:-10}"

# The suite's models as model_bytes seeds: regular files only (the hostile corpus
# also holds a FIFO and a folder, which libFuzzer must not open).
suite_seeds="$FUZZ_WORK/seeds/model_bytes"
rm -rf "$suite_seeds" && mkdir -p "$suite_seeds"
find "$ROOT/tests/suite/fixtures" -maxdepth 2 -type f -name '*.onnx' -exec ln -s {} "$suite_seeds/" \; 2>/dev/null || true

status=0
for target in "$@"; do
  corpus="$FUZZ_WORK/corpus/$target" artifacts="$FUZZ_WORK/artifacts/$target/" log="$FUZZ_WORK/$target.log"
  # A scratch working folder: ONNX Runtime resolves relative paths in models against it.
  scratch="$FUZZ_WORK/work/$target"
  mkdir -p "$corpus" "$artifacts" "$scratch"
  seeds=("$ROOT/fuzz/seeds/$target")
  extra=()
  case "$target" in
    model_bytes) seeds+=("$suite_seeds"); extra=(-max_len=65536) ;;
    run_args) extra=(-max_len=4096) ;;
  esac
  echo "onyx: [hardening] fuzz $target: ${seconds} s (rss limit ${rss} MB, ${timeout} s per input)"
  rc=0
  (cd "$scratch" && \
    ASAN_OPTIONS="allocator_may_return_null=1:detect_odr_violation=0:detect_leaks=1" \
    "$FUZZ_BIN/$target" -max_total_time="$seconds" -rss_limit_mb="$rss" -malloc_limit_mb=1048576 \
      -timeout="$timeout" -print_final_stats=1 -artifact_prefix="$artifacts" "${extra[@]}" \
      "$corpus" "${seeds[@]}") > "$log" 2>&1 || rc=$?
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n1; }
  units=$(find "$corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "onyx: [hardening] fuzz $target: $(stat number_of_executed_units) execs in ${seconds} s ($(stat average_exec_per_sec)/s), corpus $units inputs, peak RSS $(stat peak_rss_mb) MB, slowest input $(stat slowest_unit_time_sec) s: ok"
  else
    status=1
    echo "onyx: [hardening] fuzz $target FAILED (libFuzzer exit $rc); log $log; input:" >&2
    grep -E "^(artifact_prefix|Base64|SUMMARY|==[0-9]+== ERROR)" "$log" >&2 || true
    grep -E -A12 "panicked at|ERROR: AddressSanitizer|ERROR: LeakSanitizer|ALARM|out-of-memory" "$log" | head -60 >&2 || true
    echo "onyx: [hardening] reproduce: (cd $scratch && ONYX_ORT_LIBRARY=$ONYX_ORT_LIBRARY ASAN_OPTIONS=allocator_may_return_null=1 $FUZZ_BIN/$target <artifact>)" >&2
  fi
done
exit $status
