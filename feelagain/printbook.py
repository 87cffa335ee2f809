"""The whole guide on one page for printing (/print/): a title page, contents, every page in nav order.

Each page's body is rebased to /print/ and its ids are prefixed with its slug, so the sections can share one
document; links between pages become links inside it. The date on the title page is the newest review date,
not the clock, so two builds of the same content stay byte-identical.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from markupsafe import Markup

from .cache import make_key
from .markup import Body
from .model import Site, relative_href
from .pages import PageRenderer, PageView

PRINT_URL = "print/"
SECTION_TEMPLATE = "partials/print-section.html"
ID_ATTR = re.compile(r'(?<![\w-])(id|for|aria-labelledby|aria-describedby|aria-controls|headers)="([^"]*)"')
HREF = re.compile(r'(?<![\w-])href="([^"]*)"')


def section_anchor(slug: str) -> str:
    """Return the id of a page's section in the printed guide."""
    return f"s-{slug}"


def localise(html: str, slug: str, targets: dict[str, str]) -> str:
    """Return a page body whose ids are unique in the printed guide and whose links to pages in it stay inside.

    targets maps each page's href as seen from /print/ (e.g. "../causes/") to its slug.
    """
    def ids(match: re.Match[str]) -> str:
        values = " ".join(f"{slug}--{v}" for v in match.group(2).split())
        return f'{match.group(1)}="{values}"'

    def href(match: re.Match[str]) -> str:
        value = match.group(1)
        if value.startswith("#"):
            return f'href="#{slug}--{value[1:]}"'
        path, _, fragment = value.partition("#")
        if path in targets:
            other = targets[path]
            return f'href="#{other}--{fragment}"' if fragment else f'href="#{section_anchor(other)}"'
        return match.group(0)

    return HREF.sub(href, ID_ATTR.sub(ids, html))


class SectionStore(Protocol):
    """Where the sections of earlier builds are kept (cache.RenderCache is one)."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any) -> None: ...


def print_page(site: Site, bodies: Mapping[str, Body], pages: PageRenderer, store: SectionStore | None = None,
               salt: str = "") -> bytes:
    """Return the HTML of the printable guide.

    Each page's section is made with partials/print-section.html. With a store, its body and its section are
    kept under a key made of salt (a hash of every site-wide input: templates, configuration, crisis lines,
    the page list…) and that page's own body and metadata, so an edit to one page makes one section again.
    """
    context = pages.base_context(PRINT_URL)
    targets: dict[str, str] | None = None
    sections: list[PageView] = []
    articles: list[Markup] = []
    for page in site.pages:
        body = bodies[page.slug]
        key = make_key("print-section", salt, body.key, repr(page.meta)) if store is not None else ""
        kept = store.get(key) if store is not None else None
        if isinstance(kept, tuple) and len(kept) == 2 and all(isinstance(part, str) for part in kept):
            html, article = kept
            sections.append(pages.view(page, body, PRINT_URL, context, page.url, html=html).in_print(
                html, section_anchor(page.slug)))
        else:
            if targets is None:
                targets = {relative_href(PRINT_URL, p.url): p.slug for p in site.pages}
            view = pages.view(page, body, PRINT_URL, context, page.url)
            html = localise(str(view.body), page.slug, targets)
            sections.append(view.in_print(html, section_anchor(page.slug)))
            article = pages.renderer.render(SECTION_TEMPLATE, {**context, "s": sections[-1]})
            if store is not None:
                store.put(key, (html, article))
        articles.append(Markup(article))
    newest = max(p.meta.reviewed for p in site.pages)
    title = f"{pages.config.title}: the whole guide"
    return pages.render_special("print.html", PRINT_URL, title, f"Every page of {pages.config.title} on one page, "
                                "for printing.", sections=sections, articles=articles, built=newest)
