#!/usr/bin/env bash
# Runs every test project against the built binaries and prints the closing line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export KSTACK_BIN="$PWD/artifacts/bin/kstack"
export KSTACK_SIM_BIN="$PWD/artifacts/bin/kstack-sim"

# skills-ref (the Agent Skills reference validator) for the installer tests.
if [ ! -x tools/node_modules/.bin/skills-ref ]; then
  mkdir -p tools
  (cd tools && npm install --silent --no-audit --no-fund skills-ref@0.1.5 >/dev/null 2>&1) || echo "warning: npm install skills-ref failed" >&2
fi
export SKILLS_REF_BIN="$PWD/tools/node_modules/.bin/skills-ref"

results="$PWD/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
status=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  dotnet test "$proj" -c Release --nologo -v quiet --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    || status=1
done

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "a test project failed to build or run" >&2; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
