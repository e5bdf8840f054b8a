#!/usr/bin/env bash
# DoReMi, ODM and ADO against uniform (stratified), proportional and temperature 2 on real text,
# 3 seeds, then the cost of DoReMi's reference signal on the fly and from a table.
#   benchmarks/run-peers.sh [--steps N] [--seeds 1,2,3] [--overhead-steps N] [--domains a,b]
DATAMIX_COMMAND="${OUT:+OUT=$OUT }benchmarks/run-peers.sh $*" exec "$(dirname "$0")/run-evidence.sh" PeersEvidence shootouts/peers "$@"
