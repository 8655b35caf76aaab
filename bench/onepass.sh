#!/usr/bin/env bash
# Before/after for a change on the fetch path, in one run of the machine: cold /cluster-status, /events and
# /audit-security of two kstack binaries beside the keep-alive download floor (bench/floor), with peak RSS.
# Usage: bench/onepass.sh BEFORE_BINARY [N...]   (default N: 10000 50000). Build BEFORE_BINARY from the older commit
# (e.g. `git worktree add /tmp/before <commit> && make -C /tmp/before build-kstack`). Writes the "onepass" section.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
before=$(readlink -f "$1"); shift
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10000 50000)
after=$PWD/artifacts/bin/kstack
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT
dotnet publish bench/floor/Floor.csproj -c Release -o "$work/floor" >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for n in "${sizes[@]}"; do
  kc="$work/kc-$n"
  start_sim "$kc" --scenario healthy --generate "pods=$n,seed=1"
  export KUBECONFIG=$kc
  sim_credentials "$kc" "$work"; token=$SIM_TOKEN
  root="$work/root-$n"
  runs=5; [ "$n" -ge 50000 ] && runs=3
  args=(-n floor "$work/floor/kstack-floor $SIM_URL $token $work/ca.crt /version /api/v1/nodes /api/v1/pods /apis/apps/v1/replicasets@meta /apis/batch/v1/jobs@meta")
  for skill in cluster-status events audit-security; do
    args+=(--prepare "rm -rf $root" -n "before-$skill" "env KSTACK_ROOT=$root $before $skill")
    args+=(--prepare "rm -rf $root" -n "after-$skill" "env KSTACK_ROOT=$root $after $skill")
  done
  hyperfine -N --runs "$runs" --export-json "$work/h-$n.json" --prepare true "${args[@]}" >/dev/null
  median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median' "$work/h-$n.json"; }
  ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
  floor=$(median floor)
  for skill in cluster-status events audit-security; do
    b=$(median "before-$skill"); a=$(median "after-$skill")
    rm -rf "$root"; rb=$(peak_rss_mb env KSTACK_ROOT="$root" "$before" "$skill")
    rm -rf "$root"; ra=$(peak_rss_mb env KSTACK_ROOT="$root" "$after" "$skill")
    rows+="| $n | $skill | $(ms "$floor") | $(ms "$b") | $(ms "$a") | $(ratio "$b" "$floor") → $(ratio "$a" "$floor") | $rb → $ra |"$'\n'
  done
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  echo "N=$n done" >&2
done

replace_section onepass bench/RESULTS.md <<MD
## One pass over the wire: before and after, against the keep-alive floor

Command: \`bench/onepass.sh <before binary> ${sizes[*]}\` ($(machine_line); load average before the run: $load_before).
Cold runs (empty cache), medians in ms. "floor" (bench/floor, NativeAOT) downloads the lists /cluster-status reads,
pages of 500 following continue, over one keep-alive HTTP/2 client, parsing nothing. Before = $(basename "$before")
built from the commit before the change; after = this tree. Peak RSS in MB.

| pods | skill | floor | before | after | vs floor | RSS MB |
|---|---|---|---|---|---|---|
${rows%$'\n'}
MD
echo "wrote bench/RESULTS.md" >&2
