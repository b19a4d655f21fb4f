#!/usr/bin/env bash
# Playwright against the production build, served by `mandate start` on a fresh embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# One e2e run at a time on a machine: they share the build directory and port 3100.
mkdir -p .data
exec 9>.data/e2e.lock
flock 9
CHROMIUM_PATH="$(bash scripts/ensure-chromium.sh)"
export CHROMIUM_PATH

node bin/mandate.js build --if-stale

export MANDATE_DATA_DIR=.data/e2e
cleanup() { node bin/mandate.js db stop-embedded >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
rm -rf .data/e2e
npx --no-install playwright test "$@"
