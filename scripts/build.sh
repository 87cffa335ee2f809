#!/usr/bin/env bash
# One command: set up (if needed) and build the site into dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python build.py build "$@"
