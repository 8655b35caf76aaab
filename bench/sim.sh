#!/usr/bin/env bash
# kstack-sim under --generate pods=N: time to "ready", peak RSS, and the baseline our skills are compared with —
# real kubectl's `get pods -A -o json` against it. Writes the "sim" section of bench/RESULTS.md.
# Usage: bench/sim.sh [N...]   (default: 1000 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT
rows=""
for n in "${sizes[@]}"; do
  kc="$work/kc-$n"
  t0=$(date +%s.%N)
  start_sim "$kc" --scenario minimal --generate "pods=$n,seed=1"
  ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  t1=$(date +%s.%N)
  bytes=$(KUBECONFIG=$kc kubectl get pods -A -o json | wc -c)
  kubectl_s=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  kubectl_rss=$(peak_rss_mb env KUBECONFIG="$kc" kubectl get pods -A -o json)
  sim_rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SIM_PID/status")
  rows+="| $n | $ready | $sim_rss | $kubectl_s | $kubectl_rss | $((bytes / 1048576)) |"$'\n'
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  echo "N=$n done" >&2
done
replace_section sim bench/RESULTS.md <<MD
## kstack-sim at scale, and the kubectl baseline

Command: \`bench/sim.sh ${sizes[*]}\` ($(machine_line)). "ready" is wall time from start to the \`ready\` line
(generation included); sim RSS is its peak after serving one full \`kubectl get pods -A -o json\`, which is timed once.

| pods | ready s | sim peak RSS MB | kubectl get pods -A -o json s | kubectl peak RSS MB | output MB |
|---|---|---|---|---|---|
${rows%$'\n'}
MD
echo "wrote bench/RESULTS.md" >&2
