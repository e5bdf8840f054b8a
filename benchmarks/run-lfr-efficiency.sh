#!/usr/bin/env bash
# LFR's data-efficiency claim on real text: LFR over a subset S of techdocs (its first 300 KB)
# for its full schedule T, against random sampling over S at T and over the whole techdocs
# training split (fresh data) at T, 2T, 5T and 10T; plus the premise (forgetting between Learn
# and Review, the train/held-out gap). Writes shootouts/lfr-efficiency.
#   benchmarks/run-lfr-efficiency.sh [--seeds 1,2,3] [--pool-seeds 1]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared/corpora/text}"
domain=techdocs
for kind in subset pool; do
  dir="corpora/lfr-$domain-$kind-128"
  if [ ! -f "$dir/manifest.json" ]; then
    src=$(mktemp -d)
    if [ "$kind" = subset ]; then
      # head closes the pipe early; zcat's SIGPIPE is expected
      { zcat "$shared/$domain.train.txt.gz" || true; } | head -c 300000 > "$src/$domain.train.txt"
    else
      zcat "$shared/$domain.train.txt.gz" > "$src/$domain.train.txt"
    fi
    zcat "$shared/$domain.val.txt.gz" > "$src/$domain.val.txt"
    zcat "$shared/$domain.test.txt.gz" > "$src/$domain.test.txt"
    ./datamix prepare --domains-from "$src" --out "$dir" --block-length 128 --quiet
    rm -rf "$src"
  fi
done
. ./native-env.sh
cp=$(benchmarks/classpath.sh)
exec java -Xmx4g -Djava.awt.headless=true -Dai.djl.offline=true -cp "$cp" \
  -Ddatamix.command="benchmarks/run-lfr-efficiency.sh $*" \
  dev.datamix.benchmarks.evidence.LfrEfficiencyEvidence \
  --corpus "corpora/lfr-$domain-subset-128" --pool "corpora/lfr-$domain-pool-128" \
  --out "${OUT:-shootouts/lfr-efficiency}" "$@"
