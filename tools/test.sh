#!/usr/bin/env bash
# Runs the whole test suite (the README's test command). Extra arguments go to Maven,
# e.g. tools/test.sh -Dtest=GemmTest
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAVA_HOME=$("$root/tools/find-jdk25.sh") || exit 2
export JAVA_HOME
cd "$root"
# quiets the JDK 24+ warning about Maven's own use of sun.misc.Unsafe
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
exec mvn -B -ntp test "$@"
