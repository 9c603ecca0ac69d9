#!/usr/bin/env bash
# Runs every libFuzzer target of a MUSTER_FUZZ build for a bounded time.
# Usage: tests/fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET [PARALLEL [TARGET...]]]
#   defaults: 20 s each, 2 targets at a time, every fuzz_* in BUILD_DIR.
# Each target starts from tests/fuzz/corpus/<name>/ and the saved crashes in
# tests/fuzz/regressions/<name>/, works on a copy (the source tree is not
# written), and leaves a crashing input in BUILD_DIR/fuzz-artifacts/<name>/
# (copy it to tests/fuzz/regressions/<name>/ once fixed; docs/testing.md).
# Exit status 1 if any target found a crash, a leak or a broken property.
set -euo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS [PARALLEL [TARGET...]]]}" && pwd)
seconds=${2:-20}
parallel=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$build"/fuzz_*; do
    [ -x "$exe" ] || continue
    name=${exe##*/fuzz_}
    case $name in replay_*) continue ;; esac
    targets+=("$name")
  done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "run.sh: no fuzz_* targets in $build (configure with clang and -DMUSTER_FUZZ=ON)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_one() {
  local name=$1
  local corpus="$work/$name" artifacts="$build/fuzz-artifacts/$name"
  mkdir -p "$corpus" "$artifacts"
  cp "$src/tests/fuzz/corpus/$name"/* "$corpus"/
  if [ -d "$src/tests/fuzz/regressions/$name" ]; then
    cp "$src/tests/fuzz/regressions/$name"/* "$corpus"/ 2>/dev/null || true
  fi
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" \
    >"$work/$name.log" 2>&1; then
    echo "fuzz: $name: no crash in ${seconds}s ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name.log" | grep -o '[0-9]*$') runs)"
  else
    echo "fuzz: $name: FAILED; input saved in $artifacts/" >&2
    tail -n 60 "$work/$name.log" >&2
    return 1
  fi
}

failed=0
pids=()
names=()
for name in "${targets[@]}"; do
  run_one "$name" &
  pids+=($!)
  names+=("$name")
  if [ ${#pids[@]} -ge "$parallel" ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
