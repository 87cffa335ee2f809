"""The site's languages: the `languages` list of site.yml, and how pages in two languages pair up.

The first language is the default: its pages live in content/ and are published at the site root. Every other
language has its pages in content/<code>/ and is published under /<code>/. A page pairs with a page in the
default language by the same slug, or by `translation_of: <default-language slug>` when its slug is translated.
A page without a pair has no hreflang alternates (nothing is machine-translated); its language switcher links
the other languages' home pages instead, as the 404 pages' does.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .errors import BuildError, SourceLocation, did_you_mean
from .schema import Field, check_mapping, is_https_url, is_slug, is_text
from .yamlfile import LineMap

CONFIG_PATH = PurePosixPath("content/site.yml")


@dataclass(frozen=True)
class Language:
    """One language the site is published in."""

    code: str  # BCP 47 tag, e.g. es
    name: str  # the language's name in that language, e.g. Español
    default_region: str
    exit_url: str
    help_page: str
    nav: tuple[str, ...] = ()
    is_default: bool = False
    tagline: str | None = None  # the site's tagline in this language
    # The search settings of this language's search page (another language's `search:`, checked by
    # search.pinned_results); the default language's are site.yml's top-level `search`.
    search: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def prefix(self) -> str:
        """The URL prefix of the language's pages ('' for the default language, 'es/' otherwise)."""
        return "" if self.is_default else f"{self.code}/"

    @property
    def content_subdir(self) -> str:
        """The folder of the language's pages inside content/ ('' for the default language)."""
        return "" if self.is_default else self.code

    @property
    def locale(self) -> str:
        """The Open Graph / Babel locale name, e.g. es or en_GB."""
        return self.code.replace("-", "_")


def is_language_code(value: Any) -> str | None:
    """A short BCP 47 language tag: it becomes a folder and a URL part, so letters, digits and '-' only."""
    import re

    if is_text(value):
        return is_text(value)
    return None if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", value) else "should be a language tag like es or pt-BR"


def _is_slug_list(value: Any) -> str | None:
    if not isinstance(value, list):
        return "should be a list of page names"
    bad = [v for v in value if is_slug(v)]
    return f"has an entry that is not a page name: {bad[0]!r}" if bad else None


LANGUAGE_FIELDS = (
    Field("code", is_language_code, "language tag, e.g. es", required=True),
    Field("name", is_text, "the language's name in that language, e.g. Español", required=True),
    Field("default_region", is_slug, "crisis region shown by default on pages in this language, e.g. us"),
    Field("exit_url", is_https_url, "where 'Leave this site' goes on pages in this language"),
    Field("help_page", is_slug, "page name of the crisis help page in this language, e.g. obtener-ayuda"),
    Field("nav", _is_slug_list, "page names (in content/<code>/) in navigation order"),
    Field("tagline", is_text, "the site's tagline in this language"),
    Field("search", lambda v: None if isinstance(v, dict) else "should be a set of 'key: value' lines",
          "search settings of this language's search page, e.g. pinned results",
          hint="write e.g. search: {pinned: [{terms: [crisis, ayuda], page: obtener-ayuda}]}"),
)


def parse_languages(raw: Any, lines: LineMap, top: dict[str, Any]) -> tuple[tuple[Language, ...], list[BuildError]]:
    """Return the languages of site.yml's `languages` list (top holds the site-wide defaults) and every problem."""
    loc = SourceLocation(CONFIG_PATH)
    node = lines.children.get("languages", lines) if isinstance(lines.children, dict) else lines
    if not isinstance(raw, list) or not raw:
        return (), [BuildError(loc.at(node.line), '"languages" should be a list of languages, the default first',
                               'write e.g. "languages: [{code: en, name: English}, {code: es, name: Español}]"')]
    kids = node.children if isinstance(node.children, list) else []
    languages: list[Language] = []
    errors: list[BuildError] = []
    for index, item in enumerate(raw):
        item_lines = kids[index] if index < len(kids) else node
        good, problems = check_mapping(item, LANGUAGE_FIELDS, loc, item_lines, f"language {index + 1}")
        errors.extend(problems)
        if problems:
            continue
        code = good["code"]
        if any(lang.code == code for lang in languages):
            errors.append(BuildError(loc.at(item_lines.at("code")), f'language "{code}" is listed twice', "keep one"))
            continue
        first = index == 0
        if first and top.get("language") and top["language"] != code:
            errors.append(BuildError(loc.at(item_lines.at("code")),
                                     f'the first language is "{code}" but "language" says "{top["language"]}"',
                                     "remove the top-level language line: the first entry of languages is the default"))
        if first and "search" in good:
            errors.append(BuildError(loc.at(item_lines.at("search")),
                                     "the default language's search settings are the top-level search",
                                     "move this search: block to the top level of site.yml"))
            continue
        languages.append(Language(
            code=code, name=good["name"], default_region=good.get("default_region", top.get("default_region", "")),
            exit_url=good.get("exit_url", top.get("exit_url", "")),
            help_page=good.get("help_page", top.get("help_page", "get-help")),
            nav=tuple(good.get("nav", top.get("nav", ()) if first else ())), is_default=first,
            tagline=good.get("tagline"), search=good.get("search")))
    return tuple(languages), errors


def default_languages(code: str, top: dict[str, Any]) -> tuple[Language, ...]:
    """Return the single language of a site.yml without `languages` (the site as it always was)."""
    return (Language(code, code, top.get("default_region", ""), top.get("exit_url", ""),
                     top.get("help_page", "get-help"), tuple(top.get("nav", ())), True),)


@dataclass(frozen=True)
class PageRef:
    """What pairing needs of a page: its language, slug, file and `translation_of` (with its line)."""

    lang: str
    slug: str
    path: PurePosixPath
    translation_of: str | None
    line: int | None


def pair_pages(default_slugs: Iterable[str], others: Iterable[PageRef]) -> tuple[dict[tuple[str, str], str], list[BuildError]]:
    """Return {(language, slug): default-language slug} for every translated page, and the pairing errors.

    A page pairs by `translation_of`, or else by having the same slug as a default-language page. Naming a page
    that does not exist, or two pages of one language claiming the same original, is an error at that line.
    """
    known = sorted(default_slugs)
    pairs: dict[tuple[str, str], str] = {}
    claimed: dict[tuple[str, str], PageRef] = {}
    errors: list[BuildError] = []
    for ref in others:
        target = ref.translation_of
        if target is None:
            if ref.slug in known:
                target = ref.slug
            else:
                continue  # a page of its own, without a translation: fine, it just has no switcher
        elif target not in known:
            guess = did_you_mean(target, known)
            errors.append(BuildError(SourceLocation(ref.path, ref.line),
                                     f'translation_of names "{target}", but there is no content/{target}.md',
                                     guess or "use the name of the page in the default language (its file name without .md)"))
            continue
        twin = claimed.get((ref.lang, target))
        if twin is not None:
            errors.append(BuildError(SourceLocation(ref.path, ref.line),
                                     f'this page and {twin.path} both translate "{target}"',
                                     "keep translation_of on one of them"))
            continue
        claimed[(ref.lang, target)] = ref
        pairs[(ref.lang, ref.slug)] = target
    return pairs, errors
