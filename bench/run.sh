#!/usr/bin/env bash
# All benchmarks: start-up, the simulator and kubectl baseline, the update check on a warm /cluster-status, then /cluster-status, /events and /audit-security at 1k, 10k and 50k
# pods. Writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/startup.sh
bench/sim.sh
bench/update.sh
bench/monitor.sh "$@"
bench/audit.sh "$@"
