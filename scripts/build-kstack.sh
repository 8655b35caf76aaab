#!/usr/bin/env bash
# Builds artifacts/bin/kstack. With clang: a NativeAOT publish that must produce no trim/AOT warning and a binary that
# starts and answers with an envelope; any of these failing fails the build (and so `make test`), never a silent
# fall-back. Without clang: a framework-dependent build (slower start-up), said on stderr.
set -uo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bin
rid=${RID:-linux-x64}
mkdir -p "$out"

if ! command -v clang >/dev/null 2>&1; then
  echo "clang not found: building kstack without NativeAOT (slower start-up); apt-get install clang for AOT" >&2
  dotnet publish src/Kstack/Kstack.csproj -c Release -o "$out" --nologo -v quiet -p:PublishAot=false || exit 1
  exit 0
fi

# Leftovers of a framework-dependent build would let a broken AOT publish pass for a working one.
rm -f "$out/kstack.dll" "$out/kstack.deps.json" "$out/kstack.runtimeconfig.json" "$out/kstack.pdb"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet publish src/Kstack/Kstack.csproj -c Release -r "$rid" -o "$out" --nologo -v minimal -clp:NoSummary \
  -p:PublishAot=true -p:IlcTreatWarningsAsErrors=true >"$log" 2>&1
status=$?
rm -f "$out/kstack.dbg"
# Trim analysis (IL2xxx), AOT analysis (IL3xxx) and ILC's own warnings.
if grep -Eq 'warning (IL[23][0-9]{3}|AOT)' "$log"; then
  grep -E 'warning (IL[23][0-9]{3}|AOT)' "$log" | sort -u >&2
  echo "NativeAOT publish of kstack produced trim/AOT warnings (above): fix them; the AOT build must stay warning-free." >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  cat "$log" >&2
  echo "NativeAOT publish of kstack failed (clang is present, so there is no fall-back)." >&2
  exit 1
fi
if [ -e "$out/kstack.dll" ]; then
  echo "NativeAOT publish left kstack.dll: the binary is not native." >&2
  exit 1
fi
version=$("$out/kstack" --version </dev/null 2>&1)
case "$version" in
  '{"kstack":"1","status":"ok"'*) ;;
  *) echo "the NativeAOT kstack does not start: $version" >&2; exit 1 ;;
esac
