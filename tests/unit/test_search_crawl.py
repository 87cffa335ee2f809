"""Which output files Pagefind crawls: the glob it is given and the publish step's quick test must agree.

search.glob_for(prefixes) goes to Pagefind; search.crawler(prefixes) decides which stale files are dropped
before it runs. The glob is matched here component by component (a '*' never crosses a '/', as in Pagefind's
glob library); tests/integration/test_search_index.py checks the same paths with Pagefind itself.
"""
from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from feelagain import search

# Every kind of file a two-language build writes, and near misses.
PATHS = (
    "index.html", "causes/index.html", "get-help/index.html", "search/index.html", "print/index.html",
    "es/index.html", "es/causas/index.html", "es/obtener-ayuda/index.html", "es/search/index.html",
    "embed/index.html", "embed/causes/index.html", "es/embed/causas/index.html", "embed/es/causas/index.html",
    "404.html", "es/404.html", "api/pages/causes.json", "es/api/pages/causas.json", "es/oembed/causas.json",
    "fr/causes/index.html", "es/causas/more/index.html", "pagefind/pagefind.js", "es/causas/xindex.html",
    "es/causasindex.html", "xindex.html", "causes/index.htm", "e/causas/index.html", "ess/causas/index.html",
)


def glob_takes(glob: str, path: str) -> bool:
    """Return True if the glob ("{a,b,…}" of '/'-separated patterns without '**') matches the whole path."""
    alternatives = glob[1:-1].split(",") if glob.startswith("{") else [glob]
    parts = path.split("/")
    for pattern in alternatives:
        pieces = pattern.split("/")
        if len(pieces) == len(parts) and all(fnmatchcase(part, piece) for part, piece in zip(parts, pieces)):
            return True
    return False


@pytest.mark.parametrize("prefixes", [(), ("es/",), ("es/", "pt-BR/")])
def test_glob_and_crawler_agree(prefixes: tuple[str, ...]):
    glob, crawled = search.glob_for(prefixes), search.crawler(prefixes)
    for path in PATHS + tuple(p.replace("es/", "pt-BR/", 1) for p in PATHS if p.startswith("es/")):
        assert crawled(path) == glob_takes(glob, path), (path, glob)


def test_spanish_pages_are_crawled_and_embeds_are_not():
    crawled = search.crawler(("es/",))
    taken = {p for p in PATHS if crawled(p)}
    assert taken == {"index.html", "causes/index.html", "get-help/index.html", "search/index.html",
                     "print/index.html", "es/index.html", "es/causas/index.html", "es/obtener-ayuda/index.html",
                     "es/search/index.html", "embed/index.html"}
    # The search, print and embed-guide pages are crawled but have no data-pagefind-body, so nothing of
    # theirs is indexed; the embeds themselves are never even read.
    assert not crawled("es/embed/causas/index.html") and not crawled("embed/causes/index.html")


def test_one_language_site_keeps_its_glob():
    assert search.GLOB == search.glob_for(()) == "{index.html,*/index.html}"
    assert not search.crawled("es/causas/index.html")  # a folder is a language only when site.yml says so
    assert search.glob_for(["pt-BR/", "es/"]) == "{index.html,*/index.html,es/*/index.html,pt-BR/*/index.html}"
