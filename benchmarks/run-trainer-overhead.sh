#!/usr/bin/env bash
# DJL trainer overhead: datamix's loop vs a bare DJL loop on CPU -> docs/benchmarks-trainer.md
#   benchmarks/run-trainer-overhead.sh [steps-per-round] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
. ./native-env.sh
cp=$(benchmarks/classpath.sh)
java -Dai.djl.offline=true -cp "$cp" \
  dev.datamix.benchmarks.TrainerOverhead docs/benchmarks-trainer.md "${1:-30}" "${2:-4}"
