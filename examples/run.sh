#!/usr/bin/env bash
# Runs one runnable example (building the command-line jar first if needed):
#   examples/run.sh NAME [--tiny] [--work=DIR]
# NAME: quick-start, continual, velocitune, dga, lfr, djl-trainer-loop, custom-policy, core-only.
# Output goes to target/examples/NAME unless --work is given; --tiny is the size CI runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
declare -A classes=(
  [quick-start]=dev.datamix.examples.quickstart.QuickStart
  [continual]=dev.datamix.examples.continual.ContinualReplay
  [velocitune]=dev.datamix.examples.velocitune.VelocituneWithFit
  [dga]=dev.datamix.examples.dga.DgaTowardTarget
  [lfr]=dev.datamix.examples.lfr.LfrPhases
  [djl-trainer-loop]=dev.datamix.examples.djlloop.OwnDjlTrainerLoop
  [custom-policy]=dev.datamix.examples.custompolicy.CustomPolicyExample
  [core-only]=dev.datamix.examples.coreonly.PolicyAsStateMachine
)
name="${1:-}"
if [ -z "$name" ] || [ -z "${classes[$name]:-}" ]; then
  echo "usage: examples/run.sh NAME [--tiny] [--work=DIR]; NAME is one of: ${!classes[*]}" >&2
  exit 2
fi
shift
jar="$root/examples/target/examples.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path "*/src/main/*" -newer "$jar" -print -quit)" ]; then
  (cd "$root" && mvn -q -B -ntp -pl examples -am install -DskipTests) >&2
fi
cd "$root"
. "$root/native-env.sh"
exec java -Dai.djl.offline=true ${DATAMIX_JAVA_OPTS:-} -cp "$jar" \
  "${classes[$name]}" "$@"
