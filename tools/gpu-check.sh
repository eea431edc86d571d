#!/usr/bin/env bash
# The device check, run ON the GPU machine (no JDK or Maven there) after tools/gpu-prepare.sh packed
# .device/ here. Device time is scarce (minutes per session), so one call gathers everything, each
# part under its own time limit, and a failure in one part never hides the others:
#   1. doctor (GPU, driver, providers)
#   2. every CUDA test method in its own JVM with CUDA_LAUNCH_BLOCKING=1: a kernel fault poisons its
#      CUDA context for the rest of the process, so isolation keeps one bug from failing every test,
#      and blocking launches make the fault surface at the launch that caused it
#   3. `bench kernels`, one family per JVM, for docs/KERNELS.md
#   4. `bench pipeline` full size on CUDA, and (when $KARLO_PATH or .karlo/ holds kakaobrain/karlo)
#      tools/karlo-reference-bench.py with PyTorch on the same GPU, for docs/BENCHMARKS.md
# Reports land in $OUT (or target/gpu-check): summary.txt (with doctor's and the launch bench's output),
# then tests.txt, tests-rc.txt, sanitizer.txt (only after a kernel fault), cli.txt, kernels.txt,
# pipeline.txt, reference.txt: 8 files at most, what the device tool brings back (add none to $OUT).
# Usage: bash tools/gpu-check.sh [parts]   parts: any of doctor,tests,cli,launch,kernels,pipeline,reference
#   (default all)
#   env: RUNS (timed runs per kernel variant, 20), STEPS (pipeline evaluations per stage, 5),
#        PIPELINES (';'-separated bench pipeline option sets), PIPELINE_TIMEOUT (s per run, 180),
#        KERNEL_OPS (families, default all), JAVA_EXTRA (JVM options, e.g. -Dunclip4j.cuda.launcher=ffm),
#        CLI_DEVICE (cuda; cpu runs the CLI part's commands on the CPU: a dry run of the packed classpath)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
parts=${1:-doctor,tests,cli,launch,kernels,pipeline,reference}
out=${OUT:-$root/target/gpu-check}
mkdir -p "$out"
summary=$out/summary.txt
note() { echo "gpu-check: $*" | tee -a "$summary"; }
has() { [[ ",$parts," == *",$1,"* ]]; }

[ -f .device/jre.txz ] || { echo "gpu-check: no .device/jre.txz: run tools/gpu-prepare.sh here and carry .device" >&2; exit 2; }
# unpack the runtime unless this very runtime is unpacked already (a stale one may lack modules)
[ -x /tmp/jre/bin/java ] && [ /tmp/jre/release -nt .device/jre.txz ] || { rm -rf /tmp/jre && tar xJf .device/jre.txz -C /tmp && touch /tmp/jre/release; } || exit 2
app=.device/app
java=(/tmp/jre/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -XX:MaxDirectMemorySize=96g ${JAVA_EXTRA:-})
cp="$app/unclip4j.jar:$app/lib/*:$app/device-tests"
unclip4j() { "${java[@]}" -cp "$cp" unclip4j.Main "$@" 2>&1 | grep -v '^WARNING: Using incubator modules'; }
# cuBLAS, cuDNN and NVTX are bound through FFM by soname: make the toolkit's and the Python wheels'
# copies findable when the loader cache does not list them
libdirs=$(for lib in libcublas.so.13 libcublas.so.12 libcudnn.so.9 libnvtx3interop.so.1 libnvToolsExt.so.1; do
  ldconfig -p | grep -qF "$lib (" || timeout 20 find /usr/local /opt /usr/lib -name "$lib" -print -quit 2>/dev/null
done | xargs -r -n1 dirname | sort -u | paste -sd:)
[ -n "$libdirs" ] && export LD_LIBRARY_PATH=$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
note "$(date -u +%FT%TZ) commit $(cat .device/commit 2>/dev/null || echo unknown), parts $parts, extra library dirs: ${libdirs:-none}"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader 2>&1 | sed 's/^/nvidia-smi: /' | tee -a "$summary"

if has doctor; then
  unclip4j doctor >> "$summary"
fi

if has tests; then
  # one JVM per test method (selectors listed by gpu-prepare.sh), four at a time
  mkdir -p /tmp/tests && rm -f /tmp/tests/*
  run_one() { # $1: a method selector; the java command line comes in JAVA_CMD (no spaces inside its words)
    local log=/tmp/tests/$(echo "$1" | tr -c 'A-Za-z0-9\n' '_')
    CUDA_LAUNCH_BLOCKING=1 timeout 150 $JAVA_CMD -jar $JUNIT execute -cp "$CP" --select-method "$1" \
      --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests > "$log.txt" 2>&1
    echo "rc=$? $1" > "$log.rc"
  }
  export -f run_one
  export JAVA_CMD="${java[*]}" CP="$cp" JUNIT=$(ls "$app"/test-lib/junit-platform-console-standalone-*.jar)
  start=$(date +%s)
  xargs -P 4 -I{} bash -c 'run_one "$1"' _ {} < .device/cuda-tests.txt
  for f in /tmp/tests/*.txt; do echo "=== $(basename "$f" .txt)"; grep -v '^WARNING: Using incubator' "$f"; done > "$out/tests.txt"
  cat /tmp/tests/*.rc | sort > "$out/tests-rc.txt"
  failed=$(grep -vc '^rc=0 ' "$out/tests-rc.txt")
  note "tests: $(wc -l < "$out/tests-rc.txt") methods, $failed failed, $(( $(date +%s) - start )) s"
  grep -v '^rc=0 ' "$out/tests-rc.txt" | tee -a "$summary"
  # a kernel fault: rerun (the first such method) under compute-sanitizer, which names the kernel
  # and, thanks to -lineinfo, the source line of the bad access
  if command -v compute-sanitizer > /dev/null; then
    grep -l 'CUDA_ERROR_ILLEGAL\|CUDA_ERROR_LAUNCH_FAILED\|CUDA_ERROR_MISALIGNED\|CUDA_ERROR_INVALID_VALUE' /tmp/tests/*.txt 2>/dev/null | head -n 1 |
    while read -r f; do
      sel=$(cut -d' ' -f2- "${f%.txt}.rc")
      echo "=== compute-sanitizer $sel" >> "$out/sanitizer.txt"
      timeout 100 compute-sanitizer --tool memcheck --print-limit 4 $JAVA_CMD -jar $JUNIT execute -cp "$CP" --select-method "$sel" \
        --details=none --disable-banner >> "$out/sanitizer.txt" 2>&1
      note "compute-sanitizer on $sel: rc=$?"
    done
  fi
  grep -h 'tests successful\|tests failed\|tests skipped\|tests aborted' /tmp/tests/*.txt | awk '{s[$3" "$4]+=$2} END {for (k in s) print "gpu-check: " s[k], k}' | sort -k3 | tee -a "$summary"
fi

if has cli; then
  # the user-facing commands on the GPU, embedded model: exit status and the manifest's backend line
  # (the traced run checks the prior's and the decoder's attention probes on CUDA; prior then decode, the stages apart;
  # per-picture seeds in two batches with reranking and CLIP scores; a sweep (recorded noise replayed); DDIM steps with noise
  # (--ddim-eta); then a CPU run redone on CUDA,
  # whose --check says how many 8-bit values of its pictures CUDA's rounding changed: rc 1 when any)
  dev=${CLI_DEVICE:-cuda}
  library=$([ "$dev" = cuda ] && echo "--kernel gemm=library")
  rm -rf /tmp/cli && mkdir -p /tmp/cli
  for cmd in "generate --prompt a-red-cube --out /tmp/cli/t2i.png --device $dev $library --trace-dir /tmp/cli/trace" \
             "vary --image /tmp/cli/t2i.png --out /tmp/cli/vary.png --device $dev" \
             "generate --prompt a-red-cube --out /tmp/cli/t2i-f16.png --device $dev --dtype f16" \
             "prior --prompt a-red-cube --batch 2 --out /tmp/cli/emb.safetensors --device $dev" \
             "decode --embedding /tmp/cli/emb.safetensors --prompt a-red-cube --out /tmp/cli/decode.png --device $dev" \
             "interpolate --embedding /tmp/cli/emb.safetensors --frames 2 --out /tmp/cli/interp.png --device $dev" \
             "generate --prompt a-red-cube --batch 3 --max-batch 2 --rerank 2 --clip-score --out /tmp/cli/batches.png --device $dev" \
             "sweep --prompt a-red-cube --prior-guidance 4 --decoder-guidance 1,8 --out /tmp/cli/sweep.png --device $dev" \
             "generate --prompt a-red-cube --prior-steps ddim10 --decoder-steps ddim10 --ddim-eta 0.5 --out /tmp/cli/ddim.png --device $dev" \
             "generate --prompt a-red-cube --batch 2 --grid false --out /tmp/cli/cpu.png --device cpu" \
             "redo /tmp/cli/cpu.json --out /tmp/cli/redo-$dev.png --check -- --device $dev"; do
    start=$(date +%s)
    timeout 120 "${java[@]}" -cp "$cp" unclip4j.Main $cmd --force > /tmp/cli.txt 2>&1
    rc=$?
    { echo "=== $cmd: rc=$rc"; grep -v "^WARNING: Using incubator" /tmp/cli.txt | tail -n 8; } >> "$out/cli.txt"
    note "cli $cmd: rc=$rc, $(( $(date +%s) - start )) s"
  done
  grep -h '"backend"\|"kernels"' /tmp/cli/*.json 2>/dev/null | tee -a "$summary"
  for stage in prior decoder; do
    grep -c '"module"' /tmp/cli/trace/$stage/attention.json 2>/dev/null | sed "s/^/gpu-check: $stage attention layers traced on $dev: /" | tee -a "$summary"
  done
fi

if has launch; then
  timeout 60 "${java[@]}" -cp "$cp" unclip4j.Main bench kernels --op launch > /tmp/launch.txt 2>&1
  note "bench kernels --op launch (${JAVA_EXTRA:-default launcher}): rc=$?"
  grep -v '^WARNING: Using incubator' /tmp/launch.txt >> "$summary"
fi

if has kernels; then
  start=$(date +%s)
  for op in ${KERNEL_OPS:-gemm conv2d attention group_norm layer_norm softmax unary binary}; do
    timeout 120 "${java[@]}" -cp "$cp" unclip4j.Main bench kernels --op "$op" --warmup 3 --runs "${RUNS:-20}" > /tmp/k.txt 2>&1
    rc=$?
    grep -v '^WARNING: Using incubator' /tmp/k.txt >> "$out/kernels.txt"
    note "bench kernels --op $op: rc=$rc"
  done
  note "kernels: $(( $(date +%s) - start )) s"
fi

if has pipeline; then
  # one run per configuration, ';'-separated options of bench pipeline: the best measured configuration
  # (TF32 library kernels), and profiled (on the H200 a profiled run once beat an unprofiled one: the
  # pair tells), the fp16 library convolutions against it, those with the tensor-core attention
  # and split group norm (profiled, so the run says where the time went), our own kernels
  IFS=';' read -ra configs <<< "${PIPELINES:---kernel library_tf32 --dtype f16;--kernel library_tf32 --dtype f16 --profile;--kernel library_f16 --dtype f16;--kernel library_f16,attention=v3_mma_f16,group_norm=v3_split --dtype f16 --profile;--dtype f32}"
  for config in "${configs[@]}"; do
    start=$(date +%s)
    echo "=== bench pipeline $config" >> "$out/pipeline.txt"
    timeout "${PIPELINE_TIMEOUT:-180}" "${java[@]}" -cp "$cp" unclip4j.Main bench pipeline --config karlo --random-weights --quality fast --device cuda \
      --steps "${STEPS:-5}" $config > /tmp/p.txt 2>&1
    rc=$?
    grep -v '^WARNING: Using incubator' /tmp/p.txt >> "$out/pipeline.txt"
    note "bench pipeline $config: rc=$rc, $(( $(date +%s) - start )) s"
    grep -E '^(text|prior|decoder|sr|pipeline) ' /tmp/p.txt | tee -a "$summary"
  done
fi

if has reference; then
  karlo=${KARLO_PATH:-$root/.karlo}
  if [ -d "$karlo/karlo" ]; then
    start=$(date +%s)
    PYTHONUNBUFFERED=1 KARLO_PATH=$karlo timeout 200 python3 tools/karlo-reference-bench.py --device cuda --quality fast \
      --steps "${STEPS:-5}" > "$out/reference.txt" 2>&1
    note "karlo reference: rc=$?, $(( $(date +%s) - start )) s"
    tail -n 6 "$out/reference.txt" | tee -a "$summary"
  else
    note "karlo reference skipped: no kakaobrain/karlo at $karlo (set KARLO_PATH or carry .karlo)"
  fi
fi
