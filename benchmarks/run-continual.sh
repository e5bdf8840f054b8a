#!/usr/bin/env bash
# Continual pre-training on real text: phase A (English prose) trained once and shared, then
# phase B (code) at several replay fractions, exact and i.i.d. allocation, against the union.
#   benchmarks/run-continual.sh [--steps-a N] [--steps-b N] [--seeds 1,2] [--replays 0,0.05,0.25]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-continual.sh $*" exec "$(dirname "$0")/run-evidence.sh" ContinualEvidence shootouts/continual "$@"
