#!/usr/bin/env bash
# Prepares ../shared/corpora with the byte tokenizer and with GPT-2 BPE (3,840 merges).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="${SHARED:-$root/../shared/corpora}"
[ -d "$shared/text" ] || { echo "no shared corpora at $shared (set SHARED=...)" >&2; exit 2; }
out="${OUT:-$root/corpora}"
"$root/datamix" prepare --domains-from "$shared/text" --out "$out/shared-byte" --block-length 256
"$root/datamix" prepare --domains-from "$shared/text" --out "$out/shared-bpe4k" \
  --tokenizer "$shared/tokenizers/gpt2-k3840.json" --block-length 256
