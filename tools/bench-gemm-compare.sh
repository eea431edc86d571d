#!/usr/bin/env bash
# Back-to-back SGEMM comparison on this machine: for each shape, OpenBLAS (tools/bench-openblas.sh,
# OPENBLAS_NUM_THREADS=2 unless set) then `unclip4j bench gemm`, printed as a markdown table row.
# Arguments: shapes as N or MxNxK (default: the squares and model shapes of docs/BENCHMARKS.md).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(256 512 1024 2048 162x6144x2048 4096x320x2880 1024x640x5760 64x1280x11520)
echo "| shape m×n×k | unclip4j best (median) GFLOP/s | OpenBLAS best (median) GFLOP/s | ratio (best) |"
echo "|---|---:|---:|---:|"
for s in "${shapes[@]}"; do
  case "$s" in *x*) mnk=$s ;; *) mnk=${s}x${s}x${s} ;; esac
  ob=$("$root/tools/bench-openblas.sh" "$mnk" | tail -1)            # "MxNxK best X GFLOP/s median Y GFLOP/s"
  ob_best=$(awk '{print $3}' <<<"$ob"); ob_med=$(awk '{print $6}' <<<"$ob")
  out=$("$root/unclip4j" bench gemm --shape "$mnk" 2>/dev/null)
  j_best=$(tail -1 <<<"$out" | awk '{print $3}')
  j_med=$(tail -2 <<<"$out" | head -1 | sed -E 's/.*median ([0-9.]+),.*/\1/')
  ratio=$(awk -v a="$j_best" -v b="$ob_best" 'BEGIN { printf "%.2f", a / b }')
  echo "| $mnk | $j_best ($j_med) | $ob_best ($ob_med) | $ratio |"
done
