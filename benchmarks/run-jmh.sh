#!/usr/bin/env bash
# Builds the benchmarks jar and runs a JMH suite, then keeps its raw result in docs/benchmarks/<suite>/
# and writes its Markdown table into docs/benchmarks-<suite>.md (regenerated from the raw files by a test).
#   benchmarks/run-jmh.sh sampler     # SamplerBenchmark + WeightChangeBenchmark -> docs/benchmarks-sampler.md
#   benchmarks/run-jmh.sh data        # BatchAssemblyBenchmark -> docs/benchmarks-data.md
#   benchmarks/run-jmh.sh policies    # PolicyDecisionBenchmark + AdoRefitBenchmark -> docs/benchmarks-policies.md
#   benchmarks/run-jmh.sh ingest      # IngestBenchmark + TokenizerBenchmark -> docs/benchmarks-ingest.md
# Extra JMH options may follow the suite name (for example -f 1 -wi 2 -i 3).
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-sampler}"; shift || true
case "$suite" in
  sampler) pattern='SamplerBenchmark|WeightChangeBenchmark'; title='Sampler throughput and weight-change cost'
    note='SamplerBenchmark: one op = one (domain, block) draw, K domains of 10^6 blocks, batches of 1,024, allocation RANDOM (independent alias draws) or EXACT (each batch apportioned by floors and keyed systematic sampling of the remainders, then shuffled) (target: >= 20 M draws/s at K = 256 in both). WeightChangeBenchmark: one op = a new mixture plus one draw, i.e. the alias-table rebuild (target: < 5 ms at K = 65,536).' ;;
  data) pattern='BatchAssemblyBenchmark'; title='Batch assembly from memory-mapped shards'
    note='One op = one token copied into the batch buffer: batches of 32 x (1,024 + 1) uint16 tokens, blocks drawn at random from the demo corpus (2 MB of text per main domain, in the page cache), single thread (target: >= 200 M tokens/s).' ;;
  policies) pattern='PolicyDecisionBenchmark|AdoRefitBenchmark'; title='Per-step cost of each policy decision path'
    note='PolicyDecisionBenchmark: one op = one step of a policy: signalsFor, the observations it requested (synthetic), mixture and loss weights, at K domains (target: <= 10 us at K = 64). Every registered policy; a policy added later gets a parameter value in PolicyDecisionBenchmark. ADO starts afresh every 10,000 steps and is fitted once per start; AdoRefitBenchmark: one op = one ADO step that refits every domain over a history of that many steps (ms).' ;;
  lfr) pattern='LfrBenchmark'; title='LFR: recording block losses and phase-boundary selection over 10^7 blocks'
    note='record: one op = one block loss recorded at a random block of a 10^7-block store (target >= 50 M blocks/s). select: one op = choosing the hardest half of 10^7 visited blocks by quickselect (target <= 200 ms).' ;;
  ingest) pattern='IngestBenchmark|TokenizerBenchmark'; title='Ingestion by source format, and the tokenizers'
    note='Real text: documents taken in turn from the eight domains of ../shared/corpora (8 MB for IngestBenchmark, 1 MB for TokenizerBenchmark). IngestBenchmark: one op = one whole ingestion on one thread with the byte tokenizer, so the rows compare the formats, not a tokenizer: plain text, JSONL, a Hugging Face save_to_disk directory (Arrow stream), Parquet (zstd, read through DuckDB), and a Megatron .bin/.idx of the same documents attached in place (index and vocabulary scans, bytes counted by decoding). TokenizerBenchmark: one op = one document encoded with GPT-2 byte-level BPE by jtokkit or by the Hugging Face tokenizers library (DJL), one thread. The :bytes rows are the UTF-8 text bytes per second (per core).' ;;
  *) echo "unknown suite '$suite'; known: sampler, data, policies, lfr, ingest" >&2; exit 2 ;;
esac
mvn -q -B -ntp -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results
json="benchmarks/results/$suite.json"
# JMH_RENDER_ONLY=1 keeps the last result in benchmarks/results/ and only renders the page
if [ -z "${JMH_RENDER_ONLY:-}" ]; then
  java -jar benchmarks/target/benchmarks.jar "$pattern" -rf json -rff "$json" "$@"
fi
java -cp benchmarks/target/benchmarks.jar dev.datamix.benchmarks.report.JmhMarkdown \
  "$json" "docs/benchmarks/$suite" "docs/benchmarks-$suite.md" "$title" \
  "benchmarks/run-jmh.sh $suite${*:+ $*}" "$note"
echo "wrote docs/benchmarks-$suite.md (raw result in docs/benchmarks/$suite/)"
