#!/usr/bin/env bash
# Runs every test project against the built binaries and prints the closing line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export KSTACK_BIN="$PWD/artifacts/bin/kstack"
export KSTACK_SIM_BIN="$PWD/artifacts/bin/kstack-sim"

# The npm tools the tests drive, installed together (one install never prunes another): skills-ref (the Agent Skills
# reference validator) for the installer tests; the SARIF Multitool for the audit SARIF tests (4.5.4's `validate`
# crashes in the Linux single-file build, microsoft/sarif-sdk#3013, so the fixed 5.7.0 Linux package); the MCP
# Inspector (its CLI mode) as an independent MCP client for the `kstack mcp` tests.
export SKILLS_REF_BIN="$PWD/tools/node_modules/.bin/skills-ref"
export SARIF_MULTITOOL_BIN="$PWD/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
export MCP_INSPECTOR_BIN="$PWD/tools/node_modules/.bin/mcp-inspector"
if [ ! -x "$SKILLS_REF_BIN" ] || [ ! -x "$SARIF_MULTITOOL_BIN" ] || [ ! -x "$MCP_INSPECTOR_BIN" ]; then
  mkdir -p tools
  (cd tools && npm install --silent --no-audit --no-fund skills-ref@0.1.5 @microsoft/sarif-multitool-linux@5.7.0 \
    @modelcontextprotocol/inspector@2.12.0 >/dev/null 2>&1) || echo "warning: npm install of the test tools failed" >&2
fi
# The .NET tool packages and the release archive, for the packaging and install-script tests.
if make -s pack >artifacts/pack.log 2>&1; then export KSTACK_PACKAGES="$PWD/artifacts/packages"
else echo "warning: make pack failed (artifacts/pack.log)" >&2; fi
if command -v clang >/dev/null 2>&1; then
  if scripts/release.sh "$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/Kstack/Kstack.csproj)" linux-x64 artifacts/release >artifacts/release.log 2>&1
  then export KSTACK_RELEASE_DIR="$PWD/artifacts/release"; else echo "warning: release archive failed (artifacts/release.log)" >&2; fi
fi

results="$PWD/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
export KSTACK_TIER_REPORT="$results/security-tier.tsv"
status=0
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  dotnet test "$proj" -c Release --nologo -v quiet --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    || status=1
done

# The e2e tier's checks against kstack-sim (the same script `make e2e` runs against a real cluster).
echo "== e2e (kstack-sim)"
tests/e2e/e2e.sh --sim >"$results/e2e-sim.log" 2>&1
grep '^not ok' -A1 "$results/e2e-sim.log" || true
e2e_line=$(tail -1 "$results/e2e-sim.log"); echo "$e2e_line"

passed=0; failed=0
if [[ $e2e_line =~ ^e2e:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  passed=${BASH_REMATCH[1]}; failed=${BASH_REMATCH[2]}
else failed=1; echo "the e2e tier did not finish: $results/e2e-sim.log" >&2; fi
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "a test project failed to build or run" >&2; fi
if ! scripts/guarantees.sh "$results" "$KSTACK_TIER_REPORT"; then
  failed=$((failed + 1)); echo "the guarantee index is not green: a test it names did not run or failed" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
