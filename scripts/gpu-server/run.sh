#!/usr/bin/env bash
# The GPU-server benchmark (issue 19 part 2; scripts/gpu-server/build.ts packs it next to
# payload.tar.xz). Unpacks Node, the bundled bench, Dawn and Debian's Vulkan loader next to this
# script, finds a Vulkan driver, prints the adapter and runs the benchmark (WebGPU training step
# at 1x8 .. 8x16, 16-frame clip inference, a step by kernel, then PyTorch CUDA on the same batches)
# within 8 minutes, writing gpu-bench.json, gpu-bench.md and run.log into $OUT (default ./out).
#
# Usage: OUT=/path ./run.sh [--tiny] [bench options, e.g. --budget-s 400 --batches 1x8,2x8]
#        ./run.sh --find-icd   (only report the Vulkan ICD it would use, unpack nothing)
#        ./run.sh --unpack-debs  (only unpack $WORK/debs/*.deb into $WORK/sys)
# Environment: VK_ICD_FILENAMES (kept when set), PYTHON (default python3), WORK (unpack folder),
#   BUDGET_S (the bench's budget, default 400 s), LIMIT_S (run.sh's hard limit, default 470 s),
#   FER_GPU_TINY=1 (= --tiny),
#   ICD_SEARCH (colon-separated ICD files to try instead of the built-in list),
#   USE_PACKAGED_LOADER=1 (the packaged loader even where the system has one), UNPACK_WITH=ar|python.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/out}
WORK=${WORK:-$HERE/work}
T0=$(date +%s)

DEFAULT_ICDS="/usr/share/vulkan/icd.d/nvidia_icd.json:/etc/vulkan/icd.d/nvidia_icd.json:\
/usr/share/vulkan/icd.d/nvidia_icd.x86_64.json:/usr/local/share/vulkan/icd.d/nvidia_icd.json:\
/etc/vulkan/icd.d/nvidia_icd.x86_64.json:/usr/lib/x86_64-linux-gnu/nvidia/current/nvidia_icd.json"

# Sets ICD (the file to use, or empty) and prints what it checked.
find_icd() {
  ICD=""
  if [ -n "${VK_ICD_FILENAMES:-}" ]; then
    ICD=$VK_ICD_FILENAMES
    echo "Vulkan ICD: VK_ICD_FILENAMES was set: $ICD"
    return
  fi
  local f
  local IFS=:
  for f in ${ICD_SEARCH:-$DEFAULT_ICDS}; do
    if [ -f "$f" ]; then
      ICD=$f
      echo "Vulkan ICD: found $f"
      return
    fi
    echo "Vulkan ICD: not at $f"
  done
  # Containers given the NVIDIA driver without its graphics part may lack the json but have
  # the library that implements NVIDIA's Vulkan ICD: describe it ourselves.
  local lib
  lib=$( (ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 /{print $NF; exit}') || true)
  if [ -z "$lib" ]; then
    for f in /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0; do
      if [ -f "$f" ]; then lib=$f; break; fi
    done
  fi
  if [ -n "$lib" ]; then
    mkdir -p "$WORK"
    ICD=$WORK/nvidia_icd.json
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' \
      "$lib" >"$ICD"
    echo "Vulkan ICD: no json; wrote $ICD for $lib"
  else
    echo "Vulkan ICD: none found (no NVIDIA json, no libGLX_nvidia.so.0); the loader searches itself"
  fi
}


# Debian's Vulkan loader and GL dispatch: dpkg -x, or ar + tar where dpkg is missing, or
# Python's reading of the ar archive where both are (UNPACK_WITH=ar|python forces one).
deb_data() { # $1: .deb; writes its data.tar.* member to stdout
  if [ "${UNPACK_WITH:-}" != python ] && command -v ar >/dev/null; then
    ar p "$1" "$(ar t "$1" | grep '^data\.tar')"
  else
    "${PYTHON:-python3}" - "$1" <<'PY'
import sys
with open(sys.argv[1], "rb") as f:
    f.read(8)  # "!<arch>\n"
    while True:
        head = f.read(60)
        if len(head) < 60:
            sys.exit("no data.tar member")
        name, size = head[:16].decode().strip().rstrip("/"), int(head[48:58])
        body = f.read(size + size % 2)[:size]
        if name.startswith("data.tar"):
            sys.stdout.buffer.write(body)
            break
PY
  fi
}
unpack_deb() { # $1: .deb, $2: folder
  if [ -z "${UNPACK_WITH:-}" ] && command -v dpkg >/dev/null; then
    dpkg -x "$1" "$2"
    return
  fi
  local tmp="$WORK/deb-data"
  deb_data "$1" >"$tmp" || return 1
  case $(head -c 6 "$tmp" | od -An -tx1 | tr -d ' ') in
    fd377a585a00) tar -xJf "$tmp" -C "$2" ;;
    1f8b*) tar -xzf "$tmp" -C "$2" ;;
    28b52ffd*) zstd -dc "$tmp" | tar -x -C "$2" ;;
    *) tar -xf "$tmp" -C "$2" ;;
  esac
  local rc=$?
  rm -f "$tmp"
  return $rc
}
unpack_debs() { # every $WORK/debs/*.deb into $WORK/sys
  mkdir -p "$WORK/sys"
  local deb
  for deb in "$WORK"/debs/*.deb; do
    unpack_deb "$deb" "$WORK/sys" || echo "run.sh: could not unpack $deb"
  done
}

case "${1:-}" in
  --find-icd) find_icd; exit 0 ;;
  --unpack-debs) unpack_debs; exit 0 ;;
esac

mkdir -p "$OUT" "$WORK"
exec > >(tee "$OUT/run.log") 2>&1
echo "run.sh: $(date -u +%FT%TZ) on $(uname -srm), output in $OUT"
if [ ! -x "$WORK/node" ] || [ "$HERE/payload.tar.xz" -nt "$WORK/node" ]; then
  tar -xJf "$HERE/payload.tar.xz" -C "$WORK" || { echo "run.sh: unpacking failed"; exit 2; }
  chmod +x "$WORK/node"
fi
echo "unpacked in $(($(date +%s) - T0)) s; package: $(cat "$WORK/build-info.txt" 2>/dev/null)"

unpack_debs
LOADER_DIR="$WORK/sys/usr/lib/x86_64-linux-gnu"
if [ -z "${USE_PACKAGED_LOADER:-}" ] && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  echo "Vulkan loader: the system's"
elif [ -f "$LOADER_DIR/libvulkan.so.1" ]; then
  export LD_LIBRARY_PATH="$LOADER_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Vulkan loader: Debian's libvulkan1 from the package ($LOADER_DIR)"
else
  echo "Vulkan loader: none (the system has no libvulkan.so.1 and the debs did not unpack)"
fi
find_icd
if [ -n "$ICD" ]; then export VK_ICD_FILENAMES=$ICD; fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK}
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi
# Dawn's dawn.node needs glibc >= 2.34 and libstdc++ with GLIBCXX_3.4.30 (Debian 12, Ubuntu 22.04).
GLIBC=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
echo "glibc ${GLIBC:-unknown}"
case $GLIBC in
  2.[0-9] | 2.[0-2][0-9] | 2.3[0-3]) echo "run.sh: warning: glibc $GLIBC < 2.34: dawn.node will not load" ;;
esac
echo "node $("$WORK/node" --version)"

# The bench keeps to BUDGET_S; `timeout` is the backstop (the report is written per section).
BUDGET_S=${BUDGET_S:-400}
LEFT=$((${LIMIT_S:-470} - ($(date +%s) - T0)))
if [ "$BUDGET_S" -gt $((LEFT - 30)) ]; then BUDGET_S=$((LEFT - 30)); fi
TIMEOUT=""
if command -v timeout >/dev/null; then TIMEOUT="timeout -k 5 $LEFT"; fi
cd "$WORK" || exit 2
# shellcheck disable=SC2086 # TIMEOUT is a command prefix or empty
$TIMEOUT "$WORK/node" "$WORK/bench.mjs" --out "$OUT" --budget-s "$BUDGET_S" \
  --python "${PYTHON:-python3}" --torch-script "$WORK/torch_train_step.py" "$@"
rc=$?
if [ $rc = 124 ] || [ $rc = 137 ]; then
  # The report is rewritten after each section; say where this one stopped.
  printf '\n**Stopped by run.sh at its %s s limit** (exit %s): rows marked "not reached" or "did not finish"\nand sections missing from the table above did not finish.\n' \
    "${LIMIT_S:-470}" "$rc" >>"$OUT/gpu-bench.md"
fi
echo "run.sh: bench exit $rc after $(($(date +%s) - T0)) s in all"
exit $rc
