#!/usr/bin/env bash
# Quick start: system packages, release build, then `plan simulate` on the embedded default
# scenario (table on stdout, run stored in plan-runs.sqlite, plots in plots/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
.build/release/plan simulate "$@"
