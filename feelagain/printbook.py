"""The whole guide on one page for printing (/print/, and /<code>/print/ for each other language): a title page,
contents, every page of that language in nav order.

Each page's body is rebased to /print/ and its ids are prefixed with its slug, so the sections can share one
document; links between pages become links inside it. The date on the title page is the newest review date,
not the clock, so two builds of the same content stay byte-identical.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup

from .cache import KeyMaker, make_key
from .markup import Body
from .model import MadeOnRead, Page, Site, relative_href
from .pages import PageRenderer, PageView
from .spool import Spooled

PRINT_URL = "print/"  # under each language's prefix: print/, es/print/
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


def print_url(pages: PageRenderer) -> str:
    """Return the address of the printed guide of the renderer's language (print/, es/print/)."""
    return pages.config.lang_prefix + PRINT_URL


def print_page(site: Site, bodies: Mapping[str, Body], pages: PageRenderer, store: SectionStore | None = None,
               salt: str = "", spool_dir: Path | None = None, extra: Mapping[str, Any] | None = None,
               body_key: Callable[[str], str] | None = None) -> Spooled:
    """Return the HTML of the printable guide of the renderer's language, written a section at a time into a
    Spooled file (extra: more template context, e.g. the guide's versions in other languages; body_key: a page's
    Body.key by slug without reading the Body, so that a kept section costs no Body read).

    Each page's section is made with partials/print-section.html. With a store, its body and its section are
    kept under a key made of salt (a hash of every site-wide input: templates, configuration, crisis lines,
    the page list…) and that page's own body and metadata, so an edit to one page makes one section again.

    print.html is filled once with stand-ins for the sections, then each section takes its place in the file
    as it is made, so the guide is never whole in memory. A print.html that shows the pages' bodies some other
    way (a site's own template) is filled the ordinary way instead (whole_print_page), with the same result.
    """
    url = print_url(pages)
    context = pages.base_context(url)

    def contents_view(page: Page) -> PageView:  # the contents list needs each page's view, not its body
        return pages.view(page, bodies[page.slug], url, context, page.url, html=BODY_STAND_IN).in_print(
            BODY_STAND_IN, section_anchor(page.slug))
    contents = MadeOnRead(site.pages, contents_view)
    spooled = Spooled(spool_dir)
    try:
        parts = _skeleton(site, pages, contents, store, salt, extra)
        if parts is None:
            spooled.write(whole_print_page(site, bodies, pages, store, salt, extra))
            return spooled
        head, between, tail = parts
        spooled.write(head)
        sections = _Sections(site, pages, context, store, salt)
        for index, page in enumerate(site.pages):
            if index:
                spooled.write(between)
            key = body_key(page.slug) if body_key is not None else bodies[page.slug].key
            spooled.write(sections.section(page, bodies, key)[1].encode())
        spooled.write(tail)
        return spooled
    except BaseException:
        spooled.close()
        raise


def _skeleton(site: Site, pages: PageRenderer, contents: Sequence[PageView], store: SectionStore | None,
              salt: str, extra: Mapping[str, Any] | None) -> tuple[bytes, bytes, bytes] | None:
    """Return what print.html puts before the first section, between two sections and after the last; None when
    the template does not show the sections where the stand-ins are (then the page is made whole instead).

    Kept in the store under every input the template sees besides the sections: the site-wide salt, the extra
    context and each page's contents view as it is (its body a stand-in). An edit to a page's text that leaves
    its title, headings and metadata alone then renders no print.html at all, only the page's section.
    """
    key = ""
    if store is not None:
        keys = KeyMaker("print-skeleton", salt, repr(extra))
        for view in contents:
            keys.add(repr(view))
        key = keys.hexdigest()
        kept = store.get(key)
        if isinstance(kept, tuple) and len(kept) == 3 and all(isinstance(part, bytes) for part in kept):
            return kept[0], kept[1], kept[2]
    # Two stand-ins show what print.html puts before the first section, between two, and after the last.
    first, second = (SECTIONS_STAND_IN.format(n).encode() for n in (1, 2))
    skeleton = _render(pages, site, contents, [Markup(SECTIONS_STAND_IN.format(n)) for n in (1, 2)], extra)
    head, _, rest = skeleton.partition(first)
    between, _, tail = rest.partition(second)
    if (skeleton.count(first) != 1 or skeleton.count(second) != 1 or first in between
            or BODY_STAND_IN.encode() in skeleton):
        return None
    if store is not None:
        store.put(key, (head, between, tail))
    return head, between, tail


# Stand-ins that print.html shows in place of the sections and of each page's body (HTML comments, so that
# a template which escapes them or drops them is noticed: then the whole page is made the ordinary way).
SECTIONS_STAND_IN = "<!--feelagain:print-section-{}-->"
BODY_STAND_IN = "<!--feelagain:print-body-->"


def whole_print_page(site: Site, bodies: Mapping[str, Body], pages: PageRenderer, store: SectionStore | None = None,
                     salt: str = "", extra: Mapping[str, Any] | None = None) -> bytes:
    """Return the printable guide made in memory, every section's view in the context (see print_page)."""
    url = print_url(pages)
    context = pages.base_context(url)
    sections = _Sections(site, pages, context, store, salt)
    views: list[PageView] = []
    articles: list[Markup] = []
    for page in site.pages:
        body = bodies[page.slug]
        html, article = sections.section(page, bodies, body.key)
        views.append(pages.view(page, body, url, context, page.url, html=html).in_print(
            html, section_anchor(page.slug)))
        articles.append(Markup(article))
    return _render(pages, site, views, articles, extra)


def _render(pages: PageRenderer, site: Site, sections: Sequence[PageView], articles: list[Markup],
            extra: Mapping[str, Any] | None = None) -> bytes:
    newest = max(p.meta.reviewed for p in site.pages)
    _, title = pages.text, pages.config.title  # _(): pybabel extracts these strings
    return pages.render_special("print.html", print_url(pages), _("%(title)s: the whole guide", title=title),
                                _("Every page of %(title)s on one page, for printing.", title=title),
                                sections=sections, articles=articles, built=newest, **(extra or {}))


class _Sections:
    """Makes each page's section of the printed guide, or takes it from the store."""

    def __init__(self, site: Site, pages: PageRenderer, context: dict[str, Any], store: SectionStore | None,
                 salt: str) -> None:
        self.site, self.pages, self.context, self.store, self.salt = site, pages, context, store, salt
        self.url = print_url(pages)
        self.targets: dict[str, str] | None = None

    def section(self, page: Page, bodies: Mapping[str, Body], body_key: str) -> tuple[str, str]:
        """Return the page's body as it is in the guide and its whole section (body_key: the key of its Body,
        which is read from bodies only when the section is made)."""
        key = make_key("print-section", self.salt, body_key, repr(page.meta)) if self.store is not None else ""
        kept = self.store.get(key) if self.store is not None else None
        if isinstance(kept, tuple) and len(kept) == 2 and all(isinstance(part, str) for part in kept):
            return kept[0], kept[1]
        if self.targets is None:
            self.targets = {relative_href(self.url, p.url): p.slug for p in self.site.pages}
        view = self.pages.view(page, bodies[page.slug], self.url, self.context, page.url)
        html = localise(str(view.body), page.slug, self.targets)
        article = self.pages.renderer.render(SECTION_TEMPLATE,
                                             {**self.context, "s": view.in_print(html, section_anchor(page.slug))})
        if self.store is not None:
            self.store.put(key, (html, article))
        return html, article
