#!/usr/bin/env bash
# Aioli and the offline mixing-law family (swarm -> fit-mix -> proposal) against uniform
# (stratified), proportional and temperature 2 on real text, 3 seeds, then their costs.
#   benchmarks/run-mixing-laws.sh [--steps N] [--seeds 1,2,3] [--swarm-runs N] [--baselines DIR]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-mixing-laws.sh $*" exec "$(dirname "$0")/run-evidence.sh" MixingLawEvidence shootouts/mixlaws "$@"
