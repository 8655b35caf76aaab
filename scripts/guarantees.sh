#!/usr/bin/env bash
# After the test run: every test tests/GUARANTEES.md names must have run and passed (each case of a theory). Prints the
# guarantee index with each row's state and the security tier's tried/violations table; exits 1 when a row is not green.
# Usage: scripts/guarantees.sh <dir with .trx files> [security tier report .tsv]
set -uo pipefail
cd "$(dirname "$0")/.."
results="$1"; tier="${2:-}"
outcomes=$(mktemp); trap 'rm -f "$outcomes"' EXIT
# "Class.Method outcome" for every result (namespace and theory arguments dropped).
cat "$results"/*.trx 2>/dev/null | grep -o 'testName="[^"]*"[^>]*outcome="[A-Za-z]*"' \
  | sed -E 's/^testName="([^"(]*)[^"]*".*outcome="([A-Za-z]*)"$/\1 \2/' \
  | awk '{ n = split($1, p, "."); print p[n-1] "." p[n], $2 }' | sort | uniq -c >"$outcomes"

state() { # prints ok|missing|failed for one Class.Method
  local name="$1" passed failed
  passed=$(awk -v n="$name" '$2 == n && $3 == "Passed" { s += $1 } END { print s + 0 }' "$outcomes")
  failed=$(awk -v n="$name" '$2 == n && $3 != "Passed" { s += $1 } END { print s + 0 }' "$outcomes")
  if [ "$failed" -gt 0 ]; then echo failed; elif [ "$passed" -gt 0 ]; then echo ok; else echo missing; fi
}

red=0
echo "== guarantee index (tests/GUARANTEES.md)"
section=""
while IFS= read -r line; do
  case "$line" in "## "*) section="${line#\#\# }"; continue ;; esac
  [[ "$line" == "| "* ]] || continue
  row=$(cut -d'|' -f2 <<<"$line" | xargs)
  [[ "$row" == "ID" || "$row" == "Skill" || "$row" == -* ]] && continue
  names=$(grep -oE '`[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9_]*`' <<<"$line" | tr -d '`' | sort -u)
  bad=()
  for n in $names; do s=$(state "$n"); [ "$s" = ok ] || bad+=("$n ($s)"); done
  count=$(wc -w <<<"$names")
  if [ ${#bad[@]} -eq 0 ]; then printf '  ok    %-16s %3d tests\n' "$row" "$count"
  else red=1; printf '  RED   %-16s %s\n' "$row" "${bad[*]}"; fi
done < tests/GUARANTEES.md

if [ -n "$tier" ] && [ -f "$tier" ]; then
  echo "== security tier (generated from the skill catalogue)"
  printf '  %-28s %6s %6s %10s\n' probe skills tried violations
  awk -F'\t' '{ skills[$1] += 1; tried[$1] += $3; bad[$1] += $4 }
    END { for (p in tried) printf "  %-28s %6d %6d %10d\n", p, skills[p], tried[p], bad[p] }' "$tier" | sort
  awk -F'\t' '$4 > 0 { exit 1 }' "$tier" || red=1
fi
exit $red
