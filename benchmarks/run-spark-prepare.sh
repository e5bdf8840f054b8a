#!/usr/bin/env bash
# Corpus preparation throughput: prepare on 1 and 2 threads against Spark local[1] and local[2],
# on the same text (the first 8 MB of four domains of ../shared/corpora), in one run.
# Writes docs/spark/prepare.json, docs/spark/prepare.md and the curve docs/spark/prepare-vs-threads.png.
#   benchmarks/run-spark-prepare.sh [--repeats 3]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared/corpora/text}"
input=$(mktemp -d)
trap 'rm -rf "$input"' EXIT
for d in prose email techdocs code_java; do
  # head closes the pipe early; zcat's SIGPIPE is expected
  { zcat "$shared/$d.train.txt.gz" || true; } | head -c 8000000 > "$input/$d.txt"
done
./datamix-spark --help > /dev/null # builds the module and its class path
. ./native-env.sh
java -Dai.djl.offline=true $(cat mixing-spark/jvm-options.txt) -Xmx4g \
  -cp "mixing-spark/target/classes:$(cat mixing-spark/target/classpath.txt)" \
  dev.datamix.spark.PrepareThroughput --input "$input" --out docs/spark \
  --command "benchmarks/run-spark-prepare.sh${*:+ $*}" "$@"
mvn -q -B -ntp -pl benchmarks -am package -DskipTests
java -cp benchmarks/target/benchmarks.jar dev.datamix.benchmarks.report.ScalingCurves spark docs/spark
