#!/usr/bin/env bash
# The device check for a machine with a GPU, as one short script: what the machine offers, the kernel
# tests (every op and variant against ReferenceOps), then a quick timing of every benchable family.
# Usage: tools/gpu-check.sh [runs]   (default 20 timed runs per variant)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JAVA_HOME=$("$root/tools/find-jdk25.sh") || exit 2
export JAVA_HOME
runs=${1:-20}
./unclip4j doctor
mvn -B -q -ntp test -Dtest='KernelsCompileTest,CudaProbeTest,CudaBackendTest' -Dsurefire.failIfNoSpecifiedTests=false
tests=$?
grep -h "Tests run" target/surefire-reports/*Cuda*.txt target/surefire-reports/*KernelsCompile*.txt 2>/dev/null
./unclip4j bench kernels --warmup 3 --runs "$runs"
bench=$?
echo "gpu-check: tests rc=$tests, bench rc=$bench"
[ "$tests" = 0 ] && [ "$bench" = 0 ]
