#!/usr/bin/env bash
# /audit-network against kstack-sim --generate pods=N: cold and warm, beside /cluster-status cold in the same run.
# Writes the "audit-network" section of bench/RESULTS.md. Usage: bench/audit-network.sh [N...]   (default: 1000 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
K=$PWD/artifacts/bin/kstack
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for n in "${sizes[@]}"; do
  kc="$work/kc-$n"
  start_sim "$kc" --scenario healthy --generate "pods=$n,seed=1"
  export KUBECONFIG=$kc
  root="$work/root-$n"
  runs=5; [ "$n" -ge 50000 ] && runs=3
  hyperfine -N --runs "$runs" --export-json "$work/c-$n.json" \
    --prepare "rm -rf $root" -n cold-cluster-status "env KSTACK_ROOT=$root $K cluster-status" \
    --prepare "rm -rf $root" -n cold-audit "env KSTACK_ROOT=$root $K audit-network" >/dev/null
  KSTACK_ROOT=$root $K audit-network >/dev/null
  hyperfine -N --warmup 2 --runs 10 --export-json "$work/w-$n.json" -n warm-audit "env KSTACK_ROOT=$root $K audit-network" >/dev/null
  median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"; }
  cs=$(median "$work/c-$n.json" cold-cluster-status); cold=$(median "$work/c-$n.json" cold-audit); warm=$(median "$work/w-$n.json" warm-audit)
  rm -rf "$root"; rss_cold=$(peak_rss_mb env KSTACK_ROOT="$root" $K audit-network); rss_warm=$(peak_rss_mb env KSTACK_ROOT="$root" $K audit-network)
  out=$(KSTACK_ROOT=$root $K audit-network)
  chars=$(jq -r .content <<<"$out" | wc -c)
  findings=$(jq -r '.agent_context | fromjson | .counts.findings' <<<"$out")
  objects=$(jq -r .content <<<"$out" | sed -n 's/.* · \([0-9]*\) objects read.*/\1/p')
  ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
  rows+="| $n | $objects | $(ms "$cs") | $(ms "$cold") | $(ratio "$cold" "$cs") | $(ms "$warm") | $rss_cold / $rss_warm | $findings | $chars |"$'\n'
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  echo "N=$n done" >&2
done

replace_section audit-network bench/RESULTS.md <<MD
## /audit-network against kstack-sim --generate

Command: \`bench/audit-network.sh ${sizes[*]}\` ($(machine_line); load average before the run: $load_before). Medians in
ms (hyperfine; cold = empty cache, warm = cache hit). The generated cluster has pods, nodes and workloads but no Services,
NetworkPolicies or Ingresses beyond the healthy scenario's, so the pod list dominates (every generated namespace is one
NET-NETPOL-NAMESPACE-UNCOVERED finding). Ratio = audit cold ÷ cluster-status cold (target ≤ 1.5×). Peak RSS in MB
(cold / warm; target < 150 MB at 50,000 pods). Content = characters of the summary (target: flat in N).

| pods | objects read | cold cluster-status | cold audit | ratio | warm audit | audit RSS MB | findings | content chars |
|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}
MD
echo "wrote bench/RESULTS.md" >&2
