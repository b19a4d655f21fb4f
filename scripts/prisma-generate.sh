#!/usr/bin/env bash
# `prisma generate` needs no schema engine, but the CLI tries to download one at start.
# Where no engine is installed (no internet here), point it at any existing file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ] && ! ls node_modules/@prisma/engines/schema-engine-* >/dev/null 2>&1; then
  export PRISMA_SCHEMA_ENGINE_BINARY="$PWD/package.json"
fi
exec npx --no-install prisma generate "$@"
