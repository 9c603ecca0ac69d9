#!/usr/bin/env bash
# Builds and runs every test: first a normal build, then an ASan+UBSan build,
# then a bounded run of every libFuzzer target (clang; docs/testing.md).
# Usage: deploy/test.sh [--quick]   (--quick: skip the sanitizer and fuzz builds)
# MUSTER_FUZZ_SECONDS (default 20) is each fuzz target's time; 2 run at once.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
# Tests are forced on: deploy/quickstart.sh configures build/ with tests off,
# and a cached MUSTER_BUILD_TESTS=OFF must not turn this into a run of
# nothing. ctest fails when it finds no tests.
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DMUSTER_BUILD_TESTS=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs"
}

echo "== build and test (RelWithDebInfo) =="
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMUSTER_BUILD_BENCH=ON
if [ "${1:-}" != "--quick" ]; then
  echo "== build and test (ASan + UBSan) =="
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DMUSTER_SANITIZE=ON -DMUSTER_BUILD_BENCH=OFF
  # The fuzz targets and only the libraries they link, built by clang with
  # libFuzzer, ASan and UBSan; their seed corpora and saved crashes already
  # ran as ctest tests ("fuzz-replay: ...") in both builds above.
  echo "== fuzz (clang, libFuzzer + ASan + UBSan, ${MUSTER_FUZZ_SECONDS:-20}s per target) =="
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Debug -DMUSTER_SANITIZE=ON -DMUSTER_FUZZ=ON -DMUSTER_BUILD_TESTS=ON \
    -DMUSTER_BUILD_BENCH=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs" --target muster_fuzzers
  tests/fuzz/run.sh build-fuzz "${MUSTER_FUZZ_SECONDS:-20}" 2
fi
