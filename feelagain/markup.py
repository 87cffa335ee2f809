"""Markdown to HTML: one configured Python-Markdown instance, plus our callouts, checklist and link rules.

Extensions (documented for editors in docs/editing.md):
- toc: heading ids and the "On this page" list (levels 2–3);
- tables, attr_list, def_list, sane_lists, fenced_code: standard Markdown additions;
- admonition: callouts ("!!! tip \"Title\"") that we turn into NHS-style care cards;
- ours: ```checklist, ```crisis-directory and ```support-lines blocks, links between .md files, raw-HTML
  sanitising, scrollable tables.

The crisis blocks only mark their place here: the render stage fills them from content/crisis.yml, so every
number a page shows comes from that one file (and a page body's cache does not depend on it).
"""
from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import sanitize
from .checklist import Checklist, parse_checklist
from .crisis import TOPICS
from .errors import BuildError, SourceLocation
from .model import relative_href, url_for

CALLOUTS = {  # type → (default title, words a screen reader hears first)
    "info": ("Good to know", ""),
    "tip": ("Try this today", ""),
    "non-urgent": ("Speak to a doctor if", "Non-urgent advice: "),
    "urgent": ("Get help soon if", "Urgent advice: "),
    "immediate": ("Get help now if", "Immediate action required: "),
}
SAFE_SCHEMES = ("https", "mailto", "tel", "sms")
CHECKLIST_TOKEN = "FEELAGAINCHECKLIST{}X"
CHECKLIST_MARK = "<!--feelagain:checklist:{}-->"
CRISIS_TOKEN = "FEELAGAINCRISIS{}X"
CRISIS_MARK = "<!--feelagain:crisis:{}-->"
FENCE_OPEN = re.compile(r"^(```|~~~)\s*(checklist|crisis-directory|support-lines)\s*$")
CALLOUT_LINE = re.compile(r"^!!!\s+([\w-]+)")


@dataclass(frozen=True)
class Link:
    """A link as written in the Markdown and what it points at."""

    href: str
    slug: str | None  # target page for links between pages, None otherwise
    fragment: str | None
    kind: str  # "page", "anchor" (same page), "external", "asset", "unsafe"


@dataclass(frozen=True)
class CrisisBlock:
    """A place in a page filled from crisis.yml: the country directory, or the support lines of a topic."""

    kind: str  # "crisis-directory" or "support-lines"
    topic: str = ""


@dataclass(frozen=True)
class TocEntry:
    """A heading in the "On this page" list."""

    id: str
    title: str
    level: int


@dataclass(frozen=True)
class Rendered:
    """The HTML of a page body and everything the later stages need to know about it."""

    body_html: str
    toc: tuple[TocEntry, ...]
    ids: frozenset[str]
    links: tuple[Link, ...]
    checklists: tuple[Checklist, ...]
    faq: tuple[tuple[str, str], ...]
    errors: tuple[BuildError, ...] = ()
    warnings: tuple[BuildError, ...] = ()
    crisis_blocks: tuple[CrisisBlock, ...] = ()


@dataclass
class _State:
    """Per-page state the extension's processors share during one conversion."""

    loc: SourceLocation
    url: str
    body_start_line: int
    body_md: str
    links: list[Link] = field(default_factory=list)
    checklists: list[Checklist] = field(default_factory=list)
    crisis_blocks: list[CrisisBlock] = field(default_factory=list)
    errors: list[BuildError] = field(default_factory=list)
    warnings: list[BuildError] = field(default_factory=list)

    def line_of(self, needle: str) -> int:
        """Return the file line where needle first appears in the body (or the body's first line)."""
        index = self.body_md.find(needle)
        return self.body_start_line + (self.body_md.count("\n", 0, index) if index >= 0 else 0)


def _crisis_block(kind: str, text: str, loc: SourceLocation, line: int) -> tuple[CrisisBlock | None, list[BuildError]]:
    """Return the crisis block of a fence (line = its opening line) and its problems."""
    if kind == "crisis-directory":
        if text.strip():
            return None, [BuildError(loc.at(line + 1), "a crisis-directory block takes no text",
                                     "leave it empty: the lines come from content/crisis.yml")]
        return CrisisBlock(kind), []
    body = [(n, t) for n, t in enumerate(text.split("\n"), line + 1) if t.strip()]
    match = re.fullmatch(r"\s*topic:\s*([\w-]+)\s*", body[0][1]) if len(body) == 1 else None
    if match is None:
        return None, [BuildError(loc.at(body[0][0] if body else line), "a support-lines block needs one line: topic: …",
                                 "write e.g. topic: " + TOPICS[0])]
    if match.group(1) not in TOPICS:
        return None, [BuildError(loc.at(body[0][0]), f'unknown support topic "{match.group(1)}"',
                                 "use one of: " + ", ".join(TOPICS))]
    return CrisisBlock(kind, match.group(1)), []


class _ChecklistBlocks(Preprocessor):
    """Replace ```checklist, ```crisis-directory and ```support-lines blocks by tokens; check callout types."""

    def run(self, lines: list[str]) -> list[str]:
        state: _State = self.md.fa_state  # type: ignore[attr-defined]
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            match = CALLOUT_LINE.match(line)
            if match and match.group(1) not in CALLOUTS:
                state.errors.append(BuildError(state.loc.at(state.body_start_line + index),
                                               f'unknown callout type "{match.group(1)}"',
                                               "use one of: " + ", ".join(CALLOUTS)))
            if not FENCE_OPEN.match(line):
                out.append(line)
                index += 1
                continue
            fence, kind = line.strip()[:3], FENCE_OPEN.match(line).group(2)  # type: ignore[union-attr]
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == fence), None)
            if end is None:
                state.errors.append(BuildError(state.loc.at(state.body_start_line + index),
                                               f"the {kind} block is never closed", f"add a {fence} line after it"))
                return out
            if kind != "checklist":
                block, errors = _crisis_block(kind, "\n".join(lines[index + 1:end]), state.loc,
                                              state.body_start_line + index)
                state.errors.extend(errors)
                if block:
                    out += ["", CRISIS_TOKEN.format(len(state.crisis_blocks)), ""]
                    state.crisis_blocks.append(block)
                index = end + 1
                continue
            checklist, errors = parse_checklist("\n".join(lines[index + 1:end]), state.loc,
                                                state.body_start_line + index)
            state.errors.extend(errors)
            if checklist:
                out += ["", CHECKLIST_TOKEN.format(len(state.checklists)), ""]
                state.checklists.append(checklist)
            index = end + 1
        return out


class _Callouts(Treeprocessor):
    """Turn admonitions into care-card callouts with a heading screen readers can place."""

    def run(self, root: etree.Element) -> None:
        for div in root.iter("div"):
            classes = div.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c in CALLOUTS), "info")
            div.set("class", f"callout callout--{kind}")
            title_el = next((c for c in div if c.get("class") == "admonition-title"), None)
            title = title_el.text if title_el is not None and title_el.text else CALLOUTS[kind][0]
            if title_el is not None and (title_el.text or "").strip().lower() == kind.replace("-", " "):
                title = CALLOUTS[kind][0]  # admonition's default title is just the type name
            heading = etree.Element("h3", {"class": "callout__title"})
            hidden = CALLOUTS[kind][1]
            if hidden:
                span = etree.SubElement(heading, "span", {"class": "visually-hidden"})
                span.text = hidden
                span.tail = title
            else:
                heading.text = title
            if title_el is not None:
                div.remove(title_el)
            div.insert(0, heading)


class _Links(Treeprocessor):
    """Rewrite links between .md files to pretty relative URLs; neutralise unsafe schemes; wrap tables."""

    def run(self, root: etree.Element) -> None:
        state: _State = self.md.fa_state  # type: ignore[attr-defined]
        for el in root.iter("a"):
            href = el.get("href")
            if href is not None:
                el.set("href", self._rewrite(href, el, state))
        for el in root.iter("img"):
            src = el.get("src", "")
            scheme = urlsplit(src).scheme.lower()
            if scheme and scheme != "https":
                state.links.append(Link(src, None, None, "unsafe"))
                el.set("src", "")
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrap = etree.Element("div", {"class": "table-wrap", "tabindex": "0", "role": "region",
                                                 "aria-label": "Table (scrolls sideways)"})
                    parent.remove(child)
                    wrap.append(child)
                    parent.insert(index, wrap)

    def _rewrite(self, href: str, el: etree.Element, state: _State) -> str:
        # Browsers decode entities and drop tabs and newlines in URLs, so "java&#x09;script:" is javascript:.
        written = href
        decoded = re.sub(r"[\x00-\x20]", "", htmllib.unescape(href))
        if decoded != href and urlsplit(decoded).scheme:
            href = decoded
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        if scheme or parts.netloc:  # "//host/x" has no scheme but leaves the site all the same
            kind = "external" if scheme in SAFE_SCHEMES else "unsafe"
            state.links.append(Link(written, None, None, kind))
            if kind == "unsafe":
                return "#"  # never publish javascript:, data: or similar; the linter reports it
            if scheme == "https":
                el.set("rel", "noopener noreferrer")
            return href
        if not parts.path:
            state.links.append(Link(written, None, parts.fragment or None, "anchor"))
            return href
        if parts.path.endswith(".md"):
            slug = PurePosixPath(parts.path).name[:-3]
            state.links.append(Link(written, slug, parts.fragment or None, "page"))
            target = relative_href(state.url, url_for(slug))
            return target + (f"#{parts.fragment}" if parts.fragment else "")
        state.links.append(Link(written, None, parts.fragment or None, "asset"))
        return href


def _sanitise(html: str, state: _State) -> str:
    """Clean the finished body with nh3 and report, at its Markdown line, whatever was removed.

    Runs on the whole body after conversion (not as a postprocessor: the toc extension runs postprocessors
    on every heading too), so inline tags that Python-Markdown stashed one by one are cleaned as whole
    elements, and attributes from {: …} blocks are checked like typed HTML.
    """
    clean, removed = sanitize.clean_html(html)
    by_line: dict[int, list[str]] = {}
    for item in removed:
        needle = item.rstrip(">") if item.startswith("<") else item
        by_line.setdefault(state.line_of(needle), []).append(item)
    for line, items in sorted(by_line.items()):
        state.warnings.append(BuildError(state.loc.at(line), f"raw HTML removed: {', '.join(items)}",
                                         "write it in Markdown, or use only plain HTML without scripts, frames or styles",
                                         rule="raw-html"))
    return clean


class FeelAgainExtension(Extension):
    """Registers our processors on a Markdown instance."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.preprocessors.register(_ChecklistBlocks(md), "fa_checklist", 28)
        md.treeprocessors.register(_Links(md), "fa_links", 3)
        md.treeprocessors.register(_Callouts(md), "fa_callouts", 4)  # after toc (5) so titles stay out of it


def make_markdown() -> markdown.Markdown:
    """Return the configured Markdown instance (reuse it; call reset() between pages)."""
    return markdown.Markdown(
        extensions=["toc", "tables", "attr_list", "def_list", "admonition", "sane_lists", "fenced_code",
                    FeelAgainExtension()],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )


_MD: markdown.Markdown | None = None


def _flatten(tokens: list[dict], out: list[TocEntry]) -> list[TocEntry]:
    for token in tokens:
        if token["level"] in (2, 3):
            out.append(TocEntry(token["id"], htmllib.unescape(re.sub(r"<[^>]+>", "", token["name"])), token["level"]))
        _flatten(token.get("children", []), out)
    return out


def _faq(body_html: str) -> tuple[tuple[str, str], ...]:
    parts = re.split(r"(?=<h2[ >])", body_html)
    pairs = []
    for part in parts:
        match = re.match(r"<h2[^>]*>(.*?)</h2>(.*)", part, re.S)
        if match:
            question = htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
            pairs.append((question, match.group(2).strip()))
    return tuple(pairs)


def render_markdown(body_md: str, loc: SourceLocation, url: str, body_start_line: int, faq: bool = False) -> Rendered:
    """Return the rendered body of one page (HTML, contents, ids, links, checklists, problems)."""
    global _MD
    if _MD is None:
        _MD = make_markdown()
    md = _MD
    md.reset()
    state = _State(loc, url, body_start_line, body_md)
    md.fa_state = state  # type: ignore[attr-defined]
    for number, line in enumerate(body_md.split("\n")):
        if line.startswith("# "):
            state.warnings.append(BuildError(loc.at(body_start_line + number), "a level-1 heading in the body",
                                             "the title is the page's only # heading; use ## for sections",
                                             rule="heading-one"))
    body = _sanitise(md.convert(body_md), state)
    for index in range(len(state.checklists)):
        body = body.replace(f"<p>{CHECKLIST_TOKEN.format(index)}</p>", CHECKLIST_MARK.format(index))
    for index in range(len(state.crisis_blocks)):
        body = body.replace(f"<p>{CRISIS_TOKEN.format(index)}</p>", CRISIS_MARK.format(index))
    toc = tuple(_flatten(getattr(md, "toc_tokens", []), []))
    ids = frozenset(re.findall(r'\sid="([^"]+)"', body))
    return Rendered(body, toc, ids, tuple(state.links), tuple(state.checklists), _faq(body) if faq else (),
                    tuple(state.errors), tuple(state.warnings), tuple(state.crisis_blocks))
