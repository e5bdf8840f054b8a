#!/usr/bin/env bash
# The policy shoot-out. Resumable: run it again with the same --out to pick up unfinished runs.
#   benchmarks/run-shootout.sh --quick --out shootouts/quick        # a few minutes, smoke test
#   benchmarks/run-shootout.sh --out shootouts/demo                 # default size, < 1 hour
#   benchmarks/run-shootout.sh --spec my-spec.json --corpus corpora/shared-byte --out shootouts/shared
#   benchmarks/run-shootout.sh --report-only --out shootouts/demo   # table + plots from the raw runs
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -ntp -pl benchmarks -am install -DskipTests
mvn -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.datamix.benchmarks.shootout.Shootout "$@"
