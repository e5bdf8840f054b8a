#!/usr/bin/env bash
# DGA where its paper makes its claims, on real text: scarce target-like data (the two most
# target-like domains capped at 200 training blocks) and fine-grained domains (32 k-means
# clusters, DGA over 4 basis distributions); natural and importance sampling beside it, both
# forms of DGA's moving average, 3 seeds. Writes shootouts/dga-regimes.
#   benchmarks/run-dga-regimes.sh [--seeds 1,2,3] [--cluster-seeds 1,2] [--cap 200] [--clusters 32]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-dga-regimes.sh $*" exec "$(dirname "$0")/run-evidence.sh" DgaRegimesEvidence shootouts/dga-regimes "$@"
