#!/usr/bin/env bash
# Whole-process start-up of `kstack --version` and `kstack forget --context bench` (empty KSTACK_ROOT), with
# /bin/true as the baseline in the same hyperfine run. Rewrites only the startup section of bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

bin=artifacts/bin/kstack
results=bench/RESULTS.md
begin='<!-- startup:begin -->'
end='<!-- startup:end -->'

for tool in hyperfine jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/startup.sh: $tool is required (apt-get install $tool)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "bench/startup.sh: $bin not found; run \`make build-kstack\` first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KSTACK_ROOT="$work/root" HOME="$work/home" KUBECONFIG="$work/no-kubeconfig"
unset KSTACK_KUBE_CONTEXT KSTACK_DEBUG
mkdir -p "$KSTACK_ROOT" "$HOME"

# Each timed run of forget starts from an empty root (the prepare step is not timed).
prepare="find $KSTACK_ROOT -mindepth 1 -delete"
load=$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
cmd=(hyperfine -N --warmup 5 --runs 50 --prepare "$prepare" --export-json "$work/startup.json"
     -n baseline /bin/true
     -n version "$bin --version"
     -n forget "$bin forget --context bench")
"${cmd[@]}" >&2

# Milliseconds with one decimal; ratio of medians to the baseline.
ms() { jq -r --arg n "$1" --arg f "$2" '.results[] | select(.command == $n) | .[$f] * 1000 | . * 10 | round / 10' "$work/startup.json"; }
ratio() { jq -r --arg n "$1" '(.results[] | select(.command == $n) | .median) / (.results[] | select(.command == "baseline") | .median) | . * 10 | round / 10' "$work/startup.json"; }
row() {
  printf '| `%s` | %s ms | %s ms ± %s ms | %s ms | %s ms | %s× |\n' \
    "$2" "$(ms "$1" median)" "$(ms "$1" mean)" "$(ms "$1" stddev)" "$(ms "$1" min)" "$(ms "$1" max)" "$(ratio "$1")"
}
met() { jq -r --arg n "$1" '.results[] | select(.command == $n) | if .median < 0.030 then "met" else "NOT met" end' "$work/startup.json"; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
section=$(cat <<EOF
$begin
## Start-up

Measured by \`bench/startup.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git rev-parse --short HEAD 2>/dev/null || echo unknown)\`.
Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr); load average before the run: $load (other jobs share these cores).

Command (with \`KSTACK_ROOT\` = an empty temp root, emptied before every timed run; isolated \`HOME\`; \`KUBECONFIG\` = a missing file):

\`\`\`
hyperfine -N --warmup 5 --runs 50 --prepare 'find \$KSTACK_ROOT -mindepth 1 -delete' --export-json startup.json \\
  /bin/true '$bin --version' '$bin forget --context bench'
\`\`\`

| Command | Median | Mean ± σ | Min | Max | Median ÷ \`/bin/true\` |
|---|---|---|---|---|---|
$(row baseline /bin/true)
$(row version "kstack --version")
$(row forget "kstack forget --context bench")

Target under 30 ms median: \`--version\` $(met version), \`forget\` $(met forget).
$end
EOF
)

printf '%s\n' "$section" | sed '1d;$d' | replace_section startup "$results"
echo "bench/startup.sh: wrote the start-up section of $results" >&2
