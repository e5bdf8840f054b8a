#!/usr/bin/env bash
# DGA vs importance, natural and uniform toward target_jargon on real text, 3 seeds, plus an
# overhead sweep.   benchmarks/run-dga.sh [--steps N] [--seeds 1,2,3] [--update-every T] [--learning-rate η] [--ema λ] [--sweep-steps N] [--sweep-only true]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-dga.sh $*" exec "$(dirname "$0")/run-evidence.sh" DgaEvidence shootouts/dga "$@"
