#!/usr/bin/env bash
# Continual pre-training on real text: English prose then code; rewarm/replay/infinite-schedule
# variants and a union run.   benchmarks/run-continual.sh [--steps N] [--seed S]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-continual.sh $*" exec "$(dirname "$0")/run-evidence.sh" ContinualEvidence shootouts/continual "$@"
