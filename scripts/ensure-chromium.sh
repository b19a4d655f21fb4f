#!/usr/bin/env bash
# Prints the path of a Chromium for Playwright, installing Debian's package when none is found.
# (`npx playwright install` cannot download browsers on these machines.)
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" "$(command -v chromium || true)" "$(command -v chromium-browser || true)" "$(command -v google-chrome || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
echo "No Chromium found: installing Debian's chromium package…" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq chromium >&2
command -v chromium
