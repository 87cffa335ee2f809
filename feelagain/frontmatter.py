"""Split a Markdown file into its YAML front matter and body, keeping file line numbers."""
from __future__ import annotations

from typing import Any

from .errors import BuildError, SourceLocation
from .yamlfile import LineMap, parse_yaml

FENCE = "---"


def split(text: str, location: SourceLocation) -> tuple[str, str, int]:
    """Return (front matter text, body, file line of the body's first line)."""
    lines = text.split("\n")
    if not text.strip():
        raise BuildError(location.at(1), "the file is empty",
                         "start it with front matter: a '---' line, 'title: …' and the other fields, then '---'")
    if lines[0].rstrip() != FENCE:
        raise BuildError(location.at(1), "no front matter found", "start the file with a '---' line")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise BuildError(location.at(1), "the front matter is never closed",
                     "add a '---' line after the last field")


def parse(text: str, location: SourceLocation) -> tuple[Any, LineMap, str, int]:
    """Return (raw metadata, its line map, body, body start line) of a content file."""
    meta_text, body, body_line = split(text, location)
    raw, lines = parse_yaml(meta_text, location, offset=1)
    if raw is None:
        raise BuildError(location.at(2), "the front matter is empty", 'add "title: …" and the other fields')
    return raw, lines, body, body_line
