#!/usr/bin/env bash
# Builds the benchmarks module and prints a class path of private copies of its jars, so that a
# long benchmark keeps running while the project is rebuilt (a jar replaced under a running JVM
# breaks it). Used by the run-*.sh scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -ntp -pl benchmarks -am install -DskipTests >&2
mvn -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
snap="benchmarks/target/snapshots/$(date +%s%N)"
mkdir -p "$snap"
cp -r benchmarks/target/classes "$snap/classes"
cp_out="$snap/classes"
IFS=':' read -ra jars < benchmarks/target/classpath.txt || true
for j in "${jars[@]}"; do
  case "$j" in
    */dev/datamix/*) cp "$j" "$snap/"; cp_out="$cp_out:$snap/$(basename "$j")" ;;
    *) cp_out="$cp_out:$j" ;;
  esac
done
echo "$cp_out"
