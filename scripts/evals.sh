#!/usr/bin/env bash
# The evals tier (`make evals`, opt-in): a real agent CLI with kstack installed, against kstack-sim, scored by the
# deterministic rubric of each case in tests/evals/<name>/ (prompt.md, scenario, rubric.json; see its README).
#   scripts/evals.sh [--runs N] [--agent claude|codex]... [name...]
# Runs each case N times (default 3) per agent that is installed and has a key (claude + ANTHROPIC_API_KEY or
# CLAUDE_CODE_OAUTH_TOKEN; codex + OPENAI_API_KEY or CODEX_API_KEY), keeps every transcript and score under
# artifacts/evals/, and prints the pass rate per case and agent. Without any such agent it says so and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=3; agents=(); cases=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --agent) agents+=("$2"); shift 2 ;;
    -*) echo "evals: unknown flag $1" >&2; exit 2 ;;
    *) cases+=("$1"); shift ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "evals: --runs takes a positive number" >&2; exit 2; }
[ ${#cases[@]} -gt 0 ] || for d in tests/evals/*/; do [ -f "$d/rubric.json" ] && cases+=("$(basename "$d")"); done

available() {
  case $1 in
    claude) command -v claude >/dev/null 2>&1 && [ -n "${ANTHROPIC_API_KEY:-}${CLAUDE_CODE_OAUTH_TOKEN:-}" ] ;;
    codex) command -v codex >/dev/null 2>&1 && [ -n "${OPENAI_API_KEY:-}${CODEX_API_KEY:-}" ] ;;
    *) return 1 ;;
  esac
}
[ ${#agents[@]} -gt 0 ] || agents=(claude codex)
usable=()
for a in "${agents[@]}"; do available "$a" && usable+=("$a"); done
if [ ${#usable[@]} -eq 0 ]; then
  echo "evals: no agent CLI with an API key (claude with ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, codex with OPENAI_API_KEY or CODEX_API_KEY); nothing run"
  exit 0
fi

K=$PWD/artifacts/bin/kstack
SIM=$PWD/artifacts/bin/kstack-sim
[ -x "$K" ] && [ -x "$SIM" ] || { echo "evals: build first (make build)" >&2; exit 2; }
out=$PWD/artifacts/evals/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
table=""

# one CASE AGENT RUN — prints pass|fail|error.
one() {
  local name=$1 agent=$2 i=$3 dir=tests/evals/$1 work sim_pid scenario prompt transcript
  work=$(mktemp -d); transcript=$out/$name/$agent-$i.jsonl; mkdir -p "$out/$name"
  scenario=$(tr -d '[:space:]' <"$dir/scenario")
  [ -d "tests/scenarios/$scenario" ] && scenario=tests/scenarios/$scenario
  "$SIM" --scenario "$scenario" --kubeconfig "$work/kubeconfig" --audit-log "$out/$name/$agent-$i.audit.jsonl" >"$work/sim.out" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 200); do grep -q '^ready ' "$work/sim.out" && break; sleep 0.1; done
  mkdir -p "$work/home" "$work/project"
  prompt=$(cat "$dir/prompt.md")
  (
    export HOME=$work/home KUBECONFIG=$work/kubeconfig KSTACK_ROOT=$work/root KSTACK_NO_UPDATE_CHECK=1 PATH=$(dirname "$K"):$PATH
    cd "$work/project"
    "$K" install --global --agent "$agent" --quiet >/dev/null 2>&1
    case $agent in
      claude) timeout 900 claude -p "$prompt" --output-format stream-json --verbose </dev/null >"$transcript" 2>"$transcript.stderr" ;;
      codex) timeout 900 codex exec --json --skip-git-repo-check --sandbox workspace-write \
               -c sandbox_workspace_write.network_access=true "$prompt" </dev/null >"$transcript" 2>"$transcript.stderr" ;;
    esac
  )
  kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null
  rm -rf "$work"
  scripts/eval-score.sh "$dir/rubric.json" "$transcript" >"$out/$name/$agent-$i.score.json"
  case $? in 0) echo pass ;; 1) echo fail ;; *) echo error ;; esac
}

for name in "${cases[@]}"; do
  [ -f "tests/evals/$name/rubric.json" ] || { echo "evals: no case tests/evals/$name" >&2; exit 2; }
  for agent in "${usable[@]}"; do
    passed=0 errors=0
    for i in $(seq 1 "$runs"); do
      r=$(one "$name" "$agent" "$i")
      [ "$r" = pass ] && passed=$((passed + 1)); [ "$r" = error ] && errors=$((errors + 1))
      echo "evals: $name · $agent · run $i: $r"
    done
    first=$(cat "$out/$name/$agent"-*.score.json 2>/dev/null | jq -rs '[.[].failures[]?.why] | first // ""')
    table+="| $name | $agent | $passed/$runs | $errors | ${first:0:80} |"$'\n'
  done
done

printf '\n| Case | Agent | Passed | Unscored | A failed rule |\n|---|---|---|---|---|\n%s' "$table"
echo "evals: transcripts and scores in $out"
