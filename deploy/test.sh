#!/usr/bin/env bash
# Builds and runs every test: first a normal build, then an ASan+UBSan build.
# Usage: deploy/test.sh [--quick]   (--quick: skip the sanitizer build)
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
fi
