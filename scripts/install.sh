#!/bin/sh
# kstack installer: downloads a release archive, checks its SHA-256 against the release's SHA256SUMS before anything is
# unpacked, and installs the kstack binary. Needs only sh, curl (or wget), tar and sha256sum (or shasum).
#
# Usage: install.sh [--version <v>] [--dir <bin dir>] [--base-url <releases url>]
#   --version   release to install (default: the latest)
#   --dir       where the kstack binary goes (default: $KSTACK_INSTALL_DIR, else ~/.local/bin)
#   --base-url  releases URL (default: $KSTACK_RELEASE_BASE, else the project's GitHub releases); files are read from
#               <base>/download/v<version>/ and, for the latest, <base>/latest/download/
# Then run `kstack install` to put the skills into your agents.
set -eu

base="${KSTACK_RELEASE_BASE:-https://github.com/kstack-dotnet/kstack/releases}"
dir="${KSTACK_INSTALL_DIR:-${HOME:-}/.local/bin}"
version=""

fail() { printf 'kstack install: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || fail "--version needs a value"; version=$2; shift 2 ;;
    --version=*) version=${1#*=}; shift ;;
    --dir) [ $# -ge 2 ] || fail "--dir needs a value"; dir=$2; shift 2 ;;
    --dir=*) dir=${1#*=}; shift ;;
    --base-url) [ $# -ge 2 ] || fail "--base-url needs a value"; base=$2; shift 2 ;;
    --base-url=*) base=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown option: $1 (see --help)" ;;
  esac
done
version=${version#v}
case "$version" in
  ''|[0-9]*) ;;
  *) fail "not a version: $version" ;;
esac
case "$version" in *[!0-9A-Za-z.+-]*) fail "not a version: $version" ;; esac
[ -n "$dir" ] || fail "no install directory: set --dir or HOME"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=osx ;;
  *) fail "no release archive for $(uname -s); install the .NET tool instead: dotnet tool install -g kstack" ;;
esac
case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) fail "no release archive for $(uname -m); install the .NET tool instead: dotnet tool install -g kstack" ;;
esac
rid="$os-$arch"

if command -v curl >/dev/null 2>&1; then fetch() { curl -fsSL --retry 2 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then fetch() { wget -q -O "$2" "$1"; }
else fail "needs curl or wget"; fi
if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else fail "needs sha256sum or shasum to verify the download"; fi

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t kstack)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

if [ -n "$version" ]; then release="$base/download/v$version"; else release="$base/latest/download"; fi
fetch "$release/SHA256SUMS" "$tmp/SHA256SUMS" || fail "could not download $release/SHA256SUMS"

# The sums name the archive, and so the version when none was asked for.
line=$(grep -E "^[0-9a-f]{64}  kstack-[0-9][0-9A-Za-z.+-]*-$rid\.tar\.gz\$" "$tmp/SHA256SUMS" | head -n 1 || true)
[ -n "$line" ] || fail "release has no archive for $rid (see $release/SHA256SUMS)"
expected=${line%% *}
file=${line##* }
found=${file#kstack-}; found=${found%-"$rid".tar.gz}
[ -z "$version" ] || [ "$found" = "$version" ] || fail "SHA256SUMS of v$version lists $file"
version=$found

fetch "$release/$file" "$tmp/$file" || fail "could not download $release/$file"
actual=$(sha256 "$tmp/$file")
[ "$actual" = "$expected" ] || fail "checksum mismatch for $file (expected $expected, got $actual); nothing was installed"

mkdir "$tmp/x"
tar -xzf "$tmp/$file" -C "$tmp/x" || fail "could not unpack $file; nothing was installed"
binary="$tmp/x/kstack-$version-$rid/kstack"
[ -f "$binary" ] || fail "$file holds no kstack-$version-$rid/kstack; nothing was installed"

mkdir -p "$dir" || fail "cannot create $dir"
cp "$binary" "$dir/.kstack.$$.tmp" || fail "cannot write to $dir"
chmod 755 "$dir/.kstack.$$.tmp"
mv -f "$dir/.kstack.$$.tmp" "$dir/kstack"

echo "kstack $version installed: $dir/kstack"
case ":${PATH:-}:" in
  *":$dir:"*) echo "Next: kstack install   (puts the skills into your agents)" ;;
  *) echo "Next: add $dir to PATH, then run: kstack install   (puts the skills into your agents)" ;;
esac
