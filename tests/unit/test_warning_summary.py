"""Warnings beyond 20 of one rule are summarised; --verbose shows every one."""
from __future__ import annotations

from pathlib import PurePosixPath

from feelagain.errors import BuildError, SourceLocation
from feelagain.report import WARNINGS_PER_RULE, WARNINGS_SHOWN, warning_lines


def _warn(n: int, rule: str) -> BuildError:
    return BuildError(SourceLocation(PurePosixPath(f"content/p{n:03d}.md"), 3), f"problem {n}", "fix it", rule=rule)


def test_many_of_one_rule_are_summarised_others_kept() -> None:
    many = [_warn(n, "grade-page") for n in range(45)]
    few = [_warn(n, "long-sentence") for n in range(3)]
    lines = warning_lines(many + few)
    grade = [line for line in lines if "problem" in line and any(f"p{n:03d}" in line for n in range(45))]
    assert sum("p0" in line and "problem" in line for line in lines) == WARNINGS_SHOWN + 3
    assert lines[-1] == f'warning: … and {45 - WARNINGS_SHOWN} more "grade-page" warnings like these (--verbose shows all of them)'
    assert grade[0].startswith("warning: content/p000.md:3: problem 0")
    assert len(lines) == WARNINGS_SHOWN + 3 + 1


def test_up_to_the_limit_and_verbose_show_all() -> None:
    exact = [_warn(n, "grade-page") for n in range(WARNINGS_PER_RULE)]
    assert len(warning_lines(exact)) == WARNINGS_PER_RULE
    many = [_warn(n, "grade-page") for n in range(WARNINGS_PER_RULE + 1)]
    assert len(warning_lines(many, verbose=True)) == WARNINGS_PER_RULE + 1
    assert not any("more" in line for line in warning_lines(many, verbose=True))
