"""Content linter: reading level, safe-messaging language, help links, sources, review dates, links, alt text.

The rules live in one table, `RULES`: an id (used in `lint.disabled`), a severity, and a check that takes a
`Context` and yields `(line, problem, hint)`; `lint_page` turns those into `BuildError`s. Reading-level rules
are warnings, so editors can finish a draft; `--strict` makes them fail the build.

A reviewed exception is written in the Markdown, on its own line above the block it covers:
`<!-- lint: allow safe-language — reviewed by AB, 2026-05 -->` silences the named rules in that block only.

Reading grades are textstat's Flesch-Kincaid (same formula, word and syllable counts), computed here on top
of pyphen, the hyphenation library textstat 0.7.4 counts syllables with. textstat itself is not imported:
0.7.5+ fetch NLTK data from the network on first use, and 0.7.4 does `import pkg_resources`, which
setuptools 82 removed, so it fails to import in any fresh Python 3.12+ environment.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Literal

from ..errors import BuildError, SourceLocation, did_you_mean
from . import readability_es
from .plaintext import FOOTNOTE_DEF, PROSE, RISK, Block, Text, fenced_blocks, fk_grade, scan

Finding = tuple[int | None, str, str]  # (file line, problem, hint)

MIN_GRADED_WORDS = 30  # texts shorter than this swing too much for a reading grade to mean anything
SPLIT_HINT = "split long sentences and prefer short words"


@dataclass(frozen=True)
class SourceRef:
    """One entry of a page's `sources:` list, with the file line it starts on."""

    publisher: str
    title: str
    url: str | None
    doi: str | None
    line: int | None


@dataclass(frozen=True)
class LintPage:
    """What the linter needs to know about one page."""

    path: PurePosixPath
    slug: str
    body_md: str
    body_start_line: int
    body_html: str
    sources_count: int
    sources_line: int | None
    reviewed: date
    next_review: date
    reviewed_line: int | None
    next_review_line: int | None
    links: tuple[tuple[str, int], ...]
    sources: tuple[SourceRef, ...] = ()
    # Digits of every number in crisis.yml; None when the site's crisis lines are not known (rule skipped).
    known_numbers: frozenset[str] | None = None
    # Front-matter text the page shows (title, description, key points), each with its file line.
    meta_texts: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True, repr=False)
class LintSettings:
    """The `lint:` settings of site.yml. Its repr is stable across runs, so it can be part of a cache key."""

    max_grade: float = 8.0
    max_paragraph_grade: float = 10.0  # single paragraphs get a little more room: short ones swing
    max_sentence_words: int = 25
    max_paragraph_sentences: int = 5
    min_sources: int = 2
    min_reading_ease: float = readability_es.MIN_EASE  # Spanish pages: Szigriszt-Pazos, "bastante fácil"
    min_paragraph_ease: float = 50.0  # Spanish paragraphs of 30+ words get room, as English ones get 2 grades
    language: str = "en"  # set per language by the build, never a lint setting
    help_slug: str = "get-help"  # always site.yml's help_page (set by config.load_config), never a lint setting
    disabled: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        values = ", ".join(f"{f.name}={sorted(v) if isinstance(v := getattr(self, f.name), frozenset) else v!r}"
                           for f in fields(self))
        return f"LintSettings({values})"



ALLOW = re.compile(r"^\s*<!--\s*lint:\s*allow\s+([a-z-]+(?:\s*,\s*[a-z-]+)*)\b.*-->\s*$")


@dataclass(frozen=True)
class Allow:
    """A reviewed exception: `<!-- lint: allow safe-language -->` above a block silences those rules there."""

    line: int  # the comment's own line
    rules: tuple[str, ...]
    first: int
    last: int


def find_allows(body_md: str, first_line: int) -> list[Allow]:
    """Return the allow comments of a body; each covers the next block (up to a blank line outside a fence)."""
    if "lint:" not in body_md:
        return []
    found: list[Allow] = []
    current: tuple[int, tuple[str, ...], int | None] | None = None
    raw_lines = body_md.splitlines()
    fences, fence_end = fenced_blocks(raw_lines), -1
    for i, raw in enumerate(raw_lines + [""]):
        n, stripped = first_line + i, raw.strip()
        if m := ALLOW.match(raw):
            current = (n, tuple(re.split(r"\s*,\s*", m.group(1))), None)
        elif current is not None and current[2] is None:
            current = (current[0], current[1], n) if stripped else current
        if i <= fence_end:
            pass
        elif i in fences:
            fence_end = fences[i][0]
        elif not stripped and current is not None and current[2] is not None:
            found.append(Allow(current[0], current[1], current[2], n - 1))
            current = None
    return found



# --- Safe-messaging language -----------------------------------------------------------------------

METHOD = re.compile(
    r"\b(?:overdos\w*\s+(?:on|of)|pills?|tablets?|hanging|hanged"
    r"|hang\s+(?:yourself|themselves|himself|herself|myself)|jump\w*\s+(?:from|off)|ropes?|bridges?"
    r"|ligatures?|firearms?|guns?|poison\w*|razors?|blades?|railway\s+lines?|train\s+tracks?)\b",
    re.I,
)
DIED_BY = 'say "died by suicide" or "took their own life"'
NO_JUDGING = "describe what happens without judging the person"


@dataclass(frozen=True)
class Phrase:
    """A phrase to avoid: pattern, better wording, and whether it only counts near a risk word."""

    pattern: re.Pattern[str]
    hint: str
    near_risk: bool = False


PHRASES = (
    Phrase(re.compile(r"\bcommit(?:s|ted|ting)?\s+suicides?\b", re.I), DIED_BY),
    Phrase(re.compile(r"\b(?:completed|(?:un)?successful)\s+suicides?\b(?!\s+attempt)", re.I), DIED_BY),
    Phrase(re.compile(r"\b(?:(?:un)?successful|failed)\s+(?:suicide\s+)?attempts?\b", re.I),
           'say "suicide attempt"', near_risk=True),
    Phrase(re.compile(r"\b(?:epidemic|sky-?rocket\w*|sweeping)\b", re.I),
           "give the figures plainly, without sensational words", near_risk=True),
    Phrase(re.compile(r"\b(?:without\s+(?:any\s+)?warning|out\s+of\s+(?:nowhere|the\s+blue))\b", re.I),
           "there are usually warning signs and many causes; say what to look out for", near_risk=True),
    Phrase(re.compile(r"\b(?:only\s+way\s+out|end(?:s|ed|ing)?\s+(?:the|their|your|my|his|her|all)\s+pain)\b", re.I),
           "never present suicide as a way out; say that help works and people recover"),
    Phrase(re.compile(r"\b(?:selfish|attention[\s-]+seek\w*)\b", re.I), NO_JUDGING),
    Phrase(re.compile(r"\bcry\s+for\s+help\b", re.I), 'say "a sign that someone needs support"'),
    Phrase(re.compile(r"\b(?:don[’']?t|do\s+not)\s+do\s+anything\s+stupid\b", re.I),
           'say what to do instead, e.g. "please talk to someone today"'),
)


def _quote(found: str) -> str:
    return " ".join(found.split())


# --- Rules -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """Everything a rule may look at."""

    page: LintPage
    text: Text
    settings: LintSettings
    today: date

    def prose(self, kinds: frozenset[str] = PROSE) -> Iterator[Block]:
        """Yield the prose blocks (paragraphs, list items, admonition titles)."""
        return (b for b in self.text.blocks if b.kind in kinds)


PARAGRAPHS = frozenset({"para", "item"})


ES_SPLIT_HINT = "usa frases más cortas y palabras más sencillas (split sentences, use shorter words)"


def check_grade_page(ctx: Context) -> Iterator[Finding]:
    """Flag a page whose reading grade is above max_grade (Spanish: reading ease below min_reading_ease)."""
    if ctx.settings.language == "es":
        ease, count = readability_es.szigriszt_pazos(b.text for b in ctx.prose())
        floor = ctx.settings.min_reading_ease
        if count >= MIN_GRADED_WORDS and round(ease, 1) < floor:
            yield (ctx.page.body_start_line, f"reading ease (Szigriszt-Pazos) {ease:.1f} < {floor:g} "
                   f"({readability_es.band(ease)})", ES_SPLIT_HINT)
        return
    grade, words = fk_grade(s for b in ctx.prose() for s in b.sentences)
    limit = ctx.settings.max_grade
    if words >= MIN_GRADED_WORDS and round(grade, 1) > limit:
        yield ctx.page.body_start_line, f"reading grade {grade:.1f} > {limit:g}", SPLIT_HINT


def check_grade_paragraph(ctx: Context) -> Iterator[Finding]:
    """Flag paragraphs of 30+ words whose reading grade is above max_paragraph_grade (Spanish: ease too low)."""
    if ctx.settings.language == "es":
        floor = ctx.settings.min_paragraph_ease
        for block in ctx.prose(PARAGRAPHS):
            ease, count = readability_es.szigriszt_pazos([block.text])
            if count >= MIN_GRADED_WORDS and round(ease, 1) < floor:
                yield block.line, f"paragraph reading ease (Szigriszt-Pazos) {ease:.1f} < {floor:g}", ES_SPLIT_HINT
        return
    limit = ctx.settings.max_paragraph_grade
    for block in ctx.prose(PARAGRAPHS):
        grade, words = fk_grade(block.sentences)
        if words >= MIN_GRADED_WORDS and round(grade, 1) > limit:
            yield block.line, f"paragraph reading grade {grade:.1f} > {limit:g}", SPLIT_HINT


def check_long_sentence(ctx: Context) -> Iterator[Finding]:
    """Flag sentences longer than max_sentence_words."""
    limit = ctx.settings.max_sentence_words
    if ctx.settings.language == "es":  # Spanish sentences may open with ¿ or ¡: split them the Spanish way
        for block in ctx.prose():
            for offset, count in readability_es.sentence_words(block.text):
                if count > limit:
                    first = " ".join(block.text[offset:].split()[:5])
                    yield block.line_at(offset), f'sentence has {count} words > {limit} ("{first}…")', \
                        "split it into shorter sentences"
        return
    for sentence in (s for b in ctx.prose() for s in b.sentences if len(s.words) > limit):
        start = " ".join(sentence.text.split()[:5])
        yield sentence.line, f'sentence has {len(sentence.words)} words > {limit} ("{start}…")', \
            "split it into shorter sentences"


def check_long_paragraph(ctx: Context) -> Iterator[Finding]:
    """Flag paragraphs with more than max_paragraph_sentences sentences."""
    limit = ctx.settings.max_paragraph_sentences
    for block in ctx.prose(PARAGRAPHS):
        count = (len(readability_es.sentence_words(block.text)) if ctx.settings.language == "es"
                 else len(block.sentences))
        if count > limit:
            yield block.line, f"paragraph has {count} sentences > {limit}", \
                "split it into smaller paragraphs or a list"


# Every match of a phrase that is not tied to a risk word contains one of these (tests check each phrase).
PHRASE_KEYS = ("way out", "pain", "selfish", "attention", "cry", "stupid")


def check_safe_language(ctx: Context) -> Iterator[Finding]:
    """Flag wording that safe-messaging guidance advises against, and possible method details."""
    if ctx.settings.language == "es":
        for block in ctx.text.blocks:
            if not any(key in block.lower for key in readability_es.PHRASE_KEYS):
                continue
            for pattern, hint in readability_es.PHRASES:
                for m in pattern.finditer(block.text):
                    yield block.line_at(m.start()), f'avoid "{_quote(m.group())}"', hint
    for block in ctx.text.blocks:
        if block.risk is None and not any(key in block.lower for key in PHRASE_KEYS):
            continue
        for s in block.sentences:
            risk = RISK.search(s.text) if block.risk else None
            for phrase in (p for p in PHRASES if risk or not p.near_risk):
                for m in phrase.pattern.finditer(s.text):
                    yield block.line_at(s.start + m.start()), f'avoid "{_quote(m.group())}"', phrase.hint
            if risk and (method := METHOD.search(s.text)):
                yield (block.line_at(s.start + method.start()),
                       f'possible method detail "{_quote(method.group())}" near "{_quote(risk.group())}"',
                       "remove it or ask a reviewer")


@lru_cache(maxsize=16)
def help_href(slug: str) -> re.Pattern[str]:
    """Return a pattern matching the hrefs that point at the help page."""
    s = re.escape(slug)
    return re.compile(rf"(?:\./)?{s}\.md(?:#.*)?|(?:\./|(?:\.\./)+|/)?{s}(?:/(?:index\.html)?)?(?:[?#].*)?")


def check_help_link(ctx: Context) -> Iterator[Finding]:
    """Flag a page that mentions suicide, self-harm or overdose but does not link to the help page."""
    slug = ctx.settings.help_slug
    if ctx.page.slug == slug or any(help_href(slug).fullmatch(h.strip()) for h, _ in ctx.page.links):
        return
    if ctx.settings.language == "es":
        for block in ctx.text.blocks:
            if any(k in block.lower for k in readability_es.RISK_KEYS) and (m := readability_es.RISK.search(block.text)):
                yield (block.line_at(m.start()), f'mentions "{_quote(m.group())}" but does not link to the help page',
                       f"add a link in the text, e.g. [obtener ayuda]({slug}.md)")
                return
    for block in ctx.text.blocks:
        if m := block.risk:
            yield (block.line_at(m.start()), f'mentions "{_quote(m.group())}" but does not link to the help page',
                   f"add a link in the text, e.g. [get help now]({slug}.md)")
            return


def check_sources_missing(ctx: Context) -> Iterator[Finding]:
    """Flag a page without sources."""
    wanted = ctx.settings.min_sources
    if wanted > 0 and ctx.page.sources_count == 0:
        yield ctx.page.sources_line, "no sources", f"add at least {wanted} reputable sources under `sources:`"


def check_sources_few(ctx: Context) -> Iterator[Finding]:
    """Flag a page with some sources, but fewer than min_sources."""
    have, wanted = ctx.page.sources_count, ctx.settings.min_sources
    if 0 < have < wanted:
        yield (ctx.page.sources_line, f"only {have} source{'s' if have != 1 else ''}",
               f"add at least {wanted} reputable sources under `sources:`")


def check_review_overdue(ctx: Context) -> Iterator[Finding]:
    """Flag a page whose next_review date has passed."""
    if ctx.page.next_review < ctx.today:
        yield (ctx.page.next_review_line, f"review overdue since {ctx.page.next_review.isoformat()}",
               "review the page, then update `reviewed` and `next_review`")


def check_review_order(ctx: Context) -> Iterator[Finding]:
    """Flag a next_review date that is not after the reviewed date."""
    page = ctx.page
    if page.next_review <= page.reviewed:
        yield (page.next_review_line or page.reviewed_line,
               f"next_review {page.next_review.isoformat()} is not after reviewed {page.reviewed.isoformat()}",
               "set next_review to a later date")


MAX_REVIEW_YEARS = 3  # a next review more than 3 years after the last one is a typo (2126 for 2026)


def check_review_future(ctx: Context) -> Iterator[Finding]:
    """Flag a reviewed date after today (the build's day, as crisis.yml's verified_on): a typo, or a review that
    has not happened."""
    if ctx.page.reviewed > ctx.today:
        yield (ctx.page.reviewed_line, f"reviewed {ctx.page.reviewed.isoformat()} is in the future",
               "write the day the page was last reviewed")


def check_review_far(ctx: Context) -> Iterator[Finding]:
    """Flag a next_review date more than 3 years after reviewed."""
    page = ctx.page
    reviewed, later = page.reviewed, page.next_review
    # Compared as (years after, month, day), not by adding 3 years to a date: 9998 + 3 is past the last date
    # Python knows. The 3rd anniversary of 29 February is 28 February.
    day = 28 if (reviewed.month, reviewed.day) == (2, 29) else reviewed.day
    if (later.year - reviewed.year, later.month, later.day) > (MAX_REVIEW_YEARS, reviewed.month, day):
        yield (page.next_review_line, f"next_review {page.next_review.isoformat()} is more than 3 years after "
               f"reviewed {page.reviewed.isoformat()}", "check the year: most pages are reviewed again within a year")


MD_IMAGE_NO_ALT = re.compile(r"!\[\s*\]\s*[(\[]")
IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
HAS_ALT = re.compile(r"\salt\s*=", re.I)
ALT_HINT = 'add alt="what it shows", or alt="" if it is only decoration'


def check_image_alt(ctx: Context) -> Iterator[Finding]:
    """Flag images without alt text."""
    raw_missing = 0
    for line, raw in ctx.text.md_lines:
        for _ in MD_IMAGE_NO_ALT.finditer(raw):
            yield line, "image has no alt text", "say what the image shows inside the brackets: ![what it shows](…)"
        for tag in IMG_TAG.finditer(raw):
            if not HAS_ALT.search(tag.group()):
                raw_missing += 1
                yield line, "<img> has no alt attribute", ALT_HINT
    html_missing = sum(1 for tag in IMG_TAG.finditer(ctx.page.body_html) if not HAS_ALT.search(tag.group()))
    if html_missing > raw_missing:
        yield ctx.page.body_start_line, "an image in the rendered page has no alt attribute", ALT_HINT


def check_allow_comment(ctx: Context) -> Iterator[Finding]:
    """Flag allow comments that name a rule that does not exist."""
    for line, raw in ctx.text.md_lines if "lint:" in ctx.page.body_md else ():
        for rule_id in re.split(r"\s*,\s*", m.group(1)) if (m := ALLOW.match(raw)) else ():
            if rule_id not in RULE_IDS:
                yield (line, f'unknown lint rule "{rule_id}" in an allow comment',
                       did_you_mean(rule_id, RULE_IDS) or "rules: " + ", ".join(RULE_IDS))


def check_source_link(ctx: Context) -> Iterator[Finding]:
    """Flag a source with neither a url nor a doi: a reader must be able to find it."""
    for source in ctx.page.sources:
        if not source.url and not source.doi:
            yield (source.line, f'source "{_short(source.title)}" has no url or doi',
                   "add the https:// address you read it at (url: …) or its DOI (doi: 10.…)")


# A NICE guideline is named by its code: NG116, CG90, QS8, TA97, PH50, NG222…
NICE = re.compile(r"\bNICE\b|(?i:National Institute for Health and (?:Care|Clinical) Excellence)")
NICE_CODE = re.compile(r"\b(?:NG|CG|QS|TA|PH|MPG|SC|HTG|IPG|DG|MTG|NM)\d+\b")


def check_source_nice(ctx: Context) -> Iterator[Finding]:
    """Flag a NICE source that does not name its guideline code (e.g. NG116) in the title or url."""
    for source in ctx.page.sources:
        if NICE.search(source.publisher) or NICE.search(source.title):
            if not NICE_CODE.search(source.title) and not NICE_CODE.search((source.url or "").upper()):
                yield (source.line, f'NICE source "{_short(source.title)}" names no guideline',
                       'cite one guideline with its code in the title, e.g. "Post-traumatic stress disorder (NG116)", '
                       "and its https://www.nice.org.uk/guidance/… url")


# A statistic: a number with a per cent sign ("46%", "9.9 %", "46 per cent", "twenty per cent"), or a rate such as
# "1 in 10 people", "one in four" or "3 out of 5"; on Spanish pages "20 por ciento", "treinta y cinco por ciento",
# "1 de cada 10" or "uno de cada cuatro". Counts like "5 things" or "0 to 10" are not statistics, nor "a hundred
# per cent" or "cien por ciento" (as in "sure").
_DIGITS = r"\d{1,3}(?:,\d{3})*"
_EN_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
             "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ES_WORDS = ("uno", "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
             "doce", "trece", "catorce", "quince", "veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta",
             "ochenta", "noventa")


def _trie(words: Iterable[str]) -> str:
    """Return a regex matching any of words, grouped by their first letters ("six(?:teen|ty)?"): at a position
    where no word starts it fails after a letter or two, instead of trying every word in turn."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[0], []).append(word[1:])
    parts = []
    for head, tails in sorted(heads.items()):
        rest = [tail for tail in tails if tail]
        if not rest:
            parts.append(head)
        elif len(rest) < len(tails):  # the head alone is a word too: the rest is optional (greedy: longest first)
            parts.append(f"{head}(?:{_trie(rest)})?")
        else:
            parts.append(head + _trie(rest))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _statistic(words: tuple[str, ...], big: tuple[str, ...], per_cent: str, compound: str, rate: str) -> re.Pattern[str]:
    """Return the statistic pattern of one language: number words, the words for 100 and 1000 that only count in
    a rate ("one in a hundred", not "a hundred per cent"), how it says per cent, joins two number words
    ("twenty-five", "treinta y cinco") and says a rate ("in", "de cada")."""
    word = _trie(words)
    big_number = "|".join(big)
    number = rf"(?:{_DIGITS}|{word}|{big_number})"
    # Every kind starts a word with a digit or the first letter of a number word: the lookahead lets the regex
    # engine skip every other position at once. A number word is matched once, then followed by "per cent" or
    # a rate: trying the word for each kind in turn cost a fifth more time on an English page (same matches).
    initials = "".join(sorted({w[0] for w in words + big}))
    return re.compile(
        rf"(?<!\w)(?=[\d{initials}{initials.upper()}])(?:\d+(?:[.,]\d+)?\s?(?:%|{per_cent}\b)"
        rf"|{word}(?:(?:{compound}{word})?\s+{per_cent}\b|\s+{rate}\s+{number}\b)"
        rf"|(?:{_DIGITS}|{big_number})\s+{rate}\s+{number}\b)",
        re.I)


STATISTIC = _statistic(_EN_WORDS, (r"a\s+hundred", r"a\s+thousand"), r"per\s?cent", r"[\s-]",
                       r"(?:in|out\s+of)(?:\s+every)?")
STATISTIC_ES = _statistic(_ES_WORDS, ("cien", "mil"), r"por\s+ciento", r"\s+y\s+", r"de\s+cada")


def statistic_pattern(language: str) -> re.Pattern[str]:
    """Return the statistic pattern of a page's language (English for every language without its own)."""
    return STATISTIC_ES if language == "es" else STATISTIC


# Any [^label] outside a note marks a source, a colon after it or not ("One study[^a]: 46%…").
FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")


def statistics_in(text: Text, pattern: re.Pattern[str] = STATISTIC) -> Iterator[tuple[int, str, bool]]:
    """Yield (file line, statistic, whether its line has a footnote reference) for each statistic in a body
    (pattern: statistic_pattern() of the page's language)."""
    in_note = False
    for line, raw in text.md_lines:
        if in_note and raw.startswith(("    ", "\t")) and raw.strip():
            continue  # a footnote's indented continuation
        in_note = bool(FOOTNOTE_DEF.match(raw))
        if in_note:
            continue  # a footnote's own text is the citation, not a claim
        for m in pattern.finditer(_without_link_targets(raw)):
            yield line, m.group(), bool(FOOTNOTE_REF.search(raw))


def _without_link_targets(raw: str) -> str:
    """Return a Markdown line without its link targets: "(…/46%20x)" in a URL is not a statistic."""
    return re.sub(r"\]\([^)]*\)", "]", raw) if "](" in raw else raw


META_STATISTIC_HINT = ("footnotes work only in the body: keep figures out of the title, description and key points, "
                       "and give them in the body with a footnote to the source — see docs/editing.md")


def check_statistic_footnote(ctx: Context) -> Iterator[Finding]:
    """Flag a statistic on a line that carries no footnote reference to its source, and any statistic or footnote
    marker in the front matter (title, description, key points), where a footnote cannot work."""
    pattern = statistic_pattern(ctx.settings.language)
    for line, stat, noted in statistics_in(ctx.text, pattern):
        if not noted:
            yield (line, f'statistic "{_quote(stat)}" has no footnote',
                   "add a footnote that names its source, e.g. …46%.[^goodwin] and a line "
                   "[^goodwin]: Goodwin and others (2017), … — see docs/editing.md")
    for text, meta_line in ctx.page.meta_texts:
        if stat_match := pattern.search(text):
            yield meta_line, f'statistic "{_quote(stat_match.group())}" in the front matter', META_STATISTIC_HINT
        elif marker := FOOTNOTE_REF.search(text):
            yield (meta_line, f'footnote marker "{marker.group()}" in the front matter shows as typed',
                   META_STATISTIC_HINT)


def _short(title: str) -> str:
    return title if len(title) <= 50 else title[:47] + "…"
# A phone number in page text: digit groups with spaces or hyphens, optionally after "+", 3 to 15 digits.
PHONE_IN_TEXT = re.compile(r"(?<![\w.,/:#-])\+?\d(?:[ -]?\d)*(?![\w%/-]|[.,]\d)")
# Words that, just before a number, say it is one to call or text ("call or text 988", "text HOME to 85258").
PHONE_WORD = re.compile(r"\b(?:call\w*|ring|phon\w*|dial\w*|text\w*|sms|tel|freephone|numbers?)\b[^.!?\d]{0,25}$", re.I)
NOT_PHONE = re.compile(r"(?:19|20)\d\d[-–](?:19|20)?\d\d|\d{4}-\d\d-\d\d")  # year ranges, ISO dates
DIAL_LINK = re.compile(r"^\s*(tel|sms):\s*([^?#]*)", re.I)
DIGIT = re.compile(r"\d")
NUMBER_HINT = "take the number out of the text: add it to content/crisis.yml and show it with a crisis block"


def _looks_like_phone(text: str, m: re.Match[str]) -> bool:
    """Return True when a run of digits in text reads as a phone number, not a year, count or statistic."""
    found, digits = m.group(), re.sub(r"\D", "", m.group())
    if not 3 <= len(digits) <= 15:
        return False
    if NOT_PHONE.fullmatch(found):
        return False
    if found.startswith("+") or (re.search(r"\d[ -]\d", found) and len(digits) >= 6):
        return True  # "+353 …" or grouped digits ("116 123", "0808 808 8000") are numbers, whatever the words
    return bool(PHONE_WORD.search(text[max(0, m.start() - 40):m.start()]))


def check_crisis_number(ctx: Context) -> Iterator[Finding]:
    """Flag a phone number in page text, or a tel:/sms: link, that is not in content/crisis.yml."""
    known = ctx.page.known_numbers
    if known is None:
        return
    texts: list[tuple[str, int | None | Block]] = [(text, line) for text, line in ctx.page.meta_texts]
    texts += [(b.text, b) for b in ctx.text.blocks if b.kind != "code"]
    for text, where in texts:
        if not DIGIT.search(text):  # PHONE_IN_TEXT needs a \d; a regex test is far cheaper than a loop
            continue
        for m in PHONE_IN_TEXT.finditer(text):
            if _looks_like_phone(text, m) and re.sub(r"\D", "", m.group()) not in known:
                line = where.line_at(m.start()) if isinstance(where, Block) else where
                yield line, f'phone number "{m.group()}" is not in content/crisis.yml', NUMBER_HINT
    for href, line in ctx.page.links:
        if (dial := DIAL_LINK.match(href)) and re.sub(r"\D", "", dial.group(2)) not in known:
            yield line, f'{dial.group(1).lower()}: link "{href}" is not a number in content/crisis.yml', NUMBER_HINT


@dataclass(frozen=True)
class Rule:
    """One lint rule: its id (used in `lint.disabled`), its severity, and its check."""

    id: str
    severity: Literal["error", "warning"]
    check: Callable[[Context], Iterable[Finding]]


RULES: tuple[Rule, ...] = (
    Rule("grade-page", "warning", check_grade_page),
    Rule("grade-paragraph", "warning", check_grade_paragraph),
    Rule("long-sentence", "warning", check_long_sentence),
    Rule("long-paragraph", "warning", check_long_paragraph),
    Rule("safe-language", "error", check_safe_language),
    Rule("help-link", "error", check_help_link),
    Rule("sources-missing", "error", check_sources_missing),
    Rule("sources-few", "warning", check_sources_few),
    Rule("review-overdue", "warning", check_review_overdue),
    Rule("review-order", "error", check_review_order),
    Rule("review-future", "error", check_review_future),
    Rule("review-far", "warning", check_review_far),
    Rule("image-alt", "error", check_image_alt),
    Rule("allow-comment", "error", check_allow_comment),
    Rule("source-link", "error", check_source_link),
    Rule("source-nice", "error", check_source_nice),
    Rule("statistic-footnote", "warning", check_statistic_footnote),
    Rule("crisis-number", "error", check_crisis_number),
)
RULE_IDS = tuple(rule.id for rule in RULES)
# Checks the build makes outside the linter; their findings carry these ids but cannot be turned off.
BUILD_CHECKS = {"link-scheme": "unsafe links are always errors (the link check reports them)",
                "placeholder": 'placeholder text from "new" is a warning that --strict turns into an error',
                "heading-one": "a level-1 heading in the body is always reported",
                "raw-html": "raw HTML the sanitiser removes is always reported"}


def lint_page(page: LintPage, settings: LintSettings, today: date) -> tuple[list[BuildError], list[BuildError]]:
    """Return (errors, warnings) for one page, each list ordered by line."""
    ctx = Context(page, scan(page.body_md, page.body_start_line), settings, today)
    allows = find_allows(page.body_md, page.body_start_line)
    found: dict[str, list[BuildError]] = {"error": [], "warning": []}
    for rule in RULES:
        if rule.id not in settings.disabled:
            found[rule.severity].extend(
                BuildError(SourceLocation(page.path, line), problem, hint, rule=rule.id)
                for line, problem, hint in rule.check(ctx)
                if not any(rule.id in a.rules and a.first <= (line or 0) <= a.last for a in allows))
    by_line = lambda err: err.location.line or 0
    return sorted(found["error"], key=by_line), sorted(found["warning"], key=by_line)
