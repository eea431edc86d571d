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

# the test methods that run on CUDA, one JUnit selector per line: gpu-check.sh runs each in its own JVM.
# A signature may span lines; parameter types are qualified (JUnit's method selectors want full names)
# from the file's imports, else as java.lang's or the file's package's; primitives stay as they are.
cuda_test_classes="backend/BackendOpsTest backend/cuda/CudaBackendTest backend/cuda/CudaPipelineTest"
for src in $cuda_test_classes; do
  awk -v cls="unclip4j.$(echo "$src" | tr / .)" '
    BEGIN { pkg = cls; sub(/\.[^.]*$/, "", pkg)
            split("String Integer Long Double Float Boolean Short Byte Character Object", jl, " "); for (i in jl) lang[jl[i]] = 1 }
    /^import [A-Za-z0-9_.]+;/ { full = $2; sub(/;$/, "", full); simple = full; sub(/.*\./, "", simple); imported[simple] = full; next }
    /^[ \t]*@(Test|ParameterizedTest)([^A-Za-z]|$)/ { want = 1; sig = "" }
    want && (sig != "" || /void [A-Za-z0-9_]+\(/) {
      sig = sig (sig == "" ? "" : " ") $0
      if (sig !~ /\)/) next
      match(sig, /void [A-Za-z0-9_]+\([^)]*\)/); s = substr(sig, RSTART + 5, RLENGTH - 5)
      name = s; sub(/\(.*/, "", name); args = s; sub(/^[^(]*\(/, "", args); sub(/\)$/, "", args)
      gsub(/@[A-Za-z0-9_.]+(\([^)]*\))? */, "", args); gsub(/<[^>]*>/, "", args); gsub(/final /, "", args)
      n = split(args, parts, /, */); types = ""
      for (i = 1; i <= n; i++) {
        gsub(/^ +| +$/, "", parts[i]); if (parts[i] == "") continue
        split(parts[i], tv, / +/); t = tv[1]; arr = ""
        while (t ~ /\[\]$/) { arr = arr "[]"; sub(/\[\]$/, "", t) }
        if (t in imported) t = imported[t]
        else if (t in lang) t = "java.lang." t
        else if (t ~ /^[A-Z]/ && t !~ /\./) t = pkg "." t
        types = types (types == "" ? "" : ",") t arr
      }
      print cls "#" name "(" types ")"; want = 0; sig = ""
    }' "src/test/java/unclip4j/$src.java"
done > .device/cuda-tests.txt
# a method the awk missed runs nowhere, and a selector JUnit cannot resolve wastes its slot on the GPU:
# check both here (one JVM discovers every selector; an unresolvable one fails discovery)
for src in $cuda_test_classes; do
  cls="unclip4j.$(echo "$src" | tr / .)"
  want=$(grep -cE '^[[:space:]]*@(Test|ParameterizedTest)([^A-Za-z]|$)' "src/test/java/unclip4j/$src.java")
  got=$(grep -c "^$cls#" .device/cuda-tests.txt)
  [ "$want" = "$got" ] || { echo "gpu-prepare: $cls has $want test methods but $got selectors in .device/cuda-tests.txt" >&2; exit 1; }
done
selectors=()
while read -r sel; do selectors+=(--select-method "$sel"); done < .device/cuda-tests.txt
"$JAVA_HOME/bin/java" -jar .device/app/test-lib/junit-platform-console-standalone-*.jar discover --disable-banner --disable-ansi-colors \
  -cp "target/unclip4j.jar:target/lib/*:target/test-classes" "${selectors[@]}" > .device/discover.txt 2>&1 \
  || { grep -v '^\s*at ' .device/discover.txt | head -n 20 >&2; echo "gpu-prepare: JUnit could not resolve the selectors in .device/cuda-tests.txt" >&2; exit 1; }
echo "gpu-prepare: $(wc -l < .device/cuda-tests.txt) CUDA test selectors, all resolved by JUnit ($(grep -o '[0-9]* containers found' .device/discover.txt), $(grep -o '[0-9]* tests found' .device/discover.txt))"
rm -f .device/discover.txt
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
for p in .device/jre.txz .device/app/* .device; do du -sh "$p"; done | sed 's/^/gpu-prepare: /'
tree=$(git ls-files -z | grep -zv '^src/test/resources/fixtures/' | xargs -0 du -cb | tail -1 | cut -f1)
echo "gpu-prepare: tracked tree without the fixtures: $((tree / 1048576)) MiB; with .device it must stay under 64 MiB"
