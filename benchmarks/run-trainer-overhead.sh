#!/usr/bin/env bash
# DJL trainer overhead: datamix's loop vs a bare DJL loop on CPU -> docs/benchmarks-trainer.md
#   benchmarks/run-trainer-overhead.sh [steps-per-round] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -ntp -pl benchmarks -am install -DskipTests
mvn -q -B -ntp -pl benchmarks dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cp=$(cat benchmarks/target/classpath.txt)
java -Dai.djl.offline=true -cp "benchmarks/target/classes:$cp" \
  dev.datamix.benchmarks.TrainerOverhead docs/benchmarks-trainer.md "${1:-30}" "${2:-4}"
