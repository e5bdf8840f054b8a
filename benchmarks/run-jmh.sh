#!/usr/bin/env bash
# Builds the benchmarks jar and runs a JMH suite, then writes its Markdown table into docs/.
#   benchmarks/run-jmh.sh sampler     # SamplerBenchmark + WeightChangeBenchmark -> docs/benchmarks-sampler.md
# Extra JMH options may follow the suite name (for example -f 1 -wi 2 -i 3).
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${1:-sampler}"; shift || true
case "$suite" in
  sampler) pattern='SamplerBenchmark|WeightChangeBenchmark'; title='Sampler throughput and weight-change cost' ;;
  *) echo "unknown suite '$suite'; known: sampler" >&2; exit 2 ;;
esac
mvn -q -B -ntp -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/results
json="benchmarks/results/$suite.json"
java -jar benchmarks/target/benchmarks.jar "$pattern" -rf json -rff "$json" "$@"
java -cp benchmarks/target/benchmarks.jar dev.datamix.benchmarks.report.JmhMarkdown \
  "$json" "docs/benchmarks-$suite.md" "$title" "benchmarks/run-jmh.sh $suite${*:+ $*}"
echo "wrote docs/benchmarks-$suite.md"
