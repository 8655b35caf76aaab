#!/usr/bin/env bash
# Warm /cluster-status (a snapshot cache hit against kstack-sim) with the update check off, with a fresh update.json
# (the normal case: one small file read), and with a stale one (older than 24 h: the inline 2 s-bounded check against
# a local versions feed, every run). Rewrites only the update-check section of bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

K=$PWD/artifacts/bin/kstack
results=bench/RESULTS.md
for tool in hyperfine jq python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/update.sh: $tool is required" >&2; exit 1; }
done
[ -x "$K" ] || { echo "bench/update.sh: $K not found; run \`make build\` first" >&2; exit 1; }

work=$(mktemp -d)
cleanup() { [ -z "${SIM_PID:-}" ] || kill "$SIM_PID" 2>/dev/null || true; [ -z "${FEED_PID:-}" ] || kill "$FEED_PID" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
load=$(cut -d" " -f1-3 /proc/loadavg)

# A local versions feed (NuGet flat-container shape) that lists a newer release.
mkdir -p "$work/feed/kstack"
echo '{"versions":["0.0.1","99.0.0"]}' >"$work/feed/kstack/index.json"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/feed" >/dev/null 2>&1 &
FEED_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/kstack/index.json" >/dev/null && break; sleep 0.1; done

start_sim "$work/kc" --scenario healthy
export KUBECONFIG=$work/kc HOME=$work/home KSTACK_ROOT=$work/root KSTACK_UPDATE_FEED=http://127.0.0.1:$port/kstack/index.json
unset KSTACK_NO_UPDATE_CHECK
mkdir -p "$HOME"
state=$KSTACK_ROOT/state/global/update.json
"$K" cluster-status >/dev/null   # fills the snapshot cache (TTL 15m) and update.json
# hyperfine -N runs prepare commands without a shell: the stale state is written by a script.
printf '#!/bin/sh\nprintf %%s %s > %s\n' \
  "'{\"last_check\":\"2000-01-01T00:00:00+00:00\",\"latest_known\":\"99.0.0\",\"last_notice\":\"2000-01-01T00:00:00+00:00\"}'" "$state" >"$work/stale.sh"
chmod +x "$work/stale.sh"
stale="$work/stale.sh"

# hyperfine pairs the prepare commands with the commands in order; "fresh" runs on the update.json the first run left.
cmd=(hyperfine -N --warmup 5 --runs 40 --export-json "$work/update.json"
     --prepare true --prepare true --prepare "$stale"
     -n off "env KSTACK_NO_UPDATE_CHECK=1 $K cluster-status"
     -n fresh "$K cluster-status"
     -n stale "$K cluster-status")
"${cmd[@]}" >&2
notice=$("$stale"; "$K" cluster-status | jq -r '.notice // "none"')

ms() { jq -r --arg n "$1" --arg f "$2" '.results[] | select(.command == $n) | .[$f] * 1000 | . * 10 | round / 10' "$work/update.json"; }
row() { printf '| %s | %s ms | %s ms ± %s ms | %s ms | %s ms |\n' "$2" "$(ms "$1" median)" "$(ms "$1" mean)" "$(ms "$1" stddev)" "$(ms "$1" min)" "$(ms "$1" max)"; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
section=$(cat <<MD
## Update check on a warm /cluster-status

Measured by \`bench/update.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`.
Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr); load average before the run: $load.
Every run is a snapshot cache hit of \`kstack cluster-status\` against \`kstack-sim --scenario healthy\`; the versions
feed is a local \`python3 -m http.server\` (\`KSTACK_UPDATE_FEED\`).

\`\`\`
hyperfine -N --warmup 5 --runs 40 \\
  --prepare true --prepare true --prepare '<write update.json last checked in 2000>' \\
  -n off 'env KSTACK_NO_UPDATE_CHECK=1 kstack cluster-status' -n fresh 'kstack cluster-status' -n stale 'kstack cluster-status'
\`\`\`

| update.json | Median | Mean ± σ | Min | Max |
|---|---|---|---|---|
$(row off "check off (\`KSTACK_NO_UPDATE_CHECK=1\`)")
$(row fresh "fresh (checked < 24 h ago): reads update.json only")
$(row stale "stale (> 24 h): asks the feed inline, 2 s cap")

The stale case happens at most once per 24 h per install root. The notice it added:

> $notice
MD
)
printf '%s\n' "$section" | replace_section update-check "$results"
echo "bench/update.sh: wrote the update-check section of $results" >&2
