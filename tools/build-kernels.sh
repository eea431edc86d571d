#!/usr/bin/env bash
# Compiles kernels/*.cu with nvcc into classpath resources: one PTX per file for compute_80 (the
# driver JIT-compiles it for any newer GPU) and cubins for sm_80, sm_86, sm_89 and sm_90 (loaded
# directly when the GPU matches) with ptxas's resource report beside each (<module>.sm_XX.ptxas.txt),
# plus manifest.txt naming the nvcc that built them.
# Without nvcc it prints a note and exits 0: the CPU build must never need a CUDA toolkit; the CUDA
# backend then reports "kernels were not built (no nvcc at build time)".
# Usage: tools/build-kernels.sh [kernels-dir] [out-dir]   (defaults: kernels target/classes/kernels)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=${1:-$root/kernels}
out=${2:-$root/target/classes/kernels}
# NVCC=path picks a compiler; NVCC= (empty) builds as if there were none
if [ -z "${NVCC+set}" ]; then
  nvcc=$(command -v nvcc || true)
  if [ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ]; then nvcc=/usr/local/cuda/bin/nvcc; fi
else
  nvcc=$NVCC
fi
if [ -z "$nvcc" ] || [ ! -x "$nvcc" ]; then
  echo "build-kernels: nvcc not found; CUDA kernels not built (the CPU backend is unaffected)"
  exit 0
fi
mkdir -p "$out"
archs="80 86 89 90"
flags=(-std=c++17 -O3 -I "$src" -lineinfo)

# One .cu file -> its PTX and cubins, skipped when every output is newer than its inputs. A file whose
# first line is "// archs: 90a" uses arch-specific instructions (wgmma): it is built for sm_90a only,
# PTX compute_90a and a cubin stored under the name the loader looks for on compute 9.0 (sm_90).
build_one() {
  local cu=$1 name stale=0 ptx_arch=compute_80 file_archs=$archs special
  name=$(basename "$cu" .cu)
  special=$(sed -n '1s|^// archs: *\([0-9a-z]*\)$|\1|p' "$cu")
  if [ -n "$special" ]; then ptx_arch=compute_$special; file_archs=${special%a}; fi
  for f in "$out/$name.ptx" $(for a in $file_archs; do echo "$out/$name.sm_$a.cubin $out/$name.sm_$a.ptxas.txt"; done); do
    if [ ! -f "$f" ] || [ "$cu" -nt "$f" ] || [ "$0" -nt "$f" ]; then stale=1; fi
    for h in "$src"/*.cuh; do [ "$h" -nt "$f" ] && stale=1; done
  done
  [ "$stale" = 0 ] && return 0
  echo "build-kernels: $name.cu"
  "$nvcc" "${flags[@]}" -ptx -arch=$ptx_arch -o "$out/$name.ptx" "$cu"
  for a in $file_archs; do
    # ptxas -v: registers, shared memory, stack and spills of every kernel, for `bench kernels --resources`
    # (compile times dropped, so the report is the same on every build)
    "$nvcc" "${flags[@]}" -cubin -arch=sm_${special:-$a} -Xptxas -v -o "$out/$name.sm_$a.cubin" "$cu" 2> "$out/$name.sm_$a.ptxas.tmp" \
      || { cat "$out/$name.sm_$a.ptxas.tmp" >&2; rm -f "$out/$name.sm_$a.ptxas.tmp"; return 1; }
    grep -v 'Compile time' "$out/$name.sm_$a.ptxas.tmp" > "$out/$name.sm_$a.ptxas.txt" || true
    rm -f "$out/$name.sm_$a.ptxas.tmp"
  done
}
status=0
for cu in "$src"/*.cu; do
  build_one "$cu" || { echo "build-kernels: FAILED to compile $cu" >&2; status=1; }
done
[ "$status" = 0 ] || exit 1
{
  release=$("$nvcc" --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  echo "nvcc: nvcc $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\), \(V[0-9.]*\).*/\1 (\2)/p')"
  # code built by CUDA X.Y needs a driver that supports X.Y (cuDriverGetVersion >= X*1000 + Y*10)
  echo "driver-min: $(echo "$release" | awk '{print $1 * 1000 + $2 * 10}')"
  echo "ptx: compute_80"
  echo "cubin: $(for a in $archs; do printf 'sm_%s ' "$a"; done)"
  for cu in "$src"/*.cu; do echo "module: $(basename "$cu" .cu)"; done
} > "$out/manifest.txt"
