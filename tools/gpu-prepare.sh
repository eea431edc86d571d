#!/usr/bin/env bash
# Prepares, on a development machine, everything the GPU device check needs: the GPU machine has no
# JDK, no Maven and no registry. Builds the jar (with the kernels' PTX and cubins), the test classes
# and the JUnit console launcher, and packs them with a trimmed JDK 25 runtime into .device/
# (git-ignored). Then call the device tool with carry [".device"] (and ".karlo", below) and the
# command `bash tools/gpu-check.sh` (it writes its reports to $OUT).
#
# PyTorch reference (issue 8): with KARLO_GIT=<a git dir of kakaobrain/karlo> (the `fetch` tool's
# mirror), its karlo/ and configs/ are exported into .karlo/ (git-ignored, never committed), which
# gpu-check.sh hands to tools/karlo-reference-bench.py.
#
# Size: the device tool sends the working tree plus carried paths, 64 MiB at most. This packs like
# ../shared/tools/device-pack.sh but smaller (~35 MiB instead of ~65): the runtime's modules are left
# uncompressed by jlink and the whole runtime goes into one xz tarball, native libraries are stripped,
# JCuda's natives are cut to the driver binding (the only one we load), and the PDF libraries are left
# out (XChart stays: the CLI check's --trace-dir run draws its cosine plot as a PNG with it). The tracked tree is ~38 MiB, 24 of them the test fixtures,
# which the CUDA tests do not read (they use weights/tiny): move them out of the tree for the call,
#   mv src/test/resources/fixtures /tmp/fixtures   # before the call
#   mv /tmp/fixtures src/test/resources/fixtures   # after it
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
JAVA_HOME=$("$root/tools/find-jdk25.sh") || exit 2
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
command -v nvcc >/dev/null || { echo "gpu-prepare: nvcc is needed to build the kernels" >&2; exit 2; }
mvn -B -q -ntp -DskipTests package test-compile

rm -rf .device && mkdir -p .device/app/test-lib
platform=$(sed -n 's:.*<junit.platform.version>\(.*\)</junit.platform.version>.*:\1:p' pom.xml)
mvn -B -q -ntp dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory=.device/app/test-lib

# runtime: java.desktop for ImageIO/AWT types the CLI classes name, jdk.management for the process CPU time
# and memory figures of bench pipeline; modules uncompressed, then xz
tmp=$(mktemp -d)
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,jdk.management,jdk.incubator.vector,jdk.unsupported \
  --strip-debug --no-man-pages --no-header-files --compress=zip-0 --output "$tmp/jre" 2>/dev/null
strip --strip-unneeded "$tmp"/jre/lib/*.so "$tmp"/jre/lib/server/*.so 2>/dev/null || true
tar cJf .device/jre.txz -C "$tmp" jre

cp target/unclip4j.jar .device/app/
cp -r target/lib .device/app/lib
rm -f .device/app/lib/pdfbox-*.jar .device/app/lib/fontbox-*.jar .device/app/lib/commons-logging-*.jar \
  .device/app/lib/VectorGraphics2D-*.jar .device/app/lib/graphics2d-*.jar
natives=$(ls .device/app/lib/jcuda-natives-*.jar)
(cd "$tmp" && mkdir natives && cd natives && unzip -q "$root/$natives" && find lib -type f ! -name 'libJCudaDriver-*' -delete \
  && rm -f "$root/$natives" && zip -q -r "$root/$natives" .)
rm -rf "$tmp"

# the test classes without the fixtures
cp -r target/test-classes .device/app/device-tests
rm -rf .device/app/device-tests/fixtures

# the test methods that run on CUDA, one JUnit selector per line: gpu-check.sh runs each in its own JVM
for src in backend/BackendOpsTest backend/cuda/CudaBackendTest backend/cuda/CudaPipelineTest; do
  awk -v cls="unclip4j.$(echo "$src" | tr / .)" '
    /@(Test|ParameterizedTest)/ { want = 1; next }
    want && /void [A-Za-z0-9_]+\(/ {
      match($0, /void [A-Za-z0-9_]+\([^)]*\)/); sig = substr($0, RSTART + 5, RLENGTH - 5)
      name = sig; sub(/\(.*/, "", name); args = sig; sub(/^[^(]*\(/, "", args); sub(/\)$/, "", args)
      n = split(args, parts, /, */); types = ""
      for (i = 1; i <= n; i++) {
        if (parts[i] == "") continue
        split(parts[i], tv, " "); t = tv[1]
        if (t == "KernelVariant") t = "unclip4j.kernel.KernelVariant"; else if (t == "DType") t = "unclip4j.tensor.DType"
        else if (t == "Backend") t = "unclip4j.backend.Backend"
        types = types (types == "" ? "" : ",") t
      }
      print cls "#" name "(" types ")"; want = 0
    }' "src/test/java/unclip4j/$src.java"
done > .device/cuda-tests.txt
git rev-parse --short HEAD > .device/commit
git diff --quiet HEAD -- src kernels pom.xml || sed -i 's/$/+uncommitted/' .device/commit

if [ -n "${KARLO_GIT:-}" ]; then
  rm -rf .karlo && mkdir .karlo
  git --git-dir="$KARLO_GIT" archive HEAD karlo configs | tar x -C .karlo
  git --git-dir="$KARLO_GIT" rev-parse HEAD > .karlo/COMMIT
  grep -qx '/.karlo/' .git/info/exclude 2>/dev/null || echo '/.karlo/' >> .git/info/exclude
  echo "gpu-prepare: kakaobrain/karlo $(cut -c1-10 .karlo/COMMIT) in .karlo/ (carry it too)"
fi

grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
du -sh .device .device/* .device/app/* | sed 's/^/gpu-prepare: /'
tree=$(git ls-files -z | grep -zv '^src/test/resources/fixtures/' | xargs -0 du -cb | tail -1 | cut -f1)
echo "gpu-prepare: tracked tree without the fixtures: $((tree / 1048576)) MiB; with .device it must stay under 64 MiB"
