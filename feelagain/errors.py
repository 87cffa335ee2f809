"""Errors as values: a location, what is wrong, and how to fix it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file, relative to the site folder."""

    path: PurePosixPath
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def at(self, line: int | None) -> SourceLocation:
        """Return the same file at another line."""
        return SourceLocation(self.path, line)


class BuildError(Exception):
    """A content or configuration mistake that an editor can fix."""

    def __init__(self, location: SourceLocation, problem: str, hint: str = "", *, rule: str = "") -> None:
        super().__init__(problem)
        self.location = location
        self.problem = problem
        self.hint = hint
        self.rule = rule

    def __str__(self) -> str:
        text = f"{self.location}: {self.problem}"
        return f"{text} — {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return f"BuildError({str(self)!r})"

    def __reduce__(self) -> tuple:
        # So an error raised in a worker process arrives whole in the main one.
        return (_rebuild_error, (self.location, self.problem, self.hint, self.rule))

    def sort_key(self) -> tuple[str, int, str]:
        """Return a key that orders problems by file, then line."""
        return (str(self.location.path), self.location.line or 0, self.problem)


def _rebuild_error(location: SourceLocation, problem: str, hint: str, rule: str) -> BuildError:
    return BuildError(location, problem, hint, rule=rule)


class BuildFailed(Exception):
    """Raised once a stage has collected one or more errors."""

    def __init__(self, errors: list[BuildError], warnings: list[BuildError] | None = None) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = sorted(errors, key=BuildError.sort_key)
        self.warnings = sorted(warnings or [], key=BuildError.sort_key)


@dataclass
class Problems:
    """Collects every error and warning of a stage, so editors see all of them at once."""

    errors: list[BuildError] = field(default_factory=list)
    warnings: list[BuildError] = field(default_factory=list)

    def add(self, err: BuildError) -> None:
        """Record an error."""
        self.errors.append(err)

    def warn(self, err: BuildError) -> None:
        """Record a warning."""
        self.warnings.append(err)

    def extend(self, errors: list[BuildError], warnings: list[BuildError]) -> None:
        """Record several errors and warnings."""
        self.errors.extend(errors)
        self.warnings.extend(warnings)

    def raise_if_any(self, strict: bool = False) -> None:
        """Raise BuildFailed if there are errors (or warnings, when strict)."""
        if self.errors or (strict and self.warnings):
            errors = self.errors + (self.warnings if strict else [])
            raise BuildFailed(errors, [] if strict else self.warnings)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean "x"?)'-style text for the closest choice, or ''."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else ""
