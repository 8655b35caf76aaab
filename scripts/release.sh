#!/usr/bin/env bash
# Writes <out>/kstack-<version>-<rid>.tar.gz and <out>/SHA256SUMS from artifacts/bin (a NativeAOT build).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$1 rid=$2 out=$3
bin=artifacts/bin/kstack
[ -x "$bin" ] || { echo "release: $bin is missing; run make build" >&2; exit 1; }
# A framework-dependent build has kstack.dll beside it; a release ships the single native binary only.
[ ! -f artifacts/bin/kstack.dll ] || { echo "release: artifacts/bin holds a framework-dependent build; install clang for NativeAOT" >&2; exit 1; }
name="kstack-$version-$rid"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name/schemas" "$out"
cp "$bin" "$stage/$name/kstack"
cp schemas/response.schema.json "$stage/$name/schemas/"
cp LICENSE README.md "$stage/$name/"
# Same inputs, same bytes: fixed order, owner and time (the commit's).
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" | gzip -n -9 >"$out/$name.tar.gz.tmp"
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
cp scripts/install.sh "$out/install.sh"
(cd "$out" && sha256sum kstack-*.tar.gz >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
echo "$out/$name.tar.gz"
cat "$out/SHA256SUMS"
