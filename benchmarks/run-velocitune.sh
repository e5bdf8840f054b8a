#!/usr/bin/env bash
# Velocitune in continual pre-training on real text (../shared/corpora), 3 seeds: proportional,
# Velocitune with oracle targets, with the workflow's targets, and the static mix at its average
# weights, from a base model trained --pretrain-steps (1500) on other domains.
#   benchmarks/run-velocitune.sh [--steps N] [--seeds 1,2,3] [--domains a,b,c] [--pretrain-steps N]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-velocitune.sh $*" exec "$(dirname "$0")/run-evidence.sh" VelocituneEvidence shootouts/velocitune "$@"
