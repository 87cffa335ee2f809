"""Markdown as plain text with file lines, split into blocks and sentences, and its reading grade.

The linter's reading rules stand on this: `scan` turns a Markdown body into blocks (paragraphs, list items,
titles, tables, code, checklists) of sentences that know their file line, and `fk_grade` gives textstat's
Flesch-Kincaid grade of any run of sentences (same formula, word and syllable counts; syllables from pyphen,
which textstat 0.7.4 uses — textstat itself needs network data or pkg_resources, see lint/rules.py).
"""
from __future__ import annotations

import hashlib
import html
import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pyphen import Pyphen

from ..fences import CLOSING_FENCE, FENCE, OWN_BLOCK

# Mentions of suicide, self-harm or overdose (blocks know whether they have one; rules.py decides what follows).
RISK = re.compile(
    r"\b(?:suicid\w*|self[\s-]?harm\w*|overdos\w*"
    r"|(?:hurt|hurting|harm|harming|kill|killing)\s+(?:yourself|themselves|himself|herself|myself|ourselves)"
    r"|(?:end|ending|ended|take|taking|took)\s+(?:your|their|my|his|her|our)\s+(?:own\s+)?li(?:fe|ves))\b",
    re.I,
)
# Every RISK match contains one of these; checking them first is ten times faster than the regex.
RISK_KEYS = ("suicid", "harm", "overdos", "self", "selv", "life", "lives")

# --- Markdown to plain text, with file lines --------------------------------------------------------

HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
RULE_LINE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
ADMONITION = re.compile(r'^\s*!!!\s+[\w-]+(?:\s+"([^"]*)")?\s*$')
ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)]|:)\s+")
QUOTE = re.compile(r"^\s*(?:>\s?)+")
TABLE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")
LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
CHECKLIST_KEY = re.compile(r"^\s*(?:-\s+)?(?:[\w-]+:(?:\s+|$))?[\"']?")
FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^[^\]\s]+\]:")  # "[^goodwin]: Goodwin and others (2017)…"
INLINE = (  # (character that must be present, pattern, replacement): the check skips most regex runs
    ("^", re.compile(r"\[\^[^\]\s]+\]"), ""),  # footnote references are not words
    ("!", re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),  # images: alt text is not prose
    ("[", re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)"), r"\1"),  # [text](href)
    ("[", re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    ("<", re.compile(r"<[^>]+>"), ""),  # inline HTML and autolinks
    # attr_list. Bounded: '[^}]*' let every '{:' scan to the end of the text, and '\s*' every space of a run
    # scan the rest of the run (both quadratic: 'para {: ' × 50,000 took 44 s; issue #13).
    ("{", re.compile(r"(?<!\s)\s*\{:?\s*[.#:][^}\n]{0,500}\}"), ""),
    ("`", re.compile(r"`+([^`]*)`+"), r"\1"),
    ("\\", re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),
    ("*", re.compile(r"\*+"), ""),
    ("_", re.compile(r"(?<!\w)_+|_+(?!\w)"), ""),
)
PROSE = frozenset({"para", "item", "title"})


@lru_cache(maxsize=4096)
def plain(md: str) -> str:
    """Return one line of Markdown as plain text (links become their text, markup goes)."""
    for char, pattern, repl in INLINE:
        if char in md:
            md = pattern.sub(repl, md)
    return " ".join((html.unescape(md) if "&" in md else md).split())


class Sentence(NamedTuple):
    """A sentence of a block: offsets into the block text, its words, and its file line.

    A named tuple: a page has a hundred or more, and a tuple is made several times faster than a dataclass.
    """

    start: int
    end: int
    text: str
    words: tuple[str, ...]  # lower case, punctuation removed (as textstat counts them)
    line: int

    @property
    def syllables(self) -> int:
        """Return the number of syllables (textstat's pyphen-based count; each word's count is memoised)."""
        return sum(map(syllables, self.words))


@dataclass(frozen=True)
class Block:
    """A paragraph, list item, heading, table, admonition title or checklist, as plain text."""

    kind: str
    text: str
    starts: tuple[int, ...]  # offset in text where each source line begins
    lines: tuple[int, ...]  # the file line of each source line
    sentences: tuple[Sentence, ...]
    lower: str  # the text in lower case, for cheap keyword tests
    risk: re.Match[str] | None  # the first mention of suicide, self-harm or overdose, if any

    @property
    def line(self) -> int:
        """Return the file line where the block starts."""
        return self.lines[0]

    def line_at(self, offset: int) -> int:
        """Return the file line of a character offset in the block text."""
        return self.lines[max(0, bisect_right(self.starts, offset) - 1)]


SENTENCE_END = re.compile(r"(?P<p>[.!?]+[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n")
ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|Prof|St|No|approx|cf)\.$", re.I)
NON_WORD = re.compile(r"[^\w\s]")  # textstat's own punctuation rule, so word counts match it


def split_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) offsets of the sentences in text; a newline always ends one."""
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end("p") if m.group("p") else m.start()
        if m.group("p") and ABBREVIATION.search(text[max(0, m.start() - 9):m.start() + 1]):
            continue
        yield start, end
        start = m.end()
    yield start, len(text)


def make_block(kind: str, parts: list[tuple[int, str]]) -> Block | None:
    """Return a Block from (file line, plain text) parts, or None if there is no text.

    Prose lines are joined with spaces; headings, table cells and checklist lines are separate units.
    """
    parts = [(line, text) for line, text in parts if text]
    if not parts:
        return None
    sep = " " if kind in PROSE else "\n"
    starts, offset = [], 0
    for _, text in parts:
        starts.append(offset)
        offset += len(text) + 1
    text = sep.join(t for _, t in parts)
    lines = tuple(line for line, _ in parts)
    sentences = []
    for a, b in split_sentences(text):
        sentence = text[a:b]
        if sentence.strip():
            sentences.append(Sentence(a, b, sentence, tuple(NON_WORD.sub("", sentence.lower()).split()),
                                      lines[max(0, bisect_right(starts, a) - 1)]))
    lower = text.lower()
    risk = RISK.search(text) if any(key in lower for key in RISK_KEYS) else None
    return Block(kind, text, tuple(starts), lines, tuple(sentences), lower, risk)


def fenced_blocks(lines: list[str]) -> dict[int, tuple[int, str]]:
    """Return the fenced code blocks of a body's lines: {opening line: (closing line, language)}. As in
    Python-Markdown, a block ends at the next line of its own fence alone, and a fence never closed is text;
    and as Python-Markdown does before it looks for fences, tabs count as spaces ("```\t" closes a block)."""
    lines = [line.expandtabs(4) if "\t" in line else line for line in lines]
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if line[:1] in "`~" and (m := CLOSING_FENCE.match(line)):
            closers.setdefault(m.group(1), []).append(i)
    blocks: dict[int, tuple[int, str]] = {}
    i = 0
    while i < len(lines):
        own = OWN_BLOCK.match(lines[i])
        if own:  # our blocks end as markup.py ends them: at the next line that is the fence, indented or not
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == own.group(1)), None)
            if end is not None:
                blocks[i] = (end, own.group(2))
                i = end + 1
                continue
        m = FENCE.match(lines[i]) if lines[i][:1] in "`~" else None
        found = closers.get(m.group(1), []) if m else []
        at = bisect_right(found, i)
        if m and at < len(found):
            blocks[i] = (found[at], m.group(2) or "")
            i = found[at]
        i += 1
    return blocks


@dataclass(frozen=True)
class Text:
    """A page body as plain-text blocks, plus the raw Markdown lines outside fenced blocks."""

    blocks: tuple[Block, ...]
    md_lines: tuple[tuple[int, str], ...]


def _cells(row: str) -> str:
    return "\n".join(plain(cell) for cell in row.strip().strip("|").split("|"))


def scan(body_md: str, first_line: int) -> Text:
    """Return the blocks of a Markdown body; body line i (0-based) is file line first_line + i."""
    blocks: list[Block] = []
    md_lines: list[tuple[int, str]] = []
    parts: list[tuple[int, str]] = []
    kind, raw_lines = "para", body_md.splitlines()
    fences, fence_end = fenced_blocks(raw_lines), -1
    in_note = False

    def flush(new_kind: str = "para") -> None:
        nonlocal parts, kind
        block = make_block(kind, parts)
        if block is not None:
            blocks.append(block)
        parts, kind = [], new_kind

    for i, raw in enumerate(raw_lines):
        n, stripped = first_line + i, raw.strip()
        if i <= fence_end:
            if i == fence_end:
                flush()
            elif kind == "checklist":
                parts.append((n, plain(CHECKLIST_KEY.sub("", raw).rstrip().rstrip("\"'"))))
            continue
        if i in fences:
            fence_end, language = fences[i]
            flush("checklist" if language == "checklist" else "code")
            continue
        md_lines.append((n, raw))
        if in_note and raw.startswith(("    ", "\t")) and stripped:
            continue  # a footnote's indented continuation
        in_note = bool(FOOTNOTE_DEF.match(raw))
        if not stripped or LINK_DEF.match(raw) or in_note:
            flush()  # footnotes are citations, not prose: they do not count towards reading grades
        elif SETEXT.match(raw) and parts and kind == "para":  # only the line above is the heading
            head = parts.pop()
            flush("heading")
            parts.append(head)
            flush()
        elif RULE_LINE.match(raw):
            flush()
        elif m := ADMONITION.match(raw):
            flush("title")
            parts.append((n, plain(m.group(1) or "")))
            flush()
        elif HEADING.match(raw):
            flush("heading")
            parts.append((n, plain(HEADING.sub("", raw).rstrip("# "))))
            flush()
        elif TABLE_SEP.match(raw) and kind == "para" and len(parts) == 1:
            head_line = parts[0][0]
            kind, parts = "table", [(head_line, _cells(raw_lines[head_line - first_line]))]
        elif kind == "table" and "|" in stripped or stripped.startswith("|"):
            if kind != "table":
                flush("table")
            if not TABLE_SEP.match(raw):
                parts.append((n, _cells(raw)))
        elif ITEM.match(raw):
            flush("item")
            parts.append((n, plain(QUOTE.sub("", ITEM.sub("", raw, count=1)))))
        else:
            if kind in ("table", "heading"):
                flush()
            parts.append((n, plain(QUOTE.sub("", raw))))
    flush()
    return Text(tuple(blocks), tuple(md_lines))


# --- Readability -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _hyphenator() -> Pyphen:
    """Return the en_US hyphenation dictionary (textstat's default), loaded on first use: loading takes
    over 0.1 s, and a build whose pages all come from the render cache never needs it."""
    return Pyphen(lang="en_US")


# Every syllable count this process knows: taken from earlier builds (remember_syllables) or made here with the
# hyphenation dictionary (also noted in _NEW until counted_syllables() hands them on). The build keeps them in
# its cache (under counts_id()), so linting an edited page whose words are all known never loads the
# dictionary (0.07 s).
_COUNTS: dict[str, int] = {}
_NEW: dict[str, int] = {}


def counts_id() -> str:
    """Return what the syllable counts depend on: this module's source (how a count is made), pyphen's version
    and the dictionary file's path, size and mtime (not its text). Not the rest of the engine: a build after
    any other engine change keeps using the counts."""
    import pyphen

    path = pyphen.LANGUAGES["en_US"]
    try:
        info = os.stat(path)
        source = Path(__file__).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(b"%s\0%s\0%s %d %d" % (source, getattr(pyphen, "__version__", "").encode(),
                                                    os.fsencode(path), info.st_size, info.st_mtime_ns)).hexdigest()


def remember_syllables(known: Mapping[str, int]) -> None:
    """Take counts made with the same dictionary (counts_id) elsewhere: they answer before pyphen does."""
    _COUNTS.update(known)


def counted_syllables() -> dict[str, int]:
    """Return the counts this process made with the dictionary since the last call (and forget which they were)."""
    new = dict(_NEW)
    _NEW.clear()
    return new


def known_syllables() -> dict[str, int]:
    """Return every count this process knows."""
    return dict(_COUNTS)


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Return the syllables of one lower-case word without punctuation, counted as textstat 0.7.4 does."""
    known = _COUNTS.get(word)
    if known is not None:
        return known
    if word.isascii() and word.isdigit():
        return 1  # no hyphenation pattern holds a digit: pyphen never splits a number
    count = _COUNTS[word] = _NEW[word] = len(_hyphenator().positions(word)) + 1
    return count


def fk_grade(sentences: Iterable[Sentence]) -> tuple[float, int]:
    """Return (Flesch-Kincaid grade, word count) of sentences.

    Same formula and counting as textstat.flesch_kincaid_grade, without its intermediate rounding:
    sentences of two words or fewer do not count as sentences, but their words do. Counting our own
    sentences keeps page, paragraph and sentence rules consistent and lets one pass serve all three.
    """
    words = syl = count = 0
    for sentence in sentences:
        words += len(sentence.words)
        syl += sentence.syllables
        count += len(sentence.words) > 2
    if not words:
        return 0.0, 0
    return 0.39 * words / max(1, count) + 11.8 * syl / words - 15.59, words
