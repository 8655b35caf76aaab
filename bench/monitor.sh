#!/usr/bin/env bash
# /cluster-status and /events against kstack-sim --generate pods=N: kstack cold and warm, the original's kubectl+jq
# pipeline, and the download floor (bench/floor: the lists /cluster-status reads, every page over one keep-alive HTTP/2
# client, nothing parsed). Writes the "monitor" section of
# bench/RESULTS.md. Usage: bench/monitor.sh [N...]   (default: 1000 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
K=$PWD/artifacts/bin/kstack
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT

# The reference implementation's approach: three kubectl calls in parallel, then a jq summary.
cat >"$work/kubectl-jq.sh" <<'SH'
#!/usr/bin/env bash
set -e
d=$(mktemp -d)
kubectl version -o json >"$d/cluster.json" 2>/dev/null &
kubectl get nodes -o json >"$d/nodes.json" &
kubectl get pods -A -o json >"$d/pods.json" &
wait
jq -r '[.items[] | select(.status.conditions[]? | select(.type=="Ready" and .status=="True"))] | length' "$d/nodes.json" >/dev/null
jq -r '[.items[] | select(.status.phase != "Succeeded")] as $p | [$p[] | select([.status.containerStatuses[]?.ready] | all)] | length' "$d/pods.json" >/dev/null
rm -rf "$d"
SH
chmod +x "$work/kubectl-jq.sh"

# The floor: bench/floor (NativeAOT, like kstack) downloads the lists /cluster-status reads, pages of 500 following
# continue, over one keep-alive HTTP/2 client, the lists concurrently; it parses nothing and writes nothing.
dotnet publish bench/floor/Floor.csproj -c Release -o "$work/floor" >/dev/null
FLOOR="$work/floor/kstack-floor"
FLOOR_LISTS="/version /api/v1/nodes /api/v1/pods /apis/apps/v1/replicasets@meta /apis/batch/v1/jobs@meta"

rows=""
for n in "${sizes[@]}"; do
  kc="$work/kc-$n"
  t0=$(date +%s.%N)
  start_sim "$kc" --scenario healthy --generate "pods=$n,seed=1"
  export KUBECONFIG=$kc
  sim_credentials "$kc" "$work"; token=$SIM_TOKEN
  root="$work/root-$n"
  runs=5; [ "$n" -ge 50000 ] && runs=3
  hyperfine -N --runs "$runs" --export-json "$work/h-$n.json" \
    --prepare "rm -rf $root" -n cold-cluster-status "env KSTACK_ROOT=$root $K cluster-status" \
    --prepare "rm -rf $root" -n cold-events "env KSTACK_ROOT=$root $K events" \
    --prepare true -n floor "$FLOOR $SIM_URL $token $work/ca.crt $FLOOR_LISTS" >/dev/null
  kruns=$runs; [ "$n" -ge 50000 ] && kruns=1
  hyperfine -N --runs "$kruns" --export-json "$work/k-$n.json" -n kubectl-jq "$work/kubectl-jq.sh" >/dev/null
  KSTACK_ROOT=$root $K cluster-status >/dev/null; KSTACK_ROOT=$root $K events >/dev/null
  hyperfine -N --warmup 2 --runs 20 --export-json "$work/w-$n.json" \
    -n warm-cluster-status "env KSTACK_ROOT=$root $K cluster-status" -n warm-events "env KSTACK_ROOT=$root $K events" >/dev/null
  median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"; }
  cold_cs=$(median "$work/h-$n.json" cold-cluster-status); cold_ev=$(median "$work/h-$n.json" cold-events)
  floor=$(median "$work/h-$n.json" floor); kj=$(median "$work/k-$n.json" kubectl-jq)
  warm_cs=$(median "$work/w-$n.json" warm-cluster-status); warm_ev=$(median "$work/w-$n.json" warm-events)
  rm -rf "$root"; rss_cold=$(peak_rss_mb env KSTACK_ROOT="$root" $K cluster-status); rss_warm=$(peak_rss_mb env KSTACK_ROOT="$root" $K cluster-status)
  rss_kj=$(peak_rss_mb "$work/kubectl-jq.sh")
  rss_sim=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SIM_PID/status" 2>/dev/null || echo "?")
  size_cs=$(KSTACK_ROOT=$root $K cluster-status | jq -r .content | wc -c); size_ev=$(KSTACK_ROOT=$root $K events | jq -r .content | wc -c)
  ms() { awk -v s="$1" 'BEGIN { printf "%.0f", s * 1000 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
  rows+="| $n | $(ms "$cold_cs") | $(ms "$cold_ev") | $(ms "$warm_cs") | $(ms "$warm_ev") | $(ms "$floor") | $(ms "$kj") | $(ratio "$kj" "$cold_cs") | $(ratio "$cold_cs" "$floor") | $rss_cold / $rss_warm | $rss_kj | $size_cs / $size_ev |"$'\n'
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  echo "N=$n done ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.0f", b-a}') s)" >&2
done

replace_section monitor bench/RESULTS.md <<MD
## /cluster-status and /events against kstack-sim --generate

Command: \`bench/monitor.sh ${sizes[*]}\` ($(machine_line)). Medians in ms (hyperfine; cold = empty cache, warm = cache hit).
"floor" (bench/floor) downloads the same lists over one keep-alive HTTP/2 client (pages of 500, following continue) and
parses nothing; "kubectl+jq" is the original's approach
(three \`kubectl get -o json\` in parallel, then jq). Speed-up = kubectl+jq ÷ kstack cold; floor ratio = kstack cold ÷ floor.
Peak RSS in MB (cold / warm). Content = characters of the summary (cluster-status / events).

| pods | cold status | cold events | warm status | warm events | floor | kubectl+jq | speed-up | vs floor | kstack RSS MB | kubectl+jq RSS MB | content chars |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}
MD
echo "wrote bench/RESULTS.md" >&2
