#!/usr/bin/env bash
# One line for a newcomer: installs dependencies, builds, and starts musterd
# on the embedded defaults — SQLite file ./muster.db, gRPC on 127.0.0.1:7070,
# the log notifier, and a demo roster around Tewkesbury. Ctrl-C stops it.
# Then, in another terminal:  ./build/musterctl reservist list
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMUSTER_BUILD_TESTS=OFF \
  -DMUSTER_BUILD_BENCH=OFF >/dev/null
cmake --build build --target musterd musterctl

cat <<'MSG'

musterd is starting with a demo roster (database ./muster.db, gRPC 127.0.0.1:7070,
answer links and /metrics on http://127.0.0.1:7071; call-outs go to this log).
In another terminal try:
  ./build/musterctl skill list
  ./build/musterctl reservist list --limit 10
  ./build/musterctl activate --title "Flood drill" --at 51.9925,-2.158 --radius 20 \
      --start now --hours 4 --need first_aid:3
  ./build/musterctl watch 1
Press Ctrl-C here to stop musterd.

MSG
# Debug level: the log notifier then writes the whole answer links (at info
# they are redacted), so the demo can be answered from a browser.
exec ./build/musterd --demo --db ./muster.db --listen 127.0.0.1:7070 --log-level debug
