# Shared helpers for bench scripts (sourced).

# Benchmarks measure kstack, not the NuGet feed: the once-a-day update check is measured on its own by bench/update.sh.
export KSTACK_NO_UPDATE_CHECK=1

# replace_section NAME FILE < content — rewrites the part of FILE between <!-- NAME:begin --> and <!-- NAME:end -->.
replace_section() {
  local name=$1 file=$2 body tmp
  body=$(cat)
  tmp=$(mktemp)
  [ -f "$file" ] || printf '# Benchmark results\n\nFigures are whole-process measurements on the development machine; every ratio compares runs made in the same session.\n' >"$file"
  if grep -q "<!-- $name:begin -->" "$file"; then
    awk -v name="$name" -v body="$body" '
      $0 == "<!-- " name ":begin -->" { print; print body; skip = 1; next }
      $0 == "<!-- " name ":end -->" { skip = 0 }
      !skip { print }' "$file" >"$tmp"
  else
    cp "$file" "$tmp"
    printf '\n<!-- %s:begin -->\n%s\n<!-- %s:end -->\n' "$name" "$body" "$name" >>"$tmp"
  fi
  mv "$tmp" "$file"
}

machine_line() {
  printf '%s cores, %s, %s' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" "$(date -u +%Y-%m-%d)"
}

# peak_rss_mb CMD... — runs CMD once under GNU time and prints its peak resident set size in MB.
peak_rss_mb() {
  /usr/bin/time -f '%M' -o /tmp/kstack-bench-rss "$@" >/dev/null 2>&1 || true
  awk '{ printf "%.0f", $1 / 1024 }' /tmp/kstack-bench-rss
}

# start_sim KUBECONFIG ARGS... — starts kstack-sim in the background, waits for "ready", sets SIM_PID and SIM_URL.
start_sim() {
  local kc=$1; shift
  local out; out=$(mktemp)
  artifacts/bin/kstack-sim --kubeconfig "$kc" "$@" >"$out" 2>/dev/null &
  SIM_PID=$!
  for _ in $(seq 1 1200); do grep -q '^ready ' "$out" && break; sleep 0.1; done
  SIM_URL=$(sed -n 's/^ready //p' "$out")
  [ -n "$SIM_URL" ] || { echo "kstack-sim did not start" >&2; return 1; }
}

# sim_credentials KUBECONFIG DIR — sets SIM_TOKEN and writes the simulator's CA to DIR/ca.crt (for the download floor).
sim_credentials() {
  SIM_TOKEN=$(grep -m1 'token:' "$1" | awk '{print $2}' | tr -d '"')
  grep -m1 'certificate-authority-data' "$1" | awk '{print $2}' | base64 -d >"$2/ca.crt"
}
