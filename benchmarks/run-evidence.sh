#!/usr/bin/env bash
# Runs one real-text evidence harness on corpora/shared-byte-128 (prepared if missing).
#   benchmarks/run-evidence.sh <MainClass> <default-out-dir> [harness options...]
# OUT overrides the output directory.
set -euo pipefail
cd "$(dirname "$0")/.."
main="$1"; default_out="$2"; shift 2
benchmarks/ensure-shared-corpus.sh
. ./native-env.sh
cp=$(benchmarks/classpath.sh)
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true -cp "$cp" \
  -Ddatamix.command="${DATAMIX_COMMAND:-benchmarks/run-evidence.sh $main $default_out $*}" \
  "dev.datamix.benchmarks.evidence.$main" --corpus corpora/shared-byte-128 \
  --out "${OUT:-$default_out}" "$@"
