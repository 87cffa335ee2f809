"""Printing problems for editors: the one place that turns BuildFailed into lines on stderr.

Used by the command line and by the dev server, so both say the same thing the same way.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import BuildFailed


def display(path: Path) -> str:
    """Return a folder as the editor typed it: relative to the working directory when inside it, with a slash."""
    try:
        return str(path.resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


def print_problems(failed: BuildFailed, out_dir: str | None) -> None:
    """Print every problem as 'path:line: problem — fix', then the summary line (out_dir None: a check)."""
    for warning in failed.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in failed.errors:
        print(error, file=sys.stderr)
    count = len(failed.errors)
    problems = f"{count} problem{'s' if count != 1 else ''}"
    if out_dir is None:
        print(f"Check failed: {problems}; nothing was written", file=sys.stderr)
    else:
        print(f"Build failed: {problems}; {out_dir} was left unchanged", file=sys.stderr)
