#!/usr/bin/env bash
# One command: set up (if needed), run the code checks, then every test: unit, integration, dev server and
# real-browser suites. Fast tier only: bash scripts/test.sh -m "not slow and not browser"
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
# Code checks (configured in pyproject.toml): lint rules, types, and the import contracts (layers, independence).
.venv/bin/ruff check
.venv/bin/mypy
.venv/bin/lint-imports
# The bundled content must pass the linter with warnings as errors.
.venv/bin/python build.py check --strict
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
