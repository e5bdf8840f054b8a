#!/usr/bin/env bash
# Prepares corpora/shared-byte-128 (byte tokens, blocks of 128) from ../shared/corpora if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f corpora/shared-byte-128/manifest.json ]; then
  ./datamix prepare --domains-from "${SHARED:-../shared/corpora/text}" \
    --out corpora/shared-byte-128 --block-length 128 --quiet
fi
