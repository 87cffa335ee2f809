"""Markdown to HTML: a Converter owning one configured Python-Markdown instance, plus our callouts, checklist and
link rules, and Body, what a page's converted Markdown comes to once the linter has read it.

Extensions (documented for editors in docs/editing.md):
- toc: heading ids and the "On this page" list (levels 2–3);
- tables, attr_list, def_list, sane_lists, fenced_code: standard Markdown additions;
- admonition: callouts ("!!! tip \"Title\"") that we turn into NHS-style care cards;
- footnotes: "46%.[^goodwin]" plus a "[^goodwin]: …" line; every statistic carries one to its source. The
  notes become a "Notes" list at the end of the body (ids fn-…/fnref-…, never clashing with the templates'
  fa-… ids); each reference link says "Note" to screen readers (these words, and the callouts', come from
  the page language's catalog: Labels);
- ours: ```checklist, ```crisis-directory and ```support-lines blocks (a fence whose name is nearly one of
  theirs is an error), links between .md files of the page's own folder, images and files written as a path
  from the page's file into assets/ (the writers put in their fingerprinted names: assets.link_assets),
  raw-HTML sanitising, scrollable tables; footnote labels and callouts checked at their lines.

The crisis blocks only mark their place here: the render stage fills them from content/crisis.yml, so every
number a page shows comes from that one file (and a page body's cache does not depend on it).
"""
from __future__ import annotations

import difflib
import html as htmllib
import posixpath
import re
import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from urllib.parse import quote as urllib_quote
from urllib.parse import unquote as urllib_unquote
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import limits, sanitize
from .checklist import Checklist, parse_checklist
from .crisis import TOPICS
from .errors import BuildError, SourceLocation
from .fences import CLOSING_FENCE, FENCE, OWN_BLOCK
from .model import relative_href, url_for
from .sanitize import SAFE_SCHEMES


def N_(message: str) -> str:
    """Mark an interface string for the catalogs (pybabel finds N_); Labels translates it for each language."""
    return message


CALLOUTS = {  # type → (default title, words a screen reader hears first, before a space)
    "info": (N_("Good to know"), ""),
    "tip": (N_("Try this today"), ""),
    "non-urgent": (N_("Speak to a doctor if"), N_("Non-urgent advice:")),
    "urgent": (N_("Get help soon if"), N_("Urgent advice:")),
    "immediate": (N_("Get help now if"), N_("Immediate action required:")),
}
NOTES_TITLE = N_("Notes")
NOTE_LABEL = N_("Note")  # what a screen reader hears before a note's number: "Note 1"
BACK_TEXT = N_("Back to text")
BACK_TITLE = N_("Back to where note {number} is used")
TABLE_LABEL = N_("Table (scrolls sideways)")  # what a screen reader hears on a table's scrolling box


@dataclass(frozen=True)
class Labels:
    """The words the Converter itself writes into a body, in the page's language (the source strings by
    default). They are part of the body's render-cache key: a changed translation converts the pages again."""

    notes: str = NOTES_TITLE
    note: str = NOTE_LABEL
    back: str = BACK_TEXT
    back_title: str = BACK_TITLE
    callouts: tuple[tuple[str, str, str], ...] = tuple((kind, title, hidden) for kind, (title, hidden) in CALLOUTS.items())
    table: str = TABLE_LABEL

    @classmethod
    def translated(cls, gettext: Callable[[str], str]) -> Labels:
        """Return the labels through a language's gettext (e.g. i18n.translations(...).gettext)."""
        return cls(gettext(NOTES_TITLE), gettext(NOTE_LABEL), gettext(BACK_TEXT), gettext(BACK_TITLE),
                   tuple((kind, gettext(title), gettext(hidden) if hidden else "")
                         for kind, (title, hidden) in CALLOUTS.items()), gettext(TABLE_LABEL))

    def callout(self, kind: str) -> tuple[str, str]:
        """Return a callout type's default title and the words a screen reader hears first."""
        return next((title, hidden) for name, title, hidden in self.callouts if name == kind)

    def footnote_title(self) -> str:
        """Return the back links' title as the footnotes extension formats it ("…note {} is used")."""
        escaped = self.back_title.replace("{", "{{").replace("}", "}}")
        return escaped.replace("{{number}}", "{}")


ENGLISH = Labels()
# A link or image typed as raw HTML (Python-Markdown keeps raw HTML aside, one block or inline tag at a time).
RAW_TAG = re.compile(r"<(a|img)\b[^>]*>", re.I)
RAW_URL_ATTR = re.compile(r"""(\s)(href|src)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
CHECKLIST_TOKEN = "FEELAGAINCHECKLIST{}X"
CHECKLIST_MARK = "<!--feelagain:checklist:{}-->"
# Ids the templates give their own elements; a heading's id never takes one, an editor's {: #id } is an error.
TEMPLATE_IDS = frozenset({"main", "need-help", "need-help-title", "crisis-region", "crisis-remember",
                          "fa-key-points", "fa-sources", "fa-toc"})
CRISIS_TOKEN = "FEELAGAINCRISIS{}X"
CRISIS_MARK = "<!--feelagain:crisis:{}-->"
BLOCKS = ("checklist", "crisis-directory", "support-lines")
# Our blocks' opening lines, and the fences Python-Markdown's fenced_code accepts (its FENCED_BLOCK_RE: at the
# very start of the line, then {attrs} or an optional .lang, nothing else; "```code``` is inline" opens nothing)
# and their closing lines: one set of rules for the page and for the lint (fences.py).
FENCE_OPEN, CODE_FENCE, CLOSING_FENCE = OWN_BLOCK, FENCE, CLOSING_FENCE
# Any other fence: its info string ("```text", "~~~ {.yaml}"), to catch a misspelt block name.
FENCE_NAME = re.compile(r"^(`{3,}|~{3,})\s*\{?\s*\.?([^\s`{}]*)")
# A line of an indented code block, and the lines whose indented lines are theirs, not code: a list item,
# a callout, a note, a definition.
INDENTED = re.compile(r"^(?: {4}|\t)")
CONTAINER = re.compile(r"^ {0,3}(?:[-*+]\s|\d+\.\s|!!!\s|\[\^[^\]]+\]:|:\s)")  # "1)" is no list in Python-Markdown
# A heading, a rule or a setext underline is a block of its own line: an indented line right after it starts code.
BLOCK_LINE = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|(?:\*[ \t]*){3,}$|(?:-[ \t]*){3,}$|(?:_[ \t]*){3,}$|=+[ \t]*$)")
CALLOUT_LINE = re.compile(r"^!!!\s+([\w-]+)")
FOOTNOTE_NOTE = re.compile(r"^\s*\[\^([^\]\s]+)\]:")
# Any [^label] after a note's own label is a marker, a colon after it or not: "One study[^a]: most…"
FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s]+)\]")
CODE_SPAN = re.compile(r"(`+).*?\1")
# Pages the build makes in each language (pipeline.GENERATED_SLUGS and the embed guide): a link to one, written
# as its address from the page ("../search/"), is not a page's file but works.
GENERATED_PAGES = ("search", "print", "offline", "embed")
NOTES_ID = "fa-notes"  # the "Notes" heading; fa- ids are ours, so no heading of an editor's can take it
NOTES_BLOCK = re.compile(r'<div class="footnotes">.*?</div>\s*$|<sup id="fnref\d*-[^"]*">.*?</sup>', re.S)


def _fence_closers(lines: list[str]) -> dict[str, list[int]]:
    """Return the lines that can close a code block, by fence ("```": [4, 9]), in order."""
    closers: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if line[:1] in "`~" and (match := CLOSING_FENCE.match(line)):
            closers.setdefault(match.group(1), []).append(index)
    return closers


def _closing_fence(closers: dict[str, list[int]], fence: str, index: int) -> int | None:
    """Return the line that closes the code block opened at index: the next line of the same fence alone, as
    Python-Markdown wants it (or None: without one, the fence is text and opens nothing). A search, not a scan
    of the lines below: a page of fences never closed stays linear."""
    found = closers.get(fence, [])
    at = bisect_right(found, index)
    return found[at] if at < len(found) else None


@dataclass(frozen=True)
class Link:
    """A link as written in the Markdown and what it points at."""

    href: str
    slug: str | None  # target page for links between pages; for "image" and "file", the name in assets/ (or None)
    fragment: str | None
    # "page", "anchor" (same page), "external", "asset" (a path from the site root: refused; or something the
    # build publishes: "../search/"), "home" (maybe another language's home: slug is its folder), "unsafe",
    # "remote-image", "image", "file" (a link to a file in assets/), "other-language" (a .md file in another
    # folder), "not-a-page" (neither a page's file nor a web address)
    kind: str
    line: int | None = None  # file line, when known at rendering (links typed as raw HTML)


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


@dataclass(frozen=True)
class Body:
    """A page's converted Markdown and what the linter found in it (what the render cache stores)."""

    rendered: Rendered
    errors: tuple[BuildError, ...]
    warnings: tuple[BuildError, ...]
    key: str = ""  # the render-cache key: a hash of everything this body was made from


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
    prefix: str = ""  # the language's URL prefix: links to .md files point at pages of the same language
    labels: Labels = ENGLISH  # the words of the notes and callouts, in the page's language
    token: str = CHECKLIST_TOKEN  # a placeholder that does not occur in this page's own text
    crisis_token: str = CRISIS_TOKEN  # the same, for crisis blocks
    raw_at: tuple[int, int] = (0, 0)  # where the search for the next raw HTML tag starts: (index, body line)
    raw_misses: int = 0  # raw tags not found after raw_at (each costs a search of the whole body)
    bad_footnotes: bool = False  # a footnote marker without a note, or a note never used (already reported)

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


class _PageStep:
    """A processor of ours: it reads the page being converted from the Converter that registered it."""

    def __init__(self, md: markdown.Markdown, converter: Converter) -> None:
        super().__init__(md)  # type: ignore[call-arg]  # Preprocessor/Treeprocessor take md; object does not
        self.converter = converter

    @property
    def page(self) -> _State:
        assert self.converter.state is not None, "processors run only inside Converter.convert"
        return self.converter.state


class _ChecklistBlocks(_PageStep, Preprocessor):
    """Replace ```checklist, ```crisis-directory and ```support-lines blocks by tokens; check callouts, the
    names of fenced blocks and footnote labels (every mistake that would otherwise publish quietly wrong)."""

    def run(self, lines: list[str]) -> list[str]:
        state = self.page
        out: list[str] = []
        notes: dict[str, int] = {}  # footnote label → line of its note
        marks: dict[str, int] = {}  # footnote label → line of its first marker
        index = 0
        blank, owned, indented_code = True, False, False  # for indented code blocks (see _in_indented_code)
        closers = _fence_closers(lines)
        while index < len(lines):
            line = lines[index]
            at = state.body_start_line + index
            match = CALLOUT_LINE.match(line)
            if match:
                self._check_callout(lines, index, match.group(1), state)
            opening = FENCE_OPEN.match(line)
            if not opening:
                code = CODE_FENCE.match(line)
                # Only a real opening fence can be a misspelt block: "```checklists``` are lists" is inline code.
                name = FENCE_NAME.match(line) if code else None
                if name:
                    self._check_block_name(name.group(2), at, state)
                closing = _closing_fence(closers, code.group(1), index) if code else None
                if closing is not None:  # a code block: nothing in it is a callout, a footnote or a block
                    out += lines[index:closing + 1]
                    index = closing + 1
                    blank, owned, indented_code = True, False, False
                    continue
                blank, owned, indented_code, code_line = self._in_indented_code(line, blank, owned, indented_code)
                if not code_line:
                    self._footnotes(line, at, notes, marks)
                out.append(line)
                index += 1
                continue
            fence, kind = line.strip()[:3], opening.group(2)
            end = next((j for j in range(index + 1, len(lines)) if lines[j].strip() == fence), None)
            if end is None:
                state.errors.append(BuildError(state.loc.at(at), f"the {kind} block is never closed",
                                               f"add a {fence} line after it"))
                return out
            if kind != "checklist":
                block, errors = _crisis_block(kind, "\n".join(lines[index + 1:end]), state.loc, at)
                state.errors.extend(errors)
                if block:
                    out += ["", state.crisis_token.format(len(state.crisis_blocks)), ""]
                    state.crisis_blocks.append(block)
                index = end + 1
                continue
            checklist, errors = parse_checklist("\n".join(lines[index + 1:end]), state.loc, at)
            state.errors.extend(errors)
            if checklist:
                out += ["", state.token.format(len(state.checklists)), ""]
                state.checklists.append(checklist)
            index = end + 1
        self._check_footnotes(notes, marks, state)
        return out

    @staticmethod
    def _in_indented_code(line: str, blank: bool, owned: bool, code: bool) -> tuple[bool, bool, bool, bool]:
        """Follow indented code blocks line by line: return the new (blank, owned, code) and whether line is code.

        blank: the line before was blank; owned: the last line that was not indented opens a list item, a
        callout or a note, whose indented lines are theirs; code: inside an indented code block. Indented
        lines start a code block only after a blank line, outside such a container."""
        if not line.strip():
            return True, owned, code, False
        if INDENTED.match(line):
            code = code or (blank and not owned)
            return False, owned, code, code
        if BLOCK_LINE.match(line):  # ends the block before it, as a blank line would
            return True, False, False, False
        if blank or CONTAINER.match(line):  # a new block (a line right after text continues it)
            owned = bool(CONTAINER.match(line))
        return False, owned, False, False

    @staticmethod
    def _check_callout(lines: list[str], index: int, kind: str, state: _State) -> None:
        at = state.body_start_line + index
        if kind not in CALLOUTS:
            state.errors.append(BuildError(state.loc.at(at), f'unknown callout type "{kind}"',
                                           "use one of: " + ", ".join(CALLOUTS)))
            return
        # Text not indented is not the callout's: it would publish an empty box with the text below it.
        following = next((text for text in lines[index + 1:] if text.strip()), "")
        if not following.startswith("    "):
            state.errors.append(BuildError(state.loc.at(at), "callout has no text",
                                           "indent its text by four spaces on the lines under the !!! line"))

    @staticmethod
    def _check_block_name(name: str, at: int, state: _State) -> None:
        """A code block whose name is nearly a block's is a misspelt block: it would publish its YAML as code."""
        if not name or name in BLOCKS:
            return
        close = difflib.get_close_matches(name.lower(), BLOCKS, n=1, cutoff=0.7)
        if close:
            state.errors.append(BuildError(state.loc.at(at), f"unknown block '{name}'",
                                           f"did you mean {close[0]}? Write the line as ```{close[0]}"))

    @staticmethod
    def _footnotes(line: str, at: int, notes: dict[str, int], marks: dict[str, int]) -> None:
        """Note where each footnote's note and markers are on a line (outside `code`)."""
        note = FOOTNOTE_NOTE.match(line)
        if note:
            notes.setdefault(note.group(1), at)
            line = line[note.end():]
        for mark in FOOTNOTE_MARK.finditer(CODE_SPAN.sub("", line)):
            marks.setdefault(mark.group(1), at)

    @staticmethod
    def _check_footnotes(notes: dict[str, int], marks: dict[str, int], state: _State) -> None:
        """A marker with no note shows as "[^label]" and supports no figure; a note never used has no place."""
        state.bad_footnotes = notes.keys() != marks.keys()
        for label, at in marks.items():
            if label in notes:
                continue
            close = difflib.get_close_matches(label, [n for n in notes if n not in marks], n=1, cutoff=0.6)
            fix = f'add a line "[^{label}]: …" with its source, or fix the name'
            state.errors.append(BuildError(state.loc.at(at), f"footnote [^{label}] has no note",
                                           f"did you mean [^{close[0]}]? Or {fix}" if close else fix))
        for label, at in notes.items():
            if label not in marks:
                state.errors.append(BuildError(state.loc.at(at), f"note [^{label}] is never used",
                                               f"put [^{label}] right after the figure it supports, or delete the note"))


class _Callouts(_PageStep, Treeprocessor):
    """Turn admonitions into care-card callouts with a heading screen readers can place."""

    def run(self, root: etree.Element) -> None:
        labels = self.page.labels
        for div in root.iter("div"):
            classes = div.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c in CALLOUTS), "info")
            div.set("class", f"callout callout--{kind}")
            title_el = next((c for c in div if c.get("class") == "admonition-title"), None)
            default, hidden = labels.callout(kind)
            title = title_el.text if title_el is not None and title_el.text else default
            if title_el is not None and (title_el.text or "").strip().lower() in (kind, kind.replace("-", " ")):
                title = default  # admonition's default title is just the type name ("Non-urgent")
            heading = etree.Element("h3", {"class": "callout__title"})
            if hidden:
                span = etree.SubElement(heading, "span", {"class": "visually-hidden"})
                span.text = hidden + " "
                span.tail = title
            else:
                heading.text = title
            if title_el is not None:
                div.remove(title_el)
            div.insert(0, heading)


class _Footnotes(_PageStep, Treeprocessor):
    """Give the footnotes a "Notes" heading in place of their rule, and their reference links a spoken name."""

    def run(self, root: etree.Element) -> None:
        labels = self.page.labels
        for sup in root.iter("sup"):
            link = next(iter(sup), None)
            if link is not None and link.tag == "a" and link.get("class") == "footnote-ref":
                hidden = etree.Element("span", {"class": "visually-hidden"})
                hidden.text, hidden.tail, link.text = labels.note + " ", link.text, None
                link.insert(0, hidden)
        for div in root.iter("div"):
            if div.get("class") != "footnote":
                continue
            div.set("class", "footnotes")
            rule = next((child for child in div if child.tag == "hr"), None)
            if rule is not None:
                div.remove(rule)
            heading = etree.Element("h2", {"class": "footnotes__title", "id": NOTES_ID})
            heading.text = labels.notes
            div.insert(0, heading)
            for para in div.iter("p"):  # a note used twice has two back links: number them apart
                backs = [a for a in para if a.tag == "a" and a.get("class") == "footnote-backref"]
                for number, back in enumerate(backs[1:], start=2):
                    back.text = f"{labels.back} ({number})"
                    backs[number - 2].tail = " "


class _Links(_PageStep, Treeprocessor):
    """Rewrite links between .md files to pretty relative URLs; neutralise unsafe schemes and images from
    other sites; wrap tables. Links and images typed as raw HTML get the same treatment."""

    def run(self, root: etree.Element) -> None:
        state = self.page
        for el in root.iter("a"):
            href = el.get("href")
            if state.bad_footnotes and el.get("class") in ("footnote-ref", "footnote-backref"):
                continue  # the preprocessor has said which label is wrong, at its own line
            if href is not None:
                el.set("href", self._rewrite(href, el, state))
        for el in root.iter("img"):
            el.set("src", self._image(el.get("src", ""), state))
        stash = self.md.htmlStash.rawHtmlBlocks  # complete here: the inline processor (priority 20) ran before us
        for index, block in enumerate(stash):
            if isinstance(block, str) and RAW_TAG.search(block):
                stash[index] = RAW_TAG.sub(lambda m: self._raw_tag(m, state), block)
        if root.find(".//table") is None:  # most pages have none: skip the walk over every element
            return
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrap = etree.Element("div", {"class": "table-wrap", "tabindex": "0", "role": "region",
                                                 "aria-label": state.labels.table})
                    parent.remove(child)
                    wrap.append(child)
                    parent.insert(index, wrap)

    def _image(self, src: str, state: _State) -> str:
        """Return the src to publish: nothing for an unsafe scheme or an image on another site (both errors).

        An image of ours is written as a path from the page's file into assets/ (../assets/img/lake.png): it
        becomes that asset's path from the page's URL, and the writers put in its fingerprinted name
        (assets.link_assets). Any other path is an "image" link with no asset, which the link check reports.
        """
        parts = urlsplit(src.strip())
        scheme = parts.scheme.lower()
        if scheme and scheme != "https":
            state.links.append(Link(src, None, None, "unsafe"))
            return ""
        if scheme or parts.netloc:  # https:// or //host: the reader's browser would ask that site for it
            state.links.append(Link(src, None, None, "remote-image"))
            return ""
        if not parts.path:
            return src
        name = _asset_name(parts.path, state)
        state.links.append(Link(src, name, None, "image", _line_of_target(src, state)))
        return asset_href(state.url, name) if name else src

    def _raw_tag(self, match: re.Match[str], state: _State) -> str:
        """Check and rewrite the href of a raw <a> or the src of a raw <img>, like their Markdown twins."""
        is_link = match.group(1).lower() == "a"
        first = len(state.links)
        rewritten = RAW_URL_ATTR.sub(lambda found: self._raw_attr(found, is_link, state), match.group(0))
        if len(state.links) > first:
            line = self._raw_line(match.group(0), state)
            state.links[first:] = [replace(link, line=line) for link in state.links[first:]]
        return rewritten

    @staticmethod
    def _raw_line(tag: str, state: _State) -> int:
        """Return the file line of a raw tag. The stash holds them in document order, so each search starts
        where the last one ended and a page full of links costs one pass over its text, not one per link."""
        start, line = state.raw_at
        index = state.body_md.find(tag, start)
        if index < 0:  # written differently (a tab Markdown expanded) or before the last one: search it all,
            state.raw_misses += 1  # but only a few times, so a page full of such tags stays linear
            return state.line_of(tag) if state.raw_misses <= 50 else state.body_start_line + line
        line += state.body_md.count("\n", start, index)
        state.raw_at = (index + len(tag), line + tag.count("\n"))
        return state.body_start_line + line

    def _raw_attr(self, found: re.Match[str], is_link: bool, state: _State) -> str:
        if found.group(2).lower() != ("href" if is_link else "src"):
            return found.group(0)
        value = htmllib.unescape(found.group(4).strip("\"'"))
        if urlsplit(re.sub(r"[\x00-\x20]", "", value)).scheme.lower() not in ("", *SAFE_SCHEMES):
            return found.group(0)  # javascript:, data:…: the sanitiser removes it and warns (raw-HTML policy)
        new = self._rewrite(value, None, state) if is_link else self._image(value, state)
        return f'{found.group(1)}{found.group(2)}="{htmllib.escape(new)}"'

    def _rewrite(self, href: str, el: etree.Element | None, state: _State) -> str:
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
            if scheme == "https" and el is not None:  # raw HTML links get theirs from the sanitiser
                el.set("rel", "noopener noreferrer")
            return href
        if not parts.path:
            state.links.append(Link(written, None, parts.fragment or None, "anchor"))
            return href
        if parts.path.startswith("/"):
            state.links.append(Link(written, None, parts.fragment or None, "asset"))
            return href
        folder = posixpath.dirname(state.loc.path.as_posix())
        target = posixpath.normpath(posixpath.join(folder, parts.path))
        if parts.path.endswith(".md"):
            slug = PurePosixPath(parts.path).name[:-3]
            # A page links to the pages in its own folder: its language's. "es/signs.md" would otherwise
            # quietly link this language's signs page.
            kind = "page" if posixpath.dirname(target) == folder else "other-language"
            state.links.append(Link(written, slug, parts.fragment or None, kind))
            target = relative_href(state.url, state.prefix + url_for(slug))
            return target + (f"#{parts.fragment}" if parts.fragment else "")
        name = _asset_name(parts.path, state)
        if name:  # a file of ours, e.g. a leaflet: published under its fingerprinted name, like an image
            state.links.append(Link(written, name, None, "file", _line_of_target(written, state)))
            return asset_href(state.url, name)
        at = posixpath.normpath(posixpath.join(state.url, parts.path))
        built = _built(at, state.prefix)
        if built:  # "../search/", "../": not a page's file, but the build makes what it points at
            # A page's embed or API record names its page: the link check makes sure that page exists.
            made_for = PAGE_OUTPUT.fullmatch(at[len(state.prefix):] if at.startswith(state.prefix) else at)
            named = at if built == "home" else (made_for.group(1) or made_for.group(2)) if made_for else None
            state.links.append(Link(written, named, parts.fragment or None, built))
            return href
        # "signs", "www.nhs.uk": neither a page's file nor a web address; the link check says which was meant
        state.links.append(Link(written, None, parts.fragment or None, "not-a-page"))
        return href


LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")  # as languages.py checks a language's code
PAGE_OUTPUT = re.compile(r"embed/([^/]+)(?:/index\.html)?|api/pages/([^/]+)\.json")  # a page's embed or API record


def _built(at: str, prefix: str) -> str | None:
    """Return "asset" when at (a path from the site's root, normalised: "search", "." for the home page) is
    something the build publishes besides the pages; "home" when it may be another language's home ("es": the
    link check refuses it when a page has that name); None when it is neither. prefix: the page's language's
    ('es/'). Search, print, offline and embed pages, the content API and the embed pages are its language's."""
    if at == "index.html" or at.endswith("/index.html"):
        at = at[:-len("index.html")].rstrip("/") or "."
    if at in (".", prefix.rstrip("/"), "sitemap.xml") or at.startswith("api/"):  # api/: the shared schemas
        return "asset"
    own = at[len(prefix):] if at.startswith(prefix) else ""
    if own in GENERATED_PAGES or own.startswith(("api/", "embed/")):
        return "asset"
    return "home" if LANGUAGE_TAG.fullmatch(at) else None




def _asset_name(path: str, state: _State) -> str | None:
    """Return the name in assets/ (img/lake.png) of a path written from the page's file (../assets/img/lake.png),
    or None when the path does not lead into assets/."""
    folder = posixpath.dirname(state.loc.path.as_posix())
    target = posixpath.normpath(posixpath.join(folder, urllib_unquote(path)))
    return target[len("assets/"):] if target.startswith("assets/") and len(target) > len("assets/") else None


def asset_href(url: str, name: str) -> str:
    """Return the address of asset name (img/lake view.png) from the page at url, percent-encoded: a '#', '?' or
    space in a file's name would otherwise end the path, or make the address invalid."""
    return relative_href(url, "assets/" + urllib_quote(name))


def to_assets(loc: SourceLocation) -> str:
    """Return how a page's file reaches assets/: '../assets/' from content/, '../../assets/' from content/es/."""
    return "../" * (len(loc.path.parts) - 1) + "assets/"


def missing_asset(loc: SourceLocation, link: Link, assets: Collection[str]) -> BuildError:
    """Return the error for an image (or file link) whose file is not in assets/, with the closest name there."""
    name = link.slug or ""
    found = difflib.get_close_matches(name, sorted(assets), n=1, cutoff=0.6)
    close = found[0] if found else None
    fix = (f'did you mean "{to_assets(loc)}{close}"?' if close
           else f"copy the file into assets/ (as assets/{name}), or fix the path")
    what = "image" if link.kind == "image" else "file"
    return BuildError(loc.at(link.line), f"{what} {link.href} not found: there is no assets/{name}", fix)


def _line_of_target(target: str, state: _State) -> int:
    """Return the file line of a link or image target (the writers report a missing asset at it)."""
    needle = f"]({target}"
    return state.line_of(needle if needle in state.body_md else target)


def _line_of_removed(item: str, state: _State) -> int:
    """Return the line of the raw HTML that item (e.g. 'onclick=', '<script>', 'href="…"') was removed from.

    Code samples that show the same text are skipped, and an address written with entities (java&#9;script:) is
    found by its start, so the line is the one the editor must change.
    """
    needles = [item.rstrip(">") if item.startswith("<") else item]
    if '="' in item:
        name, value = item.split('="', 1)
        start = re.split(r"[&\\]", value, maxsplit=1)[0]  # up to the first entity or shown control character
        needles += [f'{name}="{start}', f"{name}="]
    lines = state.body_md.split("\n")
    # The code blocks as the converter sees them (as the footnote checks find them: only real fences, closed).
    in_code = [False] * len(lines)
    closers, index = _fence_closers(lines), 0
    while index < len(lines):
        code = CODE_FENCE.match(lines[index])
        closing = _closing_fence(closers, code.group(1), index) if code else None
        if closing is None:
            index += 1
            continue
        in_code[index:closing + 1] = [True] * (closing + 1 - index)
        index = closing + 1
    for needle in needles:
        for index, line in enumerate(lines):
            at = line.find(needle)
            while at >= 0 and not in_code[index]:
                if line.count("`", 0, at) % 2 == 0:  # not inside `inline code`
                    return state.body_start_line + index
                at = line.find(needle, at + 1)
    return state.line_of(needles[0])


def _sanitise(html: str, state: _State) -> str:
    """Clean the finished body with nh3 and report, at its Markdown line, whatever was removed.

    Runs on the whole body after conversion (not as a postprocessor: the toc extension runs postprocessors
    on every heading too), so inline tags that Python-Markdown stashed one by one are cleaned as whole
    elements, and attributes from {: …} blocks are checked like typed HTML.
    """
    clean, removed = sanitize.clean_html(html)
    by_line: dict[int, list[str]] = {}
    for item in removed:
        by_line.setdefault(_line_of_removed(item, state), []).append(item)
    for line, items in sorted(by_line.items()):
        state.warnings.append(BuildError(state.loc.at(line), f"raw HTML removed: {', '.join(items)}",
                                         "write it in Markdown, or use only plain HTML without scripts, frames or styles",
                                         rule="raw-html"))
    return clean


class FeelAgainExtension(Extension):
    """Registers our processors on a Markdown instance, each reading the page from converter."""

    def __init__(self, converter: Converter) -> None:
        super().__init__()
        self.converter = converter

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_ChecklistBlocks(md, self.converter), "fa_checklist", 28)
        md.treeprocessors.register(_Links(md, self.converter), "fa_links", 3)
        md.treeprocessors.register(_Callouts(md, self.converter), "fa_callouts", 4)  # after toc (5): titles stay out
        md.treeprocessors.register(_Footnotes(md, self.converter), "fa_footnotes", 4)  # after toc too: "Notes" is not a section


def _slugify(value: str, separator: str) -> str:
    """toc's own heading ids, except that "## Need help?" must not take the template's id need-help."""
    from markdown.extensions.toc import slugify

    slug = slugify(value, separator)
    return f"{slug}{separator}section" if slug in TEMPLATE_IDS else slug


def _free_token(template: str, text: str) -> str:
    """Return the placeholder template ("NAME{}X") made longer until the page's own text does not hold it."""
    prefix = template[:-3]
    while prefix in text:
        prefix += "Q"
    return prefix + "{}X"


def _flatten(tokens: list[dict], out: list[TocEntry]) -> list[TocEntry]:
    for token in tokens:
        if token["level"] in (2, 3):
            out.append(TocEntry(token["id"], htmllib.unescape(re.sub(r"<[^>]+>", "", token["name"])), token["level"]))
        _flatten(token.get("children", []), out)
    return out


def _faq(body_html: str) -> tuple[tuple[str, str], ...]:
    parts = re.split(r"(?=<h2[ >])", NOTES_BLOCK.sub("", body_html))  # notes are neither questions nor answers
    pairs = []
    for part in parts:
        match = re.match(r"<h2[^>]*>(.*?)</h2>(.*)", part, re.S)
        if match:
            question = htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
            pairs.append((question, match.group(2).strip()))
    return tuple(pairs)


class Converter:
    """Markdown to HTML for one page at a time: owns the configured Python-Markdown instance (made once, reset
    between pages, since making it costs more than converting a page) and the state of the page it converts.

    One per process: a build makes one, and each worker process makes its own.
    """

    def __init__(self) -> None:
        self.md = self._make()
        self.state: _State | None = None
        self.labels: Labels | None = None  # the labels the footnotes extension was last given

    def _make(self) -> markdown.Markdown:
        self.labels = None
        # Instances, not names: a name makes Markdown read every installed package's entry points first
        # (20 ms, once per process: an edit build's, and each worker's).
        return markdown.Markdown(
            extensions=[TocExtension(permalink=False, toc_depth="2-3", slugify=_slugify), TableExtension(),
                        AttrListExtension(), DefListExtension(), AdmonitionExtension(), SaneListExtension(),
                        FencedCodeExtension(), FootnoteExtension(SEPARATOR="-"), FeelAgainExtension(self)],
            output_format="html",
        )

    def _set_footnote_labels(self, labels: Labels) -> None:
        """Give the footnotes extension the back links' words in the page's language (it reads them as it runs)."""
        if labels == self.labels:
            return
        footnotes = next(e for e in self.md.registeredExtensions if isinstance(e, FootnoteExtension))
        # The back link's text goes into the HTML as it is; its title is an attribute the serializer escapes.
        footnotes.setConfig("BACKLINK_TEXT", htmllib.escape(labels.back, quote=False))
        footnotes.setConfig("BACKLINK_TITLE", labels.footnote_title())
        self.labels = labels

    def convert(self, body_md: str, loc: SourceLocation, url: str, body_start_line: int, faq: bool = False,
                lang_prefix: str = "", labels: Labels = ENGLISH) -> Rendered:
        """Return the HTML of one page body with its contents, ids, links, checklists and problems.

        lang_prefix ('es/') makes links to .md files point at pages of the same language; labels are the
        words of the notes and callouts in the page's language (Labels.translated).
        """
        self.state = _State(loc, url, body_start_line, body_md, prefix=lang_prefix, labels=labels)
        self._set_footnote_labels(labels)
        try:
            return self._convert(self.state, faq)
        finally:
            self.state = None

    def _convert(self, state: _State, faq: bool) -> Rendered:
        md = self.md
        md.reset()
        body_md, loc, body_start_line = state.body_md, state.loc, state.body_start_line
        state.token = _free_token(CHECKLIST_TOKEN, body_md)
        state.crisis_token = _free_token(CRISIS_TOKEN, body_md)
        for number, line in enumerate(body_md.split("\n") if body_md.startswith("# ") or "\n# " in body_md else ()):
            if line.startswith("# "):
                state.warnings.append(BuildError(loc.at(body_start_line + number), "a level-1 heading in the body",
                                                 "the title is the page's only # heading; use ## for sections",
                                                 rule="heading-one"))
        too_big = limits.check_body(body_md, loc, body_start_line)
        if too_big:  # converting would hang or crash; the editor gets the line instead
            return Rendered("", (), frozenset(), (), (), (), tuple(too_big), ())
        try:
            converted = md.convert(body_md)
        except RecursionError:  # a shape the limits do not know yet: say so rather than crash
            self.md = self._make()  # the instance may hold half-built state: the next page gets a fresh one
            lines = body_md.split("\n")  # point at the line with the most nesting marks: the likeliest culprit
            worst = max(range(len(lines)), key=lambda i: sum(lines[i].count(c) for c in "*_<>-+"))
            error = BuildError(loc.at(body_start_line + worst), "the page is nested too deeply to convert",
                               "use fewer levels of lists, quotes, bold or italics, and HTML elements")
            return Rendered("", (), frozenset(), (), (), (), (error,), ())
        body = _sanitise(converted, state)
        for index in range(len(state.checklists)):
            body = body.replace(f"<p>{state.token.format(index)}</p>", CHECKLIST_MARK.format(index))
        for index in range(len(state.crisis_blocks)):
            body = body.replace(f"<p>{state.crisis_token.format(index)}</p>", CRISIS_MARK.format(index))
        toc = tuple(_flatten(getattr(md, "toc_tokens", []), []))
        ids = frozenset(re.findall(r'\sid="([^"]+)"', body))
        for taken in sorted(ids & TEMPLATE_IDS):  # written as {: #main } or raw HTML: two elements would share it
            state.errors.append(BuildError(loc.at(state.line_of(f"#{taken}") if f"#{taken}" in body_md else state.line_of(taken)),
                                           f'the id "{taken}" is used by the page template', "choose another id"))
        return Rendered(body, toc, ids, tuple(state.links), tuple(state.checklists), _faq(body) if faq else (),
                        tuple(state.errors), tuple(state.warnings), tuple(state.crisis_blocks))
