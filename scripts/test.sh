#!/usr/bin/env bash
# One command: set up (if needed) and run every test: unit, integration, dev server and real-browser suites.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# The bundled content must pass the linter with warnings as errors.
.venv/bin/python build.py check --strict
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
