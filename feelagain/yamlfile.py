"""YAML parsing with file line numbers for every key and item."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import BuildError, SourceLocation

# The C loader is several times faster; fall back to pure Python where libyaml is missing.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)  # slots, and no dict for a value without children: a large site keeps ~20 per page
class LineMap:
    """File line numbers of a parsed YAML value and of its children (None: a scalar, or children not kept)."""

    line: int
    children: dict[Any, LineMap] | list[LineMap] | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # A value without children comes back as the shared one (line_leaf), also from the front-matter cache.
        return (line_leaf, (self.line,)) if self.children is None else (LineMap, (self.line, self.children))

    def at(self, *path: Any) -> int:
        """Return the line of the deepest node that exists along path."""
        node = self
        for key in path:
            kids = node.children
            if isinstance(kids, dict) and key in kids or isinstance(kids, list) and isinstance(key, int) and 0 <= key < len(kids):
                node = kids[key]
            else:
                break
        return node.line

    def child(self, key: Any) -> LineMap:
        """Return the lines of one child (a mapping key or a list index), or self when there is none."""
        kids = self.children
        if isinstance(kids, dict):
            return kids.get(key, self)
        if isinstance(kids, list):
            return kids[key] if isinstance(key, int) and 0 <= key < len(kids) else self
        return self

    def items(self, key: Any = None) -> list[LineMap]:
        """Return the lines of a list's items: this node's, or those of the list under key (none if no list)."""
        node = self if key is None else self.entries().get(key)
        return list(node.children) if node is not None and isinstance(node.children, list) else []

    def entries(self) -> dict[Any, LineMap]:
        """Return the lines of a mapping's values by key (none for a list or a scalar)."""
        return self.children if isinstance(self.children, dict) else {}



_LEAVES: dict[int, LineMap] = {}


def line_leaf(line: int) -> LineMap:
    """Return the LineMap of a value without children at `line`, shared by every page: a large site keeps one per
    front-matter key and per source and key point of every page, nearly all at the same few line numbers.
    Never change one (nothing does: a LineMap is made whole)."""
    leaf = _LEAVES.get(line)
    if leaf is None:
        leaf = _LEAVES[line] = LineMap(line)
    return leaf

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


def _yaml_problem(exc: yaml.YAMLError, text: str = "") -> tuple[int | None, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        # libyaml says "found character that cannot start any token" without naming the tab
        return mark.line + 1, "a tab character is used for indentation"
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", "") or "")
    context_mark = getattr(exc, "context_mark", None)  # only MarkedYAMLError has marks
    if "quoted scalar" in context and context_mark is not None:
        # The scanner fails at the end of the text; the quote that never closed is more useful.
        mark, problem = context_mark, "a quote is opened but never closed"
    elif "flow sequence" in context and context_mark is not None:
        mark, problem = context_mark, "a [ list is opened but never closed with ]"
    elif "flow mapping" in context and context_mark is not None:
        mark, problem = context_mark, "a { mapping is opened but never closed with }"
    elif "\\t" in problem or "tab" in problem.lower():
        problem = "a tab character is used for indentation"
    line = mark.line + 1 if mark is not None else None
    return line, problem


MAX_DEPTH = 50  # front matter, site.yml and crisis.yml need a handful of levels; deeper is a paste accident


def _check_events(text: str, location: SourceLocation, offset: int) -> None:
    """Refuse aliases and deep nesting at the first event, before anything is built from the YAML.

    Our files never need & anchors and * aliases; allowed, a few nested aliases ("billion laughs") make every
    later walk over the data exponential. Deep nesting makes the composer and our walks recurse past Python's
    limit. Both are checked on the parser's events, which cost linear time and no recursion.
    """
    depth = 0
    open_anchors: list[str | None] = []
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 + offset if event.start_mark else None
            if event.anchor in open_anchors:
                raise BuildError(location.at(line), "an alias (*name) that refers to itself",
                                 "write the value out instead of using & and *")
            raise BuildError(location.at(line), "an alias (*name) is not allowed here",
                             "write the value out instead of using & and *")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            open_anchors.append(event.anchor)
            if depth > MAX_DEPTH:
                raise BuildError(location.at(event.start_mark.line + 1 + offset if event.start_mark else None),
                                 f"the YAML is nested more than {MAX_DEPTH} levels deep",
                                 "write it out flat: a list of 'key: value' entries")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
            open_anchors.pop()


def _scalar_problem(node: yaml.Node, location: SourceLocation, offset: int) -> BuildError | None:
    """Return the error of the first scalar that cannot be turned into a value (a bad date, !!bool maybe…)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.MappingNode):
            stack.extend(v for pair in reversed(item.value) for v in reversed(pair))
            continue
        if isinstance(item, yaml.SequenceNode):
            stack.extend(reversed(item.value))
            continue
        try:
            yaml.constructor.SafeConstructor().construct_object(item)
            continue
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, yaml.YAMLError) as exc:
            problem = exc
        loc = location.at(item.start_mark.line + 1 + offset)
        value = str(item.value)
        shown = f'"{value[:40]}…"' if len(value) > 40 else f'"{value}"'
        kind = item.tag.rsplit(":", 1)[-1]
        digits = sum(c.isdigit() for c in value)
        if kind == "int" and digits > 100 and re.fullmatch(r"[-+]?[\d_]+", value.strip()):
            return BuildError(loc, f"a number with {digits} digits is too long to read",
                              "write a shorter number, or put the text in quotes")
        if kind == "timestamp":
            if isinstance(problem, ValueError):  # matches the date pattern but is no real date (2026-02-30)
                return BuildError(loc, f"not a real date: {problem}", "write an existing date as YYYY-MM-DD")
            return BuildError(loc, f"{shown} is not a date", "write an existing date as YYYY-MM-DD")
        if kind == "bool":
            return BuildError(loc, f"{shown} is not true or false", "write true or false, without !!bool")
        if kind == "int":
            return BuildError(loc, f"{shown} is not a whole number", "write a number without !!int")
        if kind == "float":
            return BuildError(loc, f"{shown} is not a number", "write a number without !!float")
        return BuildError(loc, f"{shown} cannot be read as {item.tag}", "remove the !! tag")
    return None


def parse_yaml(text: str, location: SourceLocation, offset: int = 0) -> tuple[Any, LineMap]:
    """Return (data, line map) of a YAML text; raise BuildError with the file line on bad YAML.

    offset is the number of file lines before the text (e.g. 1 for front matter after '---').
    Aliases and nesting deeper than MAX_DEPTH are refused.
    """
    try:
        _check_events(text, location, offset)
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
            try:
                data = loader.construct_document(node)
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError, yaml.YAMLError) as exc:
                # e.g. 2026-02-30 (matches the date pattern, no real date), !!bool maybe, a 5000-digit number
                err = _scalar_problem(node, location, offset)
                if err is None:
                    if isinstance(exc, yaml.YAMLError):
                        raise
                    err = BuildError(location.at(lines.line), f"a value cannot be read ({exc.__class__.__name__})",
                                     "remove any !! tags and check the values")
                raise err from None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        problem_line, problem = _yaml_problem(exc, text)
        hint = ("use spaces, not tabs, to indent" if "tab" in problem else
                "check the quotes, colons and indentation on this line and the one above")
        raise BuildError(location.at(problem_line + offset if problem_line else None), f"invalid YAML: {problem}",
                         hint) from None
    return data, lines
