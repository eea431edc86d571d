#!/usr/bin/env bash
# Compiles tools/openblas-sgemm-bench.c against Debian's OpenBLAS (apt-get install libopenblas-dev)
# and times cblas_sgemm with OPENBLAS_NUM_THREADS (default 2). Arguments: shapes, N or MxNxK.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/target/openblas-sgemm-bench"
mkdir -p "$root/target"
cc -O2 -o "$out" "$root/tools/openblas-sgemm-bench.c" -lopenblas
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2} exec "$out" "$@"
