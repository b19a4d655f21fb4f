#!/usr/bin/env bash
# `npm test`: every check a reviewer would run, against real components.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

cleanup() {
  MANDATE_DATA_DIR=.data/test-integration node bin/mandate.js db stop-embedded >/dev/null 2>&1 || true
}
trap cleanup EXIT

step() { printf '\n=== %s\n' "$*"; }
step "lint";        npx --no-install eslint .
step "typecheck";   npx --no-install tsc --noEmit
step "domains";     node --import tsx scripts/check-domain-cycles.ts
step "unit";        npx --no-install vitest run --project unit
step "integration"; npx --no-install vitest run --project integration
step "e2e";         bash scripts/test-e2e.sh
step "all checks passed"
