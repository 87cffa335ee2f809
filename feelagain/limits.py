"""Input limits for page bodies, checked in linear time before Markdown runs.

Python-Markdown and some of our scanners take time (or recursion depth) that grows faster than the text for a
few shapes that no real page has. Each limit below bounds one such step, and says which; a page over a limit
gets one `file:line` error instead of a build that hangs or crashes (issue #13, item 7):

- Link and image syntax: for every `[`, Python-Markdown's LinkInlineProcessor (and the image and reference
  processors) walks to the matching `]`, and after `](` to the matching `)`, one character at a time, and
  restarts at the next `[` when there is none. Brackets left open, or nested deep, make that quadratic per
  paragraph (10,000 `[` on one line took over 20 s). We add up the same walks with a stack, in linear time.
- Headings: the toc extension makes each id unique by trying `a`, `a_1`, `a_2`, … in turn (quadratic in the
  number of equal headings), and every heading costs a tree walk of its own.
- Nesting: lists and block quotes are parsed recursively (a list 500 deep exceeds Python's recursion limit);
  raw HTML nested tens of thousands deep is parsed and cleaned in super-linear time.
- Emphasis: '*' and '_' runs around a word nest one element per pair, and Python-Markdown recurses per level
  ('*' × 2,000 + 'a' + '*' × 2,000 exceeds Python's recursion limit).
- Line length: a single line longer than MAX_LINE is a paste accident; the limit also bounds every regex that
  scans a line (e.g. the attr_list pattern) whatever its shape.
"""
from __future__ import annotations

import re

from .errors import BuildError, SourceLocation

MAX_LINE = 10_000  # characters on one line
MAX_BRACKET_WORK = 200_000  # characters Python-Markdown's link processors would walk in one paragraph
MAX_HEADINGS = 1_000  # per page
MAX_LIST_DEPTH = 10  # list items indented more than this many levels (4 spaces each)
MAX_QUOTE_DEPTH = 10  # '>' markers at the start of a line
MAX_HTML_DEPTH = 100  # raw HTML elements open at once
MAX_MARKER_RUN = 100  # '*' or '_' in a row inside text: each pair is one more level of nested emphasis

HEADING = re.compile(r"^[ ]{0,3}#{1,6}(?:[ \t]|$)", re.M)
DEEP_LIST = re.compile(rf"^(?:[ ]{{4}}|[ ]{{0,3}}\t){{{MAX_LIST_DEPTH + 1}}}[ \t]*(?:[-*+]|\d{{1,9}}[.)])(?:[ \t]|$)", re.M)
DEEP_QUOTE = re.compile(rf"^(?:[ ]{{0,3}}>){{{MAX_QUOTE_DEPTH + 1}}}", re.M)
MARKER_RUN = re.compile(rf"[*_]{{{MAX_MARKER_RUN + 1},}}")
BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")
BRACKET = re.compile(r"\\.|[\[\]()]")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(/?)>")
# Elements with no end tag, or whose end tag HTML lets you leave out: they never count as open.
NOT_NESTING = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                         "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody"})
BRACKET_HINT = r"close each [ with ] and each ( with ), or write \[ and \( for brackets that are only text"


def bracket_work(text: str) -> int:
    """Return how many characters the link processors would walk in text (see the module docstring)."""
    work = 0
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []  # position, and whether it opens a link target: '](' …
    for match in BRACKET.finditer(text):
        char, at = match.group(), match.start()
        if char == "[":
            squares.append(at)
        elif char == "]":
            if squares:
                work += at - squares.pop()
        elif char == "(":
            rounds.append((at, at > 0 and text[at - 1] == "]"))
        elif char == ")" and rounds:
            start, is_link = rounds.pop()
            if is_link:
                work += at - start
    end = len(text)
    return work + sum(end - at for at in squares) + sum(end - at for at, is_link in rounds if is_link)


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def check_body(body_md: str, loc: SourceLocation, first_line: int) -> list[BuildError]:
    """Return an error for each limit the body goes over, in linear time (whole-text regexes, no line loop)."""
    errors: list[BuildError] = []

    def add(index: int, problem: str, hint: str) -> None:
        errors.append(BuildError(loc.at(first_line + _line_at(body_md, index)), problem, hint))

    lines = body_md.split("\n")
    if max(map(len, lines), default=0) > MAX_LINE:
        index = next(i for i, line in enumerate(lines) if len(line) > MAX_LINE)
        errors.append(BuildError(loc.at(first_line + index), f"a line longer than {MAX_LINE:,} characters",
                                 "break it into shorter lines or paragraphs"))
        return errors  # every other limit is about structure: the paste accident comes first
    if "[" in body_md:
        start = 0
        for gap in [*BLANK_LINES.finditer(body_md), None]:
            end = gap.start() if gap else len(body_md)
            block = body_md[start:end]
            if "[" in block and bracket_work(block) > MAX_BRACKET_WORK:
                add(start + len(block) - len(block.lstrip("\n")),
                    "too many '[' and '(' nested or left open in one paragraph", BRACKET_HINT)
                break
            start = gap.end() + 1 if gap else end
    for run in MARKER_RUN.finditer(body_md):
        line_start = body_md.rfind("\n", 0, run.start()) + 1
        line_end = body_md.find("\n", run.end())
        if body_md[line_start:line_end if line_end >= 0 else None].strip(" \t*_-"):  # text too: not a ruled line
            add(run.start(), f"more than {MAX_MARKER_RUN} '*' or '_' in a row",
                "write \\* for a star that is only text, and use one level of bold or italics")
            break
    if body_md.count("#") > MAX_HEADINGS:
        for number, heading in enumerate(HEADING.finditer(body_md), 1):
            if number > MAX_HEADINGS:
                add(heading.start(), f"more than {MAX_HEADINGS:,} headings on one page", "split it into smaller pages")
                break
    if deep := DEEP_LIST.search(body_md):
        add(deep.start(), f"a list nested more than {MAX_LIST_DEPTH} levels deep", "use fewer levels of sub-lists")
    if deep := DEEP_QUOTE.search(body_md):
        add(deep.start(), f"a quote nested more than {MAX_QUOTE_DEPTH} levels deep (> > > …)", "use fewer '>' marks")
    if body_md.count("<") > MAX_HTML_DEPTH:
        depth = 0
        for tag in TAG.finditer(body_md):
            closing, name, selfclosing = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name in NOT_NESTING or selfclosing:
                continue
            depth = max(depth - 1, 0) if closing else depth + 1
            if depth > MAX_HTML_DEPTH:
                add(tag.start(), f"raw HTML nested more than {MAX_HTML_DEPTH} levels deep",
                    "close each element (</div>) before the next one, or write it in Markdown")
                break
    return errors
