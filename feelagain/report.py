"""Printing problems for editors: the one place that turns BuildFailed into lines on stderr.

Used by the command line and by the dev server, so both say the same thing the same way.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import BuildError, BuildFailed

WARNINGS_PER_RULE = 20  # beyond this many warnings of one rule, the first few and a count say enough
WARNINGS_SHOWN = 5


def warning_lines(warnings: list[BuildError] | tuple[BuildError, ...], verbose: bool = False) -> list[str]:
    """Return the lines that report warnings, in file order: all of them, or for a rule with more than
    WARNINGS_PER_RULE, the first WARNINGS_SHOWN and one line with how many more (a 1,000-page site can
    otherwise print thousands of lines and hide the one that matters)."""
    ordered = sorted(warnings, key=BuildError.sort_key)
    by_rule: dict[str, int] = {}
    for warning in ordered:
        by_rule[warning.rule] = by_rule.get(warning.rule, 0) + 1
    lines, shown = [], dict.fromkeys(by_rule, 0)
    for warning in ordered:
        if verbose or by_rule[warning.rule] <= WARNINGS_PER_RULE or shown[warning.rule] < WARNINGS_SHOWN:
            lines.append(f"warning: {warning}")
            shown[warning.rule] += 1
    for rule, count in by_rule.items():
        if count > shown[rule]:
            name = f'"{rule}" ' if rule else ""
            lines.append(f"warning: … and {count - shown[rule]} more {name}warnings like these "
                         "(--verbose shows all of them)")
    return lines


def display(path: Path) -> str:
    """Return a folder as the editor typed it: relative to the working directory when inside it, with a slash."""
    try:
        return str(path.resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


def print_problems(failed: BuildFailed, out_dir: str | None, verbose: bool = False) -> None:
    """Print every problem as 'path:line: problem — fix', then the summary line (out_dir None: a check)."""
    for line in warning_lines(failed.warnings, verbose):
        print(line, file=sys.stderr)
    for error in failed.errors:
        print(error, file=sys.stderr)
    count = len(failed.errors)
    problems = f"{count} problem{'s' if count != 1 else ''}"
    if out_dir is None:
        print(f"Check failed: {problems}; nothing was written", file=sys.stderr)
    else:
        print(f"Build failed: {problems}; {out_dir} was left unchanged", file=sys.stderr)
