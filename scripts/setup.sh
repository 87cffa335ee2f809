#!/usr/bin/env bash
# Sets up a fresh machine for Feel Again: a virtualenv in .venv with the engine (and, with --test,
# the test tools, Debian's chromium, Java and the pinned npm QA tools). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true

if [ "$want_test" = 1 ]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
  command -v node >/dev/null 2>&1 || need+=(nodejs npm)
  # pdftotext/pdftoppm: the print tests read the PDF that chromium prints of /print/.
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing with apt: ${need[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  .venv/bin/python -m pip install --quiet -e '.[test]'
  # Pinned axe-core, vnu-jar and lighthouse from package-lock.json; never downloads a browser.
  npm ci --no-audit --no-fund --loglevel=error
else
  .venv/bin/python -m pip install --quiet -e .
fi
