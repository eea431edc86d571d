#!/usr/bin/env bash
# Prints the home of a JDK 25 (or newer): $JAVA_HOME if it is one, else the first match in the
# JVM folder(s). Exits 1 with a message on stderr when there is none. Sourced by ./unclip4j and .ci/run.
is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; }
if [ -n "${JAVA_HOME:-}" ] && is_jdk25 "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/local/lib/jvm/*25* /opt/java/*25* /opt/*jdk*25*; do
  if [ -d "$d" ] && is_jdk25 "$d"; then echo "$d"; exit 0; fi
done
echo "unclip4j needs a JDK 25 or newer: set JAVA_HOME to one (none found in JAVA_HOME or /usr/lib/jvm)" >&2
exit 1
