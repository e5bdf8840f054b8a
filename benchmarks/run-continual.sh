#!/usr/bin/env bash
# Continual pre-training on real text: English prose then code, rewarm/replay/infinite schedule variants and a union run.
#   benchmarks/run-continual.sh [--steps N] [--seeds 1,2,3] [--seed S]
# Prepares corpora/shared-byte-128 from ../shared/corpora if missing; writes shootouts/continual.
set -euo pipefail
cd "$(dirname "$0")/.."
benchmarks/ensure-shared-corpus.sh
cp=$(benchmarks/classpath.sh)
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true \
  -cp "$cp" \
  dev.datamix.benchmarks.shootout.ContinualEvidence --corpus corpora/shared-byte-128 \
  --out "${OUT:-shootouts/continual}" "$@"
