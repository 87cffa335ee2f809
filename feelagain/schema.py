"""Declared, typed schemas for front matter and site.yml: one Field per key, one checker per type."""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .discover import SLUG
from .errors import BuildError, SourceLocation, did_you_mean
from .frozen import by_fields
from .yamlfile import LineMap

Checker = Callable[[Any], str | None]  # returns a problem text, or None when the value is fine
# What `new` writes for the editor to replace: description, first key point, body text (issue #13, item 17).
PLACEHOLDERS = ("One sentence about this page for search results.", "The first key point.",
                "Write here, in short sentences.")


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date too
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping",
            type(None): "empty"}.get(type(value), type(value).__name__)


def is_text(value: Any) -> str | None:
    """Non-empty text."""
    if isinstance(value, bool):
        return "is a yes/no value, not text"
    if not isinstance(value, str):
        return f"should be text but is {type_name(value)}"
    return None if value.strip() else "is empty"


def is_int(value: Any) -> str | None:
    """A whole number."""
    return None if isinstance(value, int) and not isinstance(value, bool) else f"should be a whole number but is {type_name(value)}"


def is_bool(value: Any) -> str | None:
    """true or false."""
    return None if isinstance(value, bool) else f"should be true or false but is {type_name(value)}"


QUOTED_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def is_date(value: Any) -> str | None:
    """A YYYY-MM-DD date."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return None
    if isinstance(value, str) and QUOTED_DATE.fullmatch(value.strip()):
        return "should be a date like 2026-11-25 but is text (a date in quotes is read as text)"
    return f"should be a date like 2026-11-25 but is {type_name(value)}"


def is_text_list(value: Any) -> str | None:
    """A list of non-empty texts."""
    if not isinstance(value, list):
        return f"should be a list but is {type_name(value)}"
    for item in value:
        if is_text(item):
            return f"should hold only text items, but one is {type_name(item)}"
    return None


def is_https_url(value: Any) -> str | None:
    """An absolute https URL."""
    if is_text(value):
        return is_text(value)
    return None if re.fullmatch(r"https://[^\s<>\"]+", value) else "should be an https:// address"


DOI = re.compile(r"10\.\d{4,9}/[^\s<>\"]+")


def is_doi(value: Any) -> str | None:
    """A bare DOI such as 10.1192/bjp.bp.108.051110 (no "doi:" or https://doi.org/ in front)."""
    if is_text(value):
        return is_text(value)
    return None if DOI.fullmatch(value) else "should be a DOI like 10.1192/bjp.bp.108.051110"


# A short BCP 47 tag: a language (en, es, pt) and optional subtags (pt-BR, zh-Hant). Not every tag this matches
# exists, but every real language code an editor would write matches it.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def is_language_tag(value: Any) -> str | None:
    """A language code such as en, es or pt-BR."""
    if is_text(value):
        return is_text(value)
    return None if LANGUAGE_TAG.fullmatch(value) else "should be a language code like en or es"


def is_slug(value: Any) -> str | None:
    """A page slug: lower-case letters, digits and hyphens."""
    if is_text(value):
        return is_text(value)
    return None if SLUG.fullmatch(value) else "should be a page name like causes"


def max_length(limit: int) -> Checker:
    """Text of at most limit characters."""
    def check(value: Any) -> str | None:
        problem = is_text(value)
        if problem:
            return problem
        return None if len(value) <= limit else f"is {len(value)} characters long; keep it to {limit}"
    return check


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its checker, whether it is required, and what it is for."""

    name: str
    check: Checker
    doc: str
    required: bool = False
    hint: str = ""


# The words YAML 1.1 reads as true or false when they are not in quotes.
YAML_BOOLS = re.compile(r"(?i:y|yes|n|no|true|false|on|off)")


def _written(value: Any, line: int, text_lines: Sequence[str]) -> str:
    """Return the word the editor wrote for a yes/no value (from the file line when known), e.g. yes or Off."""
    if 0 < line <= len(text_lines):
        written = text_lines[line - 1].split(":", 1)[-1].split(" #", 1)[0].strip()
        if YAML_BOOLS.fullmatch(written):
            return written
    return "Yes" if value else "No"


def _quoted(text: str, limit: int = 80) -> str:
    """Return text in double quotes as YAML reads it back, shortened with … past limit characters."""
    shown = text if len(text) <= limit else text[:limit + 1].rsplit(" ", 1)[0].rstrip() + "…"
    return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'


def colon_item(item: Any) -> str | None:
    """Return the text of a list item YAML read as a one-entry mapping because of ': ' in it ("Note: it…"),
    or None. A key point or checklist item is text, and "Note: it helps" is a key, a colon and a value to YAML."""
    if not isinstance(item, dict) or len(item) != 1:
        return None
    (key, value), = item.items()
    if isinstance(key, (dict, list)) or isinstance(value, (dict, list)):
        return None
    return f"{key}:" if value is None else f"{key}: {value}"


def colon_problem(text: str, where: str) -> tuple[str, str]:
    """Return (problem, hint) for a text item YAML read as "name: value" (colon_item)."""
    return (f'{where} was read as "name: value" because of the ": " in it',
            f"put the text in quotes: - {_quoted(text)}")


def check_mapping(raw: Any, fields: tuple[Field, ...], loc: SourceLocation, lines: LineMap,
                  what: str, text_lines: Sequence[str] = (), text_item: bool = False) -> tuple[dict[str, Any], list[BuildError]]:
    """Validate a mapping against fields; return (known good values, every problem found).

    text_lines (the file's lines) let a hint quote what the editor wrote. text_item says raw is a list item
    that may be plain text: then a one-entry mapping with an unknown key is text with ": " in it.
    """
    errors: list[BuildError] = []
    if not isinstance(raw, dict):
        return {}, [BuildError(loc.at(lines.line), f"{what} should be a set of 'key: value' lines",
                               "see docs/design.md for the fields")]
    by_name = {f.name: f for f in fields}
    text = colon_item(raw) if text_item else None
    if text is not None and str(next(iter(raw))) not in by_name:
        return {}, [BuildError(loc.at(lines.line), *colon_problem(text, what))]
    good: dict[str, Any] = {}
    for key, value in raw.items():
        at = loc.at(lines.at(key))
        spec = by_name.get(str(key))
        if spec is None:
            guess = did_you_mean(str(key), list(by_name))
            known = ", ".join(by_name)
            errors.append(BuildError(at, f'unknown field "{key}" in {what}', guess or f"known fields: {known}"))
            continue
        problem = spec.check(value)
        if problem and spec.check is is_text_list and isinstance(value, list):
            index = next((i for i, item in enumerate(value) if colon_item(item) is not None), None)
            if index is not None:  # point at the item itself, not at the key above the list
                text = colon_item(value[index])
                assert text is not None
                errors.append(BuildError(loc.at(lines.at(key, index)), *colon_problem(text, f'"{key}" item {index + 1}')))
                continue
        if problem:
            hint = spec.hint or f"{key}: {spec.doc}"
            if problem.startswith("is a yes/no value, not text"):  # YAML reads a bare no, yes, on, off as true/false
                hint = f'put the text in quotes, e.g. {key}: "{_written(value, lines.at(key), text_lines)}"'
            elif spec.check is is_date and isinstance(value, str) and QUOTED_DATE.fullmatch(value.strip()):
                hint = f"remove the quotes: {key}: {value.strip()}"
            errors.append(BuildError(at, f'"{key}" {problem}', hint))
        else:
            good[spec.name] = value
    for spec in fields:
        if spec.required and spec.name not in raw:
            errors.append(BuildError(loc.at(lines.line), f'"{spec.name}" is missing from {what}',
                                     f'add "{spec.name}: …" ({spec.doc})'))
    return good, errors


@dataclass(frozen=True, slots=True)
class Source:
    """A publication a page draws on."""

    __reduce__ = by_fields  # pickled as a call of the class (frozen.py)

    publisher: str
    title: str
    url: str | None = None
    year: int | None = None
    doi: str | None = None
    lang: str | None = None  # the language of the title (BCP 47, e.g. en), when the editor gave it

    def lang_for(self, page_language: str) -> str | None:
        """The lang attribute the title needs on a page in page_language: its language when that differs, else None."""
        return self.lang if self.lang and self.lang.lower() != page_language.lower() else None

    @property
    def doi_url(self) -> str | None:
        """The DOI as an https://doi.org/ link, or None."""
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def link(self) -> str | None:
        """Where a reader can find the source: its url, else its DOI link."""
        return self.url or self.doi_url


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The validated front matter of one page."""

    __reduce__ = by_fields  # pickled as a call of the class (frozen.py)

    title: str
    description: str
    reviewed: datetime.date
    next_review: datetime.date
    sources: tuple[Source, ...]
    nav_title: str | None = None
    order: int = 1000
    summary: tuple[str, ...] = ()
    aspect: str | None = None
    faq: bool = False
    template: str | None = None
    translation_of: str | None = None  # the default-language page this one translates (pages in other languages)


SOURCE_FIELDS = (
    Field("publisher", is_text, "who published it, e.g. NHS", required=True),
    Field("title", is_text, "the title of the page, paper or book", required=True),
    Field("url", is_https_url, "an https:// link, only if you have checked it exists"),
    Field("year", is_int, "year of publication"),
    Field("doi", is_doi, "the DOI of a paper, e.g. 10.1192/bjp.bp.108.051110",
          hint='write the bare DOI, e.g. doi: 10.1192/bjp.bp.108.051110 (no "doi:" or https://doi.org/ in front)'),
    Field("lang", is_language_tag, "the language of the title, e.g. en, when it is not the page's language",
          hint="write a language code, e.g. lang: en for an English title or lang: es for a Spanish one"),
)


def is_source_list(value: Any) -> str | None:
    """A list (checked item by item later)."""
    return None if isinstance(value, list) else f"should be a list but is {type_name(value)}"


PAGE_FIELDS = (
    Field("title", is_text, "the page title", required=True),
    Field("nav_title", is_text, "a shorter title for navigation"),
    Field("description", max_length(160), "one sentence for search results (160 characters at most)", required=True),
    Field("order", is_int, "position in the navigation when site.yml does not list the page"),
    Field("reviewed", is_date, "date of the last review, YYYY-MM-DD", required=True),
    Field("next_review", is_date, "date the next review is due, YYYY-MM-DD", required=True),
    Field("sources", is_source_list, "list of {publisher, title, url, doi, year, lang}", required=True),
    Field("summary", is_text_list, "list of key points"),
    Field("aspect", is_text, "what the page covers for search engines, e.g. causes"),
    Field("faq", is_bool, "true if every ## heading is a question"),
    Field("template", is_slug, "template name without .html, e.g. page"),
    Field("translation_of", is_slug, "the page name in the default language this page translates, e.g. signs"),
)


def _check_sources(raw: list[Any], loc: SourceLocation, lines: LineMap,
                   text_lines: Sequence[str] = ()) -> tuple[tuple[Source, ...], list[BuildError]]:
    sources: list[Source] = []
    errors: list[BuildError] = []
    for index, item in enumerate(raw):
        items = lines.items("sources")
        item_lines = items[index] if index < len(items) else LineMap(lines.at("sources", index), {})
        good, problems = check_mapping(item, SOURCE_FIELDS, loc, item_lines, f"source {index + 1}", text_lines)
        errors.extend(problems)
        if not problems:
            sources.append(Source(good["publisher"], good["title"], good.get("url"), good.get("year"), good.get("doi"),
                                  good.get("lang")))
    return tuple(sources), errors


def validate_meta(raw: Any, loc: SourceLocation, lines: LineMap, text_lines: list[str]) -> tuple[PageMeta | None, list[BuildError]]:
    """Return the validated PageMeta (None when invalid) and every problem found."""
    good, errors = check_mapping(raw, PAGE_FIELDS, loc, lines, "the front matter", text_lines)
    sources: tuple[Source, ...] = ()
    if isinstance(good.get("sources"), list):
        sources, source_errors = _check_sources(good["sources"], loc, lines, text_lines)
        errors.extend(source_errors)
    errors.extend(_comment_traps(good, loc, lines, text_lines))
    if errors:
        return None, errors
    meta = PageMeta(
        title=good["title"].strip(), description=good["description"].strip(),
        reviewed=good["reviewed"], next_review=good["next_review"], sources=sources,
        nav_title=good.get("nav_title"), order=good.get("order", 1000),
        summary=tuple(s.strip() for s in good.get("summary", ())), aspect=good.get("aspect"),
        faq=good.get("faq", False), template=good.get("template"),
        translation_of=good.get("translation_of"))
    if meta.next_review <= meta.reviewed:
        errors.append(BuildError(loc.at(lines.at("next_review")), "next_review is not after reviewed",
                                 "set next_review to a later date than reviewed"))
        return None, errors
    return meta, errors


def _comment_traps(good: dict[str, Any], loc: SourceLocation, lines: LineMap, text_lines: list[str]) -> list[BuildError]:
    """Catch 'title: Update #2', where YAML silently drops everything after ' #'."""
    errors = []
    for key in ("title", "nav_title", "description"):
        value = good.get(key)
        line = lines.at(key)
        if not isinstance(value, str) or not 0 < line <= len(text_lines):
            continue
        source_line = text_lines[line - 1]
        stripped = source_line.split(":", 1)[-1].strip()
        if " #" in source_line and not stripped.startswith(("'", '"', "|", ">")) and "#" not in value:
            errors.append(BuildError(loc.at(line), f'"{key}" was cut at " #": YAML read the rest as a comment',
                                     f'put the whole value in quotes: {key}: "{stripped}"'))
    return errors


def placeholder_lines(text: str) -> list[int]:
    """Return the file lines that still hold placeholder text from `new`."""
    if not any(p in text for p in PLACEHOLDERS):
        return []
    return [number for number, line in enumerate(text.split("\n"), 1) if any(p in line for p in PLACEHOLDERS)]
