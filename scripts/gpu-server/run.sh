#!/bin/sh
# The GPU-server benchmark (scripts/gpu-server/build.ts packs it): unpacks Node, Dawn and
# Debian's Vulkan loader next to this script, prints the adapter and runs the model benchmark on
# WebGPU, writing bench.json and bench.md into $OUT (default ./out).
# Usage: OUT=/path ./run.sh [--tiny] [bench options: --full-clips N --full-frames N --reps N]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/out}
WORK=${WORK:-$HERE/work}
mkdir -p "$OUT" "$WORK"
if [ ! -x "$WORK/node" ]; then
  tar -xJf "$HERE/payload.tar.xz" -C "$WORK"
  chmod +x "$WORK/node"
fi
# Debian's Vulkan loader and GL dispatch, used only where the system has none.
mkdir -p "$WORK/sys"
for deb in "$WORK"/debs/*.deb; do
  if command -v dpkg >/dev/null; then dpkg -x "$deb" "$WORK/sys"
  else (cd "$WORK/sys" && ar p "$deb" data.tar.xz | tar -xJ); fi
done
LIBS="$WORK/sys/usr/lib/x86_64-linux-gnu"
if ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then :; else
  export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK}
echo "node $("$WORK/node" --version); output in $OUT"
cd "$WORK"
set +e
"$WORK/node" "$WORK/bench.mjs" --runtime node-webgpu --json "$OUT/bench.json" "$@" >"$OUT/bench.md"
rc=$?
cat "$OUT/bench.md"
exit $rc
