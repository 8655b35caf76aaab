#!/usr/bin/env bash
# /audit-cost against kstack-sim --generate pods=N merged with the audit-cost scenario (its Prometheus behind the service
# proxy): cold and warm, beside /cluster-status cold in the same run, and the number of PromQL requests of a cold run
# (target: 3 at every N — the queries aggregate by (namespace, pod, container), they never grow with the pods).
# Writes the "audit-cost" section of bench/RESULTS.md. Usage: bench/audit-cost.sh [N...]   (default: 1000 10000 50000)
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
  log="$work/audit-$n.log"
  start_sim "$kc" --scenario audit-cost --generate "pods=$n,seed=1" --audit-log "$log"
  export KUBECONFIG=$kc
  root="$work/root-$n"
  runs=5; [ "$n" -ge 50000 ] && runs=3
  hyperfine -N --runs "$runs" --export-json "$work/c-$n.json" \
    --prepare "rm -rf $root" -n cold-cluster-status "env KSTACK_ROOT=$root $K cluster-status" \
    --prepare "rm -rf $root" -n cold-audit "env KSTACK_ROOT=$root $K audit-cost" >/dev/null
  KSTACK_ROOT=$root $K audit-cost >/dev/null
  hyperfine -N --warmup 2 --runs 10 --export-json "$work/w-$n.json" -n warm-audit "env KSTACK_ROOT=$root $K audit-cost" >/dev/null
  median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"; }
  cs=$(median "$work/c-$n.json" cold-cluster-status); cold=$(median "$work/c-$n.json" cold-audit); warm=$(median "$work/w-$n.json" warm-audit)
  rm -rf "$root"; rss_cold=$(peak_rss_mb env KSTACK_ROOT="$root" $K audit-cost); rss_warm=$(peak_rss_mb env KSTACK_ROOT="$root" $K audit-cost)
  rm -rf "$root"; : >"$log"
  out=$(KSTACK_ROOT=$root $K audit-cost)
  promql=$(grep -c '/proxy/api/v1/query' "$log" || true)
  chars=$(jq -r .content <<<"$out" | wc -c)
  findings=$(jq -r '.agent_context | fromjson | .counts.findings' <<<"$out")
  objects=$(jq -r .content <<<"$out" | sed -n 's/.* · \([0-9]*\) objects read.*/\1/p')
  ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
  rows+="| $n | $objects | $(ms "$cs") | $(ms "$cold") | $(ratio "$cold" "$cs") | $(ms "$warm") | $rss_cold / $rss_warm | $promql | $findings | $chars |"$'\n'
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  echo "N=$n done" >&2
done

replace_section audit-cost bench/RESULTS.md <<MD
## /audit-cost against kstack-sim --generate

Command: \`bench/audit-cost.sh ${sizes[*]}\` ($(machine_line); load average before the run: $load_before). Medians in
ms (hyperfine; cold = empty cache, warm = cache hit). The generated pods are merged with the audit-cost scenario, whose
Prometheus serves series for that scenario's pods only (the generated ones have metrics-server usage, which Prometheus
being present does not use), so the pod, workload and node lists dominate. PromQL = requests to Prometheus in one cold
run (target: 3 at every size). Ratio = audit cold ÷ cluster-status cold (target ≤ 1.5×). Peak RSS in MB (cold / warm;
target < 150 MB at 50,000 pods). Content = characters of the summary (target: flat in N).

| pods | objects read | cold cluster-status | cold audit | ratio | warm audit | audit RSS MB | PromQL | findings | content chars |
|---|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}
MD
echo "wrote bench/RESULTS.md" >&2
