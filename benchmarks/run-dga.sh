#!/usr/bin/env bash
# DGA vs importance, natural and uniform toward target_jargon on real text, 3 seeds, plus an overhead sweep.
#   benchmarks/run-dga.sh [--steps N] [--seeds 1,2,3] [--update-every T]
# Prepares corpora/shared-byte-128 from ../shared/corpora if missing; writes shootouts/dga.
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks/ensure-shared-corpus.sh
cp=$(benchmarks/classpath.sh)
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true \
  -cp "$cp" \
  dev.datamix.benchmarks.shootout.DgaEvidence --corpus corpora/shared-byte-128 \
  --out "${OUT:-shootouts/dga}" "$@"
