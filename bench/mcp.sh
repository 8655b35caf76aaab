#!/usr/bin/env bash
# "Is the cluster healthy, and what is broken?" over MCP, against kstack-sim --generate pods=N, for kstack and the two
# peer servers the issue names, all in one run:
#   kstack mcp                    cluster_status (cold cache, then warm)
#   kubernetes-mcp-server 0.0.67  pods_list + events_list, and its cluster-health-check prompt
#   mcp-server-kubernetes 4.1.7   kubectl_get pods + kubectl_get events (all namespaces)
# Tokens the model receives are counted with gpt-tokenizer 4.0.0 (o200k_base) over each JSON-RPC result as the client
# receives it; times are wall time per request from the client; start-up is spawn → initialize answer. Peers and the
# tokenizer are installed pinned under tools/bench-mcp (their own npm prefix, so the test tools are never pruned).
# Writes the "mcp" section of bench/RESULTS.md. Usage: bench/mcp.sh [N...]   (default: 1000 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
K=$PWD/artifacts/bin/kstack
work=$(mktemp -d)
trap '[ -n "${SIM_PID:-}" ] && kill $SIM_PID 2>/dev/null; rm -rf "$work"' EXIT

peers=$PWD/tools/bench-mcp
if [ ! -f "$peers/node_modules/mcp-server-kubernetes/package.json" ] || [ ! -f "$peers/node_modules/kubernetes-mcp-server/package.json" ]; then
  mkdir -p "$peers"
  npm install --prefix "$peers" --silent --no-audit --no-fund \
    gpt-tokenizer@4.0.0 kubernetes-mcp-server@0.0.67 mcp-server-kubernetes@4.1.7 >/dev/null
fi
TOKENIZER=$peers/node_modules/gpt-tokenizer/cjs/encoding/o200k_base.js
tokens() { node --max-old-space-size=8192 -e "const {encode}=require('$TOKENIZER');console.log(encode(require('fs').readFileSync(process.argv[1],'utf8')).length)" "$1"; }
KMS=$peers/node_modules/.bin/kubernetes-mcp-server
MSK=$peers/node_modules/mcp-server-kubernetes/dist/index.js

# One stdio session: initialize, tools/list, then each request of CALLS in order. Writes list.json and call<i>.json
# (each result, or the JSON-RPC error, as received) to OUT and prints "<ms to initialize answer> <ms per call>...".
cat >"$work/session.py" <<'PY'
import json, subprocess, sys, time
out, calls = sys.argv[1], json.loads(sys.argv[2]); cmd = sys.argv[sys.argv.index("--") + 1:]
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def send(o): p.stdin.write(json.dumps(o) + "\n"); p.stdin.flush()
def answer(i):
    while True:
        line = p.stdout.readline()
        if not line: raise SystemExit(f"server closed stdout before answering request {i}")
        try: m = json.loads(line)
        except ValueError: continue
        if m.get("id") == i: return m["result"] if "result" in m else {"error": m.get("error")}
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
answer(1); times = [f"{(time.monotonic() - t0) * 1000:.0f}"]
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
open(out + "/list.json", "w").write(json.dumps(answer(2), separators=(",", ":"), ensure_ascii=False))
for k, (kind, name, args) in enumerate(calls):
    t1 = time.monotonic()
    method = "tools/call" if kind == "tool" else "prompts/get"
    send({"jsonrpc": "2.0", "id": 10 + k, "method": method, "params": {"name": name, "arguments": args}})
    open(f"{out}/call{k}.json", "w").write(json.dumps(answer(10 + k), separators=(",", ":"), ensure_ascii=False))
    times.append(f"{(time.monotonic() - t1) * 1000:.0f}")
p.stdin.close()
try: p.wait(timeout=10)
except subprocess.TimeoutExpired: p.kill()
print(" ".join(times))
PY

# answer FILE — tokens of a result, or "failed: <message>" when the server answered with an error.
answer() {
  if jq -e '.error // (select(.isError == true))' "$1" >/dev/null 2>&1; then
    printf 'failed: %s' "$(jq -r '(.error.message // .content[0].text // "error") | .[0:90]' "$1")"
  else tokens "$1"; fi
}
num() { [[ $1 =~ ^[0-9]+$ ]] && echo "$1" || echo ""; }

rows=""; list_row=""
for n in "${sizes[@]}"; do
  kc=$work/kc-$n
  start_sim "$kc" --scenario healthy --generate "pods=$n"
  mkdir -p "$work/k" "$work/kms" "$work/msk" "$work/root-$n"
  read -r k_init k_cold k_warm < <(KUBECONFIG=$kc KSTACK_ROOT=$work/root-$n HOME=$work python3 "$work/session.py" "$work/k" \
    '[["tool","cluster_status",{}],["tool","cluster_status",{}]]' -- "$K" mcp)
  read -r kms_init kms_pods kms_events kms_prompt < <(KUBECONFIG=$kc python3 "$work/session.py" "$work/kms" \
    '[["tool","pods_list",{}],["tool","events_list",{}],["prompt","cluster-health-check",{}]]' -- "$KMS" --kubeconfig "$kc")
  read -r msk_init msk_pods msk_events < <(KUBECONFIG=$kc python3 "$work/session.py" "$work/msk" \
    '[["tool","kubectl_get",{"resourceType":"pods","allNamespaces":true}],["tool","kubectl_get",{"resourceType":"events","allNamespaces":true}]]' -- node "$MSK")
  # What the model is given: Claude Code and Codex pass JSON.stringify(structuredContent) when it is present (the text
  # content is dropped: anthropics/claude-code#55677, openai/codex#2594); OpenCode passes the content blocks only.
  jq -c .structuredContent "$work/k/call0.json" >"$work/k/structured.json"; jq -c .content "$work/k/call0.json" >"$work/k/content.json"
  k_whole=$(answer "$work/k/call0.json"); k_struct=$(tokens "$work/k/structured.json"); k_content=$(tokens "$work/k/content.json")
  k_tokens=$(( k_struct > k_content ? k_struct : k_content ))
  kms_p=$(answer "$work/kms/call0.json"); kms_e=$(answer "$work/kms/call1.json"); kms_h=$(answer "$work/kms/call2.json")
  msk_p=$(answer "$work/msk/call0.json"); msk_e=$(answer "$work/msk/call1.json")
  best=""
  for t in "$( [ -n "$(num "$kms_p")" ] && [ -n "$(num "$kms_e")" ] && echo $((kms_p + kms_e)) )" "$(num "$kms_h")" \
           "$( [ -n "$(num "$msk_p")" ] && [ -n "$(num "$msk_e")" ] && echo $((msk_p + msk_e)) )"; do
    [ -n "$t" ] && { [ -z "$best" ] || [ "$t" -lt "$best" ]; } && best=$t
  done
  ratio=$([ -n "$best" ] && awk -v b="$best" -v k="$k_tokens" 'BEGIN{printf "%.0f×", b / k}' || echo "–")
  kms_sum=$([ -n "$(num "$kms_p")" ] && [ -n "$(num "$kms_e")" ] && echo "$((kms_p + kms_e)) ($kms_p + $kms_e)" || echo "$kms_p + $kms_e")
  msk_sum=$([ -n "$(num "$msk_p")" ] && [ -n "$(num "$msk_e")" ] && echo "$((msk_p + msk_e)) ($msk_p + $msk_e)" || echo "$msk_p / $msk_e")
  rows+="| $n | **$k_struct** / $k_content / $k_whole | $kms_sum | $kms_h | $msk_sum | $ratio | $k_cold / $k_warm | $((kms_pods + kms_events)) / $kms_prompt | $((msk_pods + msk_events)) | $k_init / $kms_init / $msk_init |"$'\n'
  if [ -z "$list_row" ]; then
    list_row="| kstack | $(jq '.tools | length' "$work/k/list.json") | $(tokens "$work/k/list.json") |"$'\n'
    list_row+="| kubernetes-mcp-server 0.0.67 | $(jq '.tools | length' "$work/kms/list.json") | $(tokens "$work/kms/list.json") |"$'\n'
    list_row+="| mcp-server-kubernetes 4.1.7 | $(jq '.tools | length' "$work/msk/list.json") | $(tokens "$work/msk/list.json") |"
  fi
  kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
  rm -rf "$work/k" "$work/kms" "$work/msk"
done

replace_section mcp bench/RESULTS.md <<EOF
## MCP: tokens the model receives for "is the cluster healthy, and what is broken"

Command: \`bench/mcp.sh ${sizes[*]}\` ($(machine_line), load $(cut -d' ' -f1 /proc/loadavg) at the end), commit \`$(git rev-parse --short HEAD)\`.
Tokens by gpt-tokenizer 4.0.0 (o200k_base) over each JSON-RPC result as the client receives it; every server ran against
the same simulator in the same run, default options, stdio, protocol 2025-06-18. The peers answer with content only;
for kstack the columns split what each client hands the model, and the ratio uses the larger of the two.

\`tools/list\` per server (default tool sets):

| Server | Tools | Tokens |
|---|---|---|
$list_row

| Pods | kstack \`cluster_status\`: structuredContent (Claude Code, Codex) / content (OpenCode) / whole result | kubernetes-mcp-server \`pods_list\` + \`events_list\` | its \`cluster-health-check\` prompt | mcp-server-kubernetes \`kubectl_get\` pods + events | best peer ÷ kstack | kstack call ms (cold / warm) | kubernetes-mcp-server ms (tools / prompt) | mcp-server-kubernetes ms | start → initialize ms (kstack / kms / msk) |
|---|---|---|---|---|---|---|---|---|---|
${rows%$'\n'}
EOF
echo "bench/mcp.sh: wrote the mcp section of bench/RESULTS.md"
