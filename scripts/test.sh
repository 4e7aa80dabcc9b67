#!/usr/bin/env bash
# Install everything the tests need, then run them all.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools for the browser, print and benchmark tests (Debian/Ubuntu).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v hugo >/dev/null 2>&1 || need+=(hugo)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  echo "installing ${need[*]} with apt-get"
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq "${need[@]}" >/dev/null
fi

# axe-core for the accessibility checks, pinned in tests/package.json.
if [ -f tests/package.json ] && [ ! -f tests/node_modules/axe-core/axe.min.js ]; then
  (cd tests && npm ci --no-audit --no-fund --silent)
fi

# A fresh virtual environment with Legwork and its test extras.
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
