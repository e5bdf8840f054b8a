#!/usr/bin/env bash
# Velocitune vs proportional and uniform on real text (../shared/corpora), 3 seeds.
#   benchmarks/run-velocitune.sh [--steps N] [--seeds 1,2,3] [--domains a,b,c]
# Prepares corpora/shared-byte-128 from ../shared/corpora if missing; writes shootouts/velocitune.
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks/ensure-shared-corpus.sh
cp=$(benchmarks/classpath.sh)
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true \
  -cp "$cp" \
  dev.datamix.benchmarks.shootout.VelocituneEvidence --corpus corpora/shared-byte-128 \
  --out "${OUT:-shootouts/velocitune}" "$@"
