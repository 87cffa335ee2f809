"""Pages and the site: URL and output-path rules as pure functions."""
from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Generic, TypeVar, overload
from urllib.parse import quote

from .discover import SourceFile
from .frozen import by_fields
from .schema import PageMeta
from .yamlfile import LineMap

HOME = "index"


def url_for(slug: str) -> str:
    """Return the site-relative URL of a page ('' for the home page, 'causes/' otherwise)."""
    return "" if slug == HOME else f"{slug}/"


def dest_for(url: str) -> PurePosixPath:
    """Return the output file of a site-relative URL ('causes/' → causes/index.html)."""
    return PurePosixPath(url or ".") / "index.html" if not url.endswith(".html") else PurePosixPath(url)


def root_prefix(url: str) -> str:
    """Return the relative path from a page URL to the site root ('' or '../' …)."""
    return "../" * url.count("/")


def relative_href(from_url: str, to_url: str) -> str:
    """Return a link from one site-relative URL to another that works under any sub-path."""
    href = root_prefix(from_url) + to_url
    return href or "./"


@dataclass(frozen=True, slots=True)
class Page:
    """One content page: its source, validated metadata and where it goes."""

    __reduce__ = by_fields  # pickled as a call of the class (frozen.py)

    source: SourceFile
    meta: PageMeta
    body_md: str  # "" once the build has set it aside (pipeline.parse_pages with a DiskStore)
    body_start_line: int
    meta_lines: LineMap  # the lines of the front matter's top-level keys
    digest: str = ""  # hash of the whole source file (its text is not kept)
    lang_prefix: str = ""  # '' for the default language, 'es/' for a page in content/es/

    @property
    def slug(self) -> str:
        """The page's name (file name without .md)."""
        return self.source.slug

    @property
    def url(self) -> str:
        """The page's site-relative URL ('es/causas/' for a page in another language)."""
        return self.lang_prefix + url_for(self.slug)

    @property
    def nav_title(self) -> str:
        """The title used in navigation."""
        return self.meta.nav_title or self.meta.title


# What a URI may hold as it is (RFC 3986 reserved and unreserved characters, and '%' of existing escapes).
URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def safe_url(url: str) -> str:
    """Return url with everything a URI may not hold (spaces, quotes, '<', '>', newlines, '\\') percent-encoded.

    Whatever the configuration holds, a URL made this way cannot end an HTML attribute or add a line to a
    text file such as robots.txt.
    """
    return quote(url, safe=URL_SAFE)


def join_url(base_url: str, url: str) -> str:
    """Return the absolute URL of a site-relative URL (percent-encoded: see safe_url)."""
    return safe_url(posixpath.join(base_url, url) if url else base_url)


@dataclass(frozen=True)
class Site:
    """All pages in navigation order, and the navigation itself."""

    pages: tuple[Page, ...]
    nav: tuple[Page, ...]

    def by_slug(self, slug: str) -> Page | None:
        """Return the page with this slug, or None."""
        return next((p for p in self.pages if p.slug == slug), None)


Raw = TypeVar("Raw")
Made = TypeVar("Made")


class MadeOnRead(Sequence[Made], Generic[Raw, Made]):
    """A read-only sequence whose items are made from `sources` by `make` each time they are read.

    Templates get it where a list of every page's entry would be a large site's biggest value (the embed
    guide's snippets, the print page's contents): the loop reads one entry at a time.
    """

    def __init__(self, sources: Sequence[Raw], make: Callable[[Raw], Made]) -> None:
        self.sources = sources
        self.make = make

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> Made: ...

    @overload
    def __getitem__(self, index: slice) -> list[Made]: ...

    def __getitem__(self, index: int | slice) -> Made | list[Made]:
        if isinstance(index, slice):
            return [self.make(source) for source in self.sources[index]]
        return self.make(self.sources[index])
