#!/usr/bin/env bash
# Builds the benchmarks jar and runs a JMH suite, then keeps its raw result in docs/benchmarks/<suite>/
# and writes its Markdown table into docs/benchmarks-<suite>.md (regenerated from the raw files by a test).
#   benchmarks/run-jmh.sh sampler     # SamplerBenchmark + WeightChangeBenchmark + SparseWeightChangeBenchmark -> docs/benchmarks-sampler.md
#   benchmarks/run-jmh.sh data        # BatchAssemblyBenchmark -> docs/benchmarks-data.md
#   benchmarks/run-jmh.sh policies    # PolicyDecisionBenchmark + AdoRefitBenchmark -> docs/benchmarks-policies.md
#   benchmarks/run-jmh.sh lfr         # LfrBenchmark + LfrSelectBenchmark (with -prof gc) -> docs/benchmarks-lfr.md
#   benchmarks/run-jmh.sh ingest      # IngestBenchmark + TokenizerBenchmark -> docs/benchmarks-ingest.md
# The sampler and lfr suites also draw their scaling curves as PNG into docs/benchmarks/<suite>/.
# Extra JMH options may follow the suite name (for example -f 1 -wi 2 -i 3).
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-sampler}"; shift || true
case "$suite" in
  sampler) pattern='SamplerBenchmark|WeightChangeBenchmark'; title='Sampler throughput and weight-change cost'
    note='SamplerBenchmark: one op = one (domain, block) draw, K domains of 10^6 blocks, batches of 1,024, allocation RANDOM (independent alias draws), EXACT (each batch apportioned by floors and keyed systematic sampling of the remainders, then shuffled) or GROUPED (independent draws from alias tables over groups of 16 domains, one level per 16x) (targets, RANDOM: >= 40 M draws/s at K = 256 and >= 20 M at K = 65,536). Its limit is the keyed hash of every draw plus one read of a K-entry array where it points. WeightChangeBenchmark: changeWeightsAndDraw = a new mixture (every weight changed) plus one draw, i.e. the flat alias-table rebuild (target: <= 20 ms at K = 10^6); stepWithNewWeights against stepWithSameWeights = a step of 512 draws with and without a new mixture; its limit is one read of the new mixture'"'"'s K weights, which any change of every weight must make. SparseWeightChangeBenchmark: a weight change every step when few weights move: GROUPED draws from LiveWeights in steps of 512, in blocks of 512 steps that alternate between `changed` weights set before every step (domains and values from a keyed hash) and none, each step timed: stepMicros = a step with the changes, stepMicrosLimit = a step without, both in the same fork (whole forks here run up to a third faster or slower than others, more than the effect), the first 64 steps of each block not counted (they finish rebuilding the groups the block before changed); the share of limit is the step without the change over the step with it (target: a change every step costs <= 10% of a step at K = 65,536: a share >= 0.91).' ;;
  data) pattern='BatchAssemblyBenchmark'; title='Batch assembly from memory-mapped shards'
    note='One op = one token copied into the batch buffer: batches of 32 x (1,024 + 1) uint16 tokens, blocks drawn at random from the demo corpus (2 MB of text per main domain, in the page cache), single thread (target: >= 200 M tokens/s). Its limit is System.arraycopy of the same bytes (2 a token), a block at a time, out of an 8 MB short array.' ;;
  policies) pattern='PolicyDecisionBenchmark|AdoRefitBenchmark'; title='Per-step cost of each policy decision path'
    note='PolicyDecisionBenchmark: one op = one step of a policy: signalsFor, the observations it requested (synthetic), mixture and loss weights, at K domains (target: <= 10 us at K = 64). Every registered policy; a policy added later gets a parameter value in PolicyDecisionBenchmark. ADO starts afresh every 10,000 steps and is fitted once per start; AdoRefitBenchmark: one op = one ADO step that refits every domain over a history of that many steps (ms).' ;;
  lfr) pattern='LfrBenchmark|LfrSelectBenchmark'; title='LFR: recording block losses and phase-boundary selection'
    note='LfrBenchmark: record = one block loss recorded at a random block of a 10^7-block store (target >= 50 M blocks/s); select = choosing the hardest half of 10^7 visited blocks through the policy. LfrSelectBenchmark: one op = choosing the hardest half of N visited blocks from a memory-mapped store (a file of 8 bytes a block, 800 MB at 10^8) by the radix threshold search over the loss bits and one collecting pass (target: <= 1 s and <= 4 bytes of scratch a block at 10^8); its limit reads every block'"'"'s mean once. The :allocated rows are bytes allocated per op (JMH -prof gc), the kept list (4 bytes a kept block) included.' ;;
  ingest) pattern='IngestBenchmark|TokenizerBenchmark'; title='Ingestion by source format, and the tokenizers'
    note='Real text: documents taken in turn from the eight domains of ../shared/corpora (8 MB for IngestBenchmark, 1 MB for TokenizerBenchmark). IngestBenchmark: one op = one whole ingestion on one thread with the byte tokenizer, so the rows compare the formats, not a tokenizer: plain text, JSONL, a Hugging Face save_to_disk directory (Arrow stream), Parquet (zstd, read through DuckDB), and a Megatron .bin/.idx of the same documents attached in place (index and vocabulary scans, bytes counted by decoding). TokenizerBenchmark: one op = one document encoded with GPT-2 byte-level BPE by jtokkit or by the Hugging Face tokenizers library (DJL), one thread. The :bytes rows are the UTF-8 text bytes per second (per core). IngestBenchmark'"'"'s limit reads and decodes the same input (decompressing Parquet) without tokenising or writing: the cost of the format alone.' ;;
  *) echo "unknown suite '$suite'; known: sampler, data, policies, lfr, ingest" >&2; exit 2 ;;
esac
mvn -q -B -ntp -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results
json="benchmarks/results/$suite.json"
# JMH_RENDER_ONLY=1 keeps the last result in benchmarks/results/ and only renders the page
if [ -z "${JMH_RENDER_ONLY:-}" ]; then
  profile=()
  if [ "$suite" = lfr ]; then profile=(-prof gc); fi
  java -jar benchmarks/target/benchmarks.jar "$pattern" "${profile[@]}" -rf json -rff "$json" "$@"
fi
java -cp benchmarks/target/benchmarks.jar dev.datamix.benchmarks.report.JmhMarkdown \
  "$json" "docs/benchmarks/$suite" "docs/benchmarks-$suite.md" "$title" \
  "benchmarks/run-jmh.sh $suite${*:+ $*}" "$note"
java -cp benchmarks/target/benchmarks.jar dev.datamix.benchmarks.report.ScalingCurves \
  "$suite" "docs/benchmarks/$suite"
echo "wrote docs/benchmarks-$suite.md (raw result in docs/benchmarks/$suite/)"
