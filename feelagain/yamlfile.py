"""YAML parsing with file line numbers for every key and item."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re

import yaml

from .errors import BuildError, SourceLocation

# The C loader is several times faster; fall back to pure Python where libyaml is missing.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class LineMap:
    """File line numbers of a parsed YAML value and of its children."""

    line: int
    children: dict[Any, "LineMap"] | list["LineMap"] = field(default_factory=dict)

    def at(self, *path: Any) -> int:
        """Return the line of the deepest node that exists along path."""
        node = self
        for key in path:
            kids = node.children
            if isinstance(kids, dict) and key in kids:
                node = kids[key]
            elif isinstance(kids, list) and isinstance(key, int) and 0 <= key < len(kids):
                node = kids[key]
            else:
                break
        return node.line


def _map_lines(node: yaml.Node, offset: int, problems: list[tuple[int, str]], seen: set[int] | None = None) -> LineMap:
    line = node.start_mark.line + 1 + offset
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias that points back into itself (&a [*a])
        return LineMap(line)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        kids: dict[Any, LineMap] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append((key_node.start_mark.line + 1 + offset, "?"))
                continue
            key = key_node.value
            if key in kids:
                problems.append((key_node.start_mark.line + 1 + offset, str(key)))
            value_map = _map_lines(value_node, offset, problems, seen)
            # A key's own line is more useful than its value's (values may start on the next line).
            kids[key] = LineMap(key_node.start_mark.line + 1 + offset, value_map.children)
        return LineMap(line, kids)
    if isinstance(node, yaml.SequenceNode):
        return LineMap(line, [_map_lines(item, offset, problems, seen) for item in node.value])
    return LineMap(line)


def _yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", "") or "")
    if "quoted scalar" in context and getattr(exc, "context_mark", None) is not None:
        # The scanner fails at the end of the text; the quote that never closed is more useful.
        mark, problem = exc.context_mark, "a quote is opened but never closed"
    elif "flow sequence" in context and getattr(exc, "context_mark", None) is not None:
        mark, problem = exc.context_mark, "a [ list is opened but never closed with ]"
    elif "flow mapping" in context and getattr(exc, "context_mark", None) is not None:
        mark, problem = exc.context_mark, "a { mapping is opened but never closed with }"
    elif "\\t" in problem or "tab" in problem.lower():
        problem = "a tab character is used for indentation"
    line = mark.line + 1 if mark is not None else None
    return line, problem


def _is_recursive(node: yaml.Node) -> bool:
    """Return whether an alias makes a node contain itself."""
    def walk(item: yaml.Node, path: set[int]) -> bool:
        if id(item) in path:
            return True
        if isinstance(item, (yaml.MappingNode, yaml.SequenceNode)):
            path = path | {id(item)}
            children = [v for pair in item.value for v in pair] if isinstance(item, yaml.MappingNode) else item.value
            return any(walk(child, path) for child in children)
        return False
    return walk(node, set())


def _bad_date_line(node: yaml.Node, offset: int) -> int | None:
    """Return the file line of the first scalar tagged as a date that is not a real date."""
    import datetime

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.MappingNode):
            stack.extend(v for pair in item.value for v in pair)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif item.tag.endswith(":timestamp"):
            try:
                text = str(item.value).strip()
                if len(text) > 10:
                    datetime.datetime.fromisoformat(re.sub(r"\s*Z$", "+00:00", text).replace("t", "T"))
                else:
                    datetime.date.fromisoformat(text)
            except ValueError:
                return item.start_mark.line + 1 + offset
    return None


def parse_yaml(text: str, location: SourceLocation, offset: int = 0) -> tuple[Any, LineMap]:
    """Return (data, line map) of a YAML text; raise BuildError with the file line on bad YAML.

    offset is the number of file lines before the text (e.g. 1 for front matter after '---').
    """
    try:
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, LineMap(offset + 1)
            dupes: list[tuple[int, str]] = []
            lines = _map_lines(node, offset, dupes)
            if dupes:
                line, key = dupes[0]
                if key == "?":
                    raise BuildError(location.at(line), "a key that is a list or a mapping",
                                     "keys must be plain words, like title:")
                raise BuildError(location.at(line), f'"{key}" appears twice',
                                 "keep one of them; YAML silently keeps only the last")
            if _is_recursive(node):
                raise BuildError(location.at(lines.line), "an alias (*name) that refers to itself",
                                 "write the value out instead of using & and *")
            try:
                data = loader.construct_document(node)
            except ValueError as exc:  # e.g. 2026-02-30 matches the date pattern but is no real date
                raise BuildError(location.at(_bad_date_line(node, offset)), f"not a real date: {exc}",
                                 "write an existing date as YYYY-MM-DD") from None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        line, problem = _yaml_problem(exc)
        hint = ("use spaces, not tabs, to indent" if "tab" in problem else
                "check the quotes, colons and indentation on this line and the one above")
        raise BuildError(location.at(line + offset if line else None), f"invalid YAML: {problem}", hint) from None
    return data, lines
