#!/usr/bin/env bash
# `kstack mcp` against kstack-sim --generate pods=N: tokens the model receives for tools/list and for the answer to "is
# the cluster healthy, and what is broken" (one cluster_status call), counted with gpt-tokenizer (o200k_base, npm,
# pinned), start-up to the initialize answer and the call's wall time (cold cache). For scale, the same count for the
# raw pod list a list-style MCP tool returns (`kubectl get pods -A -o json`). Writes the "mcp" section of
# bench/RESULTS.md. Usage: bench/mcp.sh [N...]   (default: 1000 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
K=$PWD/artifacts/bin/kstack
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT

if [ ! -f tools/node_modules/gpt-tokenizer/package.json ]; then
  mkdir -p tools && (cd tools && npm install --silent --no-audit --no-fund gpt-tokenizer@4.0.0 >/dev/null)
fi
TOKENIZER=$PWD/tools/node_modules/gpt-tokenizer/cjs/encoding/o200k_base.js
tokens() { node -e "const {encode}=require('$TOKENIZER');console.log(encode(require('fs').readFileSync(0,'utf8')).length)"; }

# One MCP session over stdio: initialize, tools/list, tools/call cluster_status; writes list.json and call.json (the
# results as the client receives them) and prints "<ms to initialize answer> <ms for the call>".
cat >"$work/session.py" <<'PY'
import json, subprocess, sys, time
kstack, out = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
p = subprocess.Popen([kstack, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def send(o): p.stdin.write(json.dumps(o) + "\n"); p.stdin.flush()
def answer(i):
    while True:
        m = json.loads(p.stdout.readline())
        if m.get("id") == i: return m["result"]
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
answer(1); t_init = time.monotonic()
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
open(out + "/list.json", "w").write(json.dumps(answer(2), separators=(",", ":"), ensure_ascii=False))
t1 = time.monotonic()
send({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "cluster_status", "arguments": {}}})
open(out + "/call.json", "w").write(json.dumps(answer(3), separators=(",", ":"), ensure_ascii=False))
t2 = time.monotonic()
p.stdin.close(); p.wait()
print(f"{(t_init - t0) * 1000:.0f} {(t2 - t1) * 1000:.0f}")
PY

rows=""
list_tokens=""
for n in "${sizes[@]}"; do
  kc=$work/kc-$n
  start_sim "$kc" --scenario healthy --generate "pods=$n"
  root=$work/root-$n; mkdir -p "$root"
  read -r init_ms call_ms < <(KUBECONFIG=$kc KSTACK_ROOT=$root HOME=$work python3 "$work/session.py" "$K" "$work")
  list_tokens=$(tokens <"$work/list.json")
  call_tokens=$(tokens <"$work/call.json")
  KUBECONFIG=$kc kubectl get pods -A -o json >"$work/pods.json"
  pods_tokens=$(tokens <"$work/pods.json")
  rows+="| $n | $call_tokens | $(( pods_tokens / (call_tokens > 0 ? call_tokens : 1) ))× | $pods_tokens | $init_ms | $call_ms |"$'\n'
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
done

replace_section mcp bench/RESULTS.md <<EOF
## \`kstack mcp\`: tokens the model receives

Command: \`bench/mcp.sh ${sizes[*]}\` ($(machine_line)), commit \`$(git rev-parse --short HEAD)\`. Tokens by gpt-tokenizer 4.0.0
(o200k_base) over the JSON-RPC result as the client receives it; times are one cold session (empty cache).

\`tools/list\` (8 tools with input and output schemas): **$list_tokens tokens** (peers measured in the issue: 5.4–6.0k).

| Pods | \`cluster_status\` answer (tokens) | raw pod list ÷ answer | \`kubectl get pods -A -o json\` (tokens) | start → initialize answer (ms) | cluster_status call, cold (ms) |
|---|---|---|---|---|---|
${rows%$'\n'}

The peer servers (kubernetes-mcp-server 0.0.67, mcp-server-kubernetes 4.1.7) are not run by this script yet; the raw
pod list stands in for what a list tool returns before any table formatting.
EOF
echo "bench/mcp.sh: wrote the mcp section of bench/RESULTS.md"
