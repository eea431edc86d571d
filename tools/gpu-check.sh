#!/usr/bin/env bash
# The device check, run ON the GPU machine (no JDK or Maven there) after tools/gpu-prepare.sh packed
# .device/ here: doctor, every CUDA test (ops and kernel variants vs ReferenceOps, the pipeline vs the
# CPU), then a timing of every kernel family. Reports land in $OUT (or target/gpu-check).
# Usage: bash tools/gpu-check.sh [runs]   (default 20 timed runs per variant)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
runs=${1:-20}
out=${OUT:-$root/target/gpu-check}
mkdir -p "$out"
[ -x /tmp/jre/bin/java ] || tar xJf .device/jre.txz -C /tmp || { echo "gpu-check: no .device/jre.txz: run tools/gpu-prepare.sh here and carry .device" >&2; exit 2; }
app=.device/app
java=(/tmp/jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
cp="$app/unclip4j.jar:$app/lib/*:$app/device-tests"
"${java[@]}" -cp "$cp" unclip4j.Main doctor 2>&1 | tee "$out/doctor.txt"
"${java[@]}" -jar "$app"/test-lib/junit-platform-console-standalone-*.jar execute -cp "$cp" \
  --select-class unclip4j.backend.cuda.CudaBackendTest --select-class unclip4j.backend.cuda.CudaPipelineTest \
  --details=tree --disable-banner --reports-dir "$out" 2>&1 | tee "$out/tests.txt"
tests=${PIPESTATUS[0]}
"${java[@]}" -cp "$cp" unclip4j.Main bench kernels --warmup 3 --runs "$runs" 2>&1 | tee "$out/kernels.txt"
bench=${PIPESTATUS[0]}
echo "gpu-check: tests rc=$tests, bench rc=$bench"
[ "$tests" = 0 ] && [ "$bench" = 0 ]
