#!/usr/bin/env bash
# Starts kstack-sim with the embedded demo cluster, runs /cluster-status and /events against it, prints what a person
# would read (with --raw: the envelopes too), then stops the simulator. With --keep the simulator stays up and the
# script prints the KUBECONFIG line to point kubectl or an agent at it (`make sim`).
set -euo pipefail
cd "$(dirname "$0")/.."
raw=0; keep=0
for a in "$@"; do
  [ "$a" = "--raw" ] && raw=1
  [ "$a" = "--keep" ] && keep=1
done
work=$(mktemp -d "${TMPDIR:-/tmp}/kstack-demo.XXXXXX")
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

artifacts/bin/kstack-sim --scenario demo --kubeconfig "$work/kubeconfig" >"$work/ready" 2>"$work/sim.log" &
sim_pid=$!
for _ in $(seq 1 300); do
  grep -q '^ready ' "$work/ready" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "kstack-sim failed to start:" >&2; cat "$work/sim.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^ready ' "$work/ready" || { echo "kstack-sim did not become ready" >&2; exit 1; }
echo "kstack-sim: $(cat "$work/ready") (scenario: demo)"

export KUBECONFIG="$work/kubeconfig" KSTACK_ROOT="$work/root" HOME="$work/home"
content_of() {
  if command -v jq >/dev/null 2>&1; then jq -r 'if .status == "ok" then .content else "error (" + .kind + "): " + .message end'
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import json,sys; e=json.load(sys.stdin); print(e["content"] if e["status"]=="ok" else "error (%s): %s" % (e["kind"], e["message"]))'
  else cat; fi
}
for skill in cluster-status events; do
  envelope=$(artifacts/bin/kstack "$skill")
  printf '\n━━━ /%s ━━━\n' "$skill"
  content_of <<<"$envelope"
  if [ "$raw" = 1 ]; then printf '\n── envelope ──\n%s\n' "$envelope"; fi
done

if [ "$keep" = 1 ]; then
  trap - EXIT
  cat <<EOT

kstack-sim keeps running (pid $sim_pid, scenario demo). Point kubectl, kstack or your agent at it:

  export KUBECONFIG=$work/kubeconfig

Then start your agent from that shell (it inherits KUBECONFIG) and type /kstack-cluster-status.
Stop the simulator with: kill $sim_pid && rm -rf $work
EOT
fi
