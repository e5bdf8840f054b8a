#!/usr/bin/env bash
# The policy shoot-out. Resumable: run it again with the same --out and --resume to pick up
# unfinished runs (--overwrite starts again; without either, an existing --out is an error).
#   benchmarks/run-shootout.sh --quick --out shootouts/quick        # a few minutes, smoke test
#   benchmarks/run-shootout.sh --out shootouts/demo                 # default size, < 1 hour
#   benchmarks/run-shootout.sh --spec my-spec.json --corpus corpora/shared-byte --out shootouts/shared
#   benchmarks/run-shootout.sh --report-only --out shootouts/demo   # table + plots from the raw runs
set -euo pipefail
cd "$(dirname "$0")/.."
. ./native-env.sh
cp=$(benchmarks/classpath.sh)
java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true \
  -Ddatamix.command="benchmarks/run-shootout.sh $*" \
  -cp "$cp" \
  dev.datamix.shootout.Shootout "$@"
