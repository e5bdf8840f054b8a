#!/usr/bin/env bash
# Velocitune vs proportional and uniform on real text (../shared/corpora), 3 seeds.
#   benchmarks/run-velocitune.sh [--steps N] [--seeds 1,2,3] [--domains a,b,c] [--pretrain-steps N]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-velocitune.sh $*" exec "$(dirname "$0")/run-evidence.sh" VelocituneEvidence shootouts/velocitune "$@"
