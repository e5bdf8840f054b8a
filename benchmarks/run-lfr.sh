#!/usr/bin/env bash
# LFR against random (uniform) sampling on real text: the first 300 KB of the Jargon File's
# training split (2,352 blocks of 128 bytes; validation and test in full), 600 steps x 16 blocks
# (about 4 epochs, the length of LFR's schedule), 3 seeds. Writes shootouts/lfr.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared/corpora/text}"
if [ ! -f corpora/jargon-small-128/manifest.json ]; then
  src=$(mktemp -d)
  # head closes the pipe early; zcat's SIGPIPE is expected
  { zcat "$shared/target_jargon.train.txt.gz" || true; } | head -c 300000 > "$src/jargon.train.txt"
  zcat "$shared/target_jargon.val.txt.gz" > "$src/jargon.val.txt"
  zcat "$shared/target_jargon.test.txt.gz" > "$src/jargon.test.txt"
  ./datamix prepare --domains-from "$src" --out corpora/jargon-small-128 --block-length 128 --quiet
  rm -rf "$src"
fi
out="${OUT:-shootouts/lfr}"
resume=()
if [ -e "$out/spec.json" ]; then resume=(--resume); fi   # continue an earlier, interrupted call
exec benchmarks/run-shootout.sh --spec benchmarks/specs/lfr-jargon.json --out "$out" "${resume[@]}"
