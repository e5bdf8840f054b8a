#!/usr/bin/env bash
# The leaderboard: every registered policy on one real-text configuration (five generic domains
# plus the target task, 600 steps, 3 seeds), paired against stratified sampling with 95%
# intervals. Runs the peers' and the mixing laws' harnesses where their outputs are missing, then
# its own shoot-out, and writes docs/leaderboard.md and the HTML report of every run.
#   benchmarks/run-leaderboard.sh [--seeds 1,2,3]
set -euo pipefail
cd "$(dirname "$0")/.."
DATAMIX_COMMAND="benchmarks/run-leaderboard.sh $*" \
  benchmarks/run-evidence.sh LeaderboardEvidence shootouts/leaderboard "$@"
runs=()
for s in shootouts/peers/shootout shootouts/mixlaws/shootout shootouts/leaderboard/shootout; do
  for r in "$s"/runs/*/; do
    name=$(basename "$r")
    # a baseline copied into a later shoot-out is reported once, from where it was trained
    if [[ " ${runs[*]-} " != *"/$name/ "* ]]; then runs+=("$r"); fi
  done
done
./datamix report "${runs[@]}" --title "datamix leaderboard: every policy, 3 seeds" \
  --out shootouts/leaderboard/report.html
