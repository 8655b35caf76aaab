#!/usr/bin/env bash
# All benchmarks: start-up, then /cluster-status and /events at 1k, 10k and 50k pods. Writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/startup.sh
bench/monitor.sh "$@"
