"""Pages as HTML: the template context every page shares, the view of one page, and the safety check.

"Render" means one thing in this package: fill a Jinja template (templating.Renderer.render). PageRenderer
does that for content pages, embeds and generated pages; writers decides which files exist and writes them.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import embed, seo
from .assets import link_assets
from .config import SiteConfig
from .crisis import Crisis, localize_crisis
from .errors import BuildError, SourceLocation
from .i18n import translations
from .markup import CHECKLIST_MARK, CRISIS_MARK, Body, TocEntry
from .model import HOME, Page, Site, join_url, relative_href, root_prefix, safe_url, url_for
from .schema import Source
from .spool import Spooled
from .templating import Renderer, asset_function
from .version import VERSION

# What every published page must carry, whatever the site's templates say (and how to recognise it).
MUST_HAVE = (
    ("no crisis help block", re.compile(r"<[a-z]+\b[^>]*\sdata-crisis[\s>]")),
    ('no "Leave this site" link', re.compile(r"<a\b[^>]*\sdata-exit-link[\s>]")),
    ("no <main>", re.compile(r"<main[\s>]")),
)
# The text each pattern's matches end with (then one more character), and no match holds a '>' before it.
MUST_HAVE_NEEDLES = ("data-crisis", "data-exit-link", "<main")


def has_part(pattern: re.Pattern[str], needle: str, html: str) -> bool:
    """Return bool(pattern.search(html)), looking only around each occurrence of needle.

    A match of a MUST_HAVE pattern holds no '>' before its needle, so it starts after the last '>' before the
    needle and ends one character after it. The crisis block comes last: on the 6 MB print page a plain search
    tries the pattern at every tag.
    """
    at = html.find(needle)
    while at != -1:
        if pattern.search(html, html.rfind(">", 0, at) + 1, at + len(needle) + 1):
            return True
        at = html.find(needle, at + 1)
    return False


BLOCK = 1 << 16  # finish_into(): characters searched at a time
OVERLAP = 1 << 14  # and kept from the block before (longer than any tag a part is in)
MUST_HAVE_HINT = ('every page needs them: keep {% include "partials/crisis.html" %}, '
                  '{% include "partials/exit.html" %} and <main id="main"> in it, as the bundled base.html does')


# The id of a page's list of every country's crisis lines: "Change country" and "All crisis lines by country"
# lead there on that page (without JavaScript the footer shows one region only).
DIRECTORY_ID = "crisis-directory"


@dataclass(frozen=True)
class PageView:
    """What templates see as `page`: one content page (or a generated page, which has no body or sources)."""

    slug: str
    title: str
    description: str
    canonical: str
    url: str
    summary: tuple[str, ...] = ()
    reviewed: datetime.date | None = None
    next_review: datetime.date | None = None
    sources: tuple[Source, ...] = ()
    body: Markup = Markup("")
    toc: tuple[TocEntry, ...] = ()
    is_home: bool = False
    has_checklist: bool = False
    aspect: str | None = None
    faq: bool = False
    anchor: str = ""  # the section's id in the printed guide
    has_directory: bool = False  # the body lists every country's lines (a ```crisis-directory block)

    def in_print(self, body: str, anchor: str) -> PageView:
        """Return this view with the body and anchor it has in the printed guide."""
        return replace(self, body=Markup(body), anchor=anchor)


@dataclass(frozen=True)
class Alternate:
    """One language version of a page: the language and the page's site-relative URL."""

    code: str
    name: str
    locale: str
    url: str
    is_default: bool


class PageRenderer:
    """Holds what every page shares (computed once per build) and renders one page at a time.

    One per language: its config gives the language, its crisis lines are shown in that language, and
    alternates ({page URL: versions in every language}) give the hreflang links and the language switcher.
    """

    def __init__(self, config: SiteConfig, site: Site, crisis: Crisis, asset_paths: dict[str, PurePosixPath],
                 debug: bool = False, alternates: dict[str, list[Alternate]] | None = None) -> None:
        self.config, self.site, self.asset_paths = config, site, asset_paths
        self.renderer = Renderer(config, debug=debug)
        self.gettext = translations(config.site_dir, config.language).gettext
        self.lang = config.current_language
        # Crisis lines in this language: translated names and descriptions, and lines only for its readers.
        self.crisis = localize_crisis(crisis, self.lang.code, config.default_region, self.text)
        self.alternates = alternates or {}
        self.site_ctx = {
            "title": config.title, "tagline": config.tagline, "base_url": safe_url(config.base_url),
            "language": config.language, "organisation": config.organisation,
            "licence": {"name": config.licence_name, "url": config.licence_url},
            "default_region": config.default_region, "exit_url": config.exit_url,
            "help_page": config.help_page,
        }
        self.known = {p.slug for p in site.pages}

    def text(self, message: str, **values: str) -> str:
        """Return an interface string in this config's language (the Python side of _())."""
        translated = self.gettext(message)
        return translated % values if values else translated

    def base_context(self, url: str, root: str | None = None) -> dict[str, Any]:
        """Return the context every template gets, for a page at url (root overrides the relative prefix)."""
        root = root_prefix(url) if root is None else root
        href = lambda to: (root + to) or "./"
        prefix = self.config.lang_prefix
        help_href = href(prefix + url_for(self.config.help_page))

        def page_url(slug: str) -> str:
            if slug not in self.known:
                raise jinja2.UndefinedError(f"url('{slug}'): there is no page named '{slug}' (check with has_page first)")
            return href(prefix + url_for(slug))

        return {
            "site": self.site_ctx, "root": root, "asset": asset_function(root, self.asset_paths),
            "url": page_url, "has_page": lambda slug: slug in self.known,
            "nav": [{"slug": p.slug, "title": p.nav_title, "href": href(p.url)} for p in self.site.nav],
            "crisis": {"default": self.crisis.default, "help_href": help_href, "regions": self.crisis.regions,
                       "guess": self.config.guess_region},
            "help_href": help_href, "dev": bool(self.config.dev_script), "dev_script": self.config.dev_script,
            "generator": f"Feel Again {VERSION}", "embed": False, "oembed_href": None, "prev": None,
            "next": None, "jsonld": Markup(""), "origin": embed.origin(self.config.base_url),
            "lang": {"code": self.lang.code, "name": self.lang.name, "locale": self.lang.locale,
                     "prefix": prefix, "is_default": self.lang.is_default},
            "alternates": [], "translations": [],
        }

    def finish(self, template: str, html: str) -> bytes:
        """Return a rendered page's bytes; raise BuildError naming the template if a page lacks the safety parts."""
        missing = [what for (what, pattern), needle in zip(MUST_HAVE, MUST_HAVE_NEEDLES)
                   if not has_part(pattern, needle, html)]
        if missing:
            raise self._lacks(template, missing)
        return html.encode()

    def _lacks(self, template: str, missing: list[str]) -> BuildError:
        root, path = self.renderer.base_of(template)
        made = "pages made with it" + (f" ({template})" if root != template else "")
        listed = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        return BuildError(SourceLocation(path), f"{made} have {listed}", MUST_HAVE_HINT)

    def finish_into(self, template: str, pieces: Iterable[str], spooled: Spooled) -> None:
        """finish() for a page made in pieces: check the safety parts as the pieces go into spooled.

        Pieces are gathered into blocks of BLOCK characters; each block is searched together with the last
        OVERLAP characters before it, so a part cut between two blocks is still found (a part is one tag).
        """
        missing = list(zip(MUST_HAVE, MUST_HAVE_NEEDLES))
        before = ""
        block: list[str] = []
        size = 0

        def flush() -> None:
            nonlocal before, missing, size
            text = before + "".join(block)
            if missing:
                missing = [part for part in missing if not has_part(part[0][1], part[1], text)]
            spooled.write(text[len(before):].encode())
            before = text[-OVERLAP:]
            block.clear()
            size = 0

        for piece in pieces:
            block.append(piece)
            size += len(piece)
            if size >= BLOCK:
                flush()
        flush()
        if missing:
            raise self._lacks(template, [what for (what, _), _ in missing])

    def body_html(self, body: Body, context: dict[str, Any], page_url: str | None = None,
                  source: PurePosixPath | None = None) -> str:
        """Return a page body with its checklists rendered in place and its images' fingerprinted names.

        The Markdown's links are relative to the page's own URL; page_url, when the body appears at another
        depth (an embed or an API record), keeps them pointing at the same full pages. source (the page's
        file) is where a missing image is reported.
        """
        html = link_assets(body.rendered.body_html, body.rendered.links, self.asset_paths, source)
        if page_url is not None:
            html = rebase_links(html, page_url, context["root"])
        for index, checklist in enumerate(body.rendered.checklists):
            part = self.renderer.render("partials/checklist.html", {**context, "checklist": checklist})
            html = html.replace(CHECKLIST_MARK.format(index), part)
        directory_id = DIRECTORY_ID  # the first country list only: ids are unique
        for index, block in enumerate(body.rendered.crisis_blocks):
            part = self.renderer.render(f"partials/{block.kind}.html",
                                        {**context, "block": block, "directory_id": directory_id})
            if block.kind == "crisis-directory":
                directory_id = ""
            html = html.replace(CRISIS_MARK.format(index), part)
        return html

    def view(self, page: Page, body: Body, url: str, context: dict[str, Any],
             source_url: str | None = None, html: str | None = None) -> PageView:
        """Return the `page` object of the template context (source_url: where the body's links were made for;
        html: the body as made earlier for this context, which then is not rendered again)."""
        rendered = body.rendered
        meta = page.meta
        return PageView(
            slug=page.slug, title=meta.title, description=meta.description, summary=meta.summary,
            reviewed=meta.reviewed, next_review=meta.next_review, sources=meta.sources,
            body=Markup(self.body_html(body, context, source_url, page.source.rel_path) if html is None else html),
            toc=rendered.toc,
            canonical=join_url(self.config.base_url, page.url), is_home=page.slug == HOME,
            has_checklist=bool(rendered.checklists), aspect=meta.aspect, faq=meta.faq, url=url,
            has_directory=any(b.kind == "crisis-directory" for b in rendered.crisis_blocks))

    def render_page(self, page: Page, body: Body) -> bytes:
        """Return the HTML of a content page."""
        url = page.url
        context = self.base_context(url)
        nav = list(self.site.nav)
        if page in nav:
            index = nav.index(page)
            link = lambda p: {"slug": p.slug, "title": p.nav_title, "href": relative_href(url, p.url)}
            context["prev"] = link(nav[index - 1]) if index > 0 else None
            context["next"] = link(nav[index + 1]) if index + 1 < len(nav) else None
        context["page"] = self.view(page, body, url, context)
        if context["page"].has_directory:  # "All crisis lines by country" leads to this page's list, not its top
            context["crisis"] = {**context["crisis"], "more_href": "#" + DIRECTORY_ID}
        context["jsonld"] = Markup(seo.page_jsonld(page, self.config, body.rendered.faq))
        # Absolute, as oEmbed discovery expects: a consumer may read the link away from this page's address.
        context["oembed_href"] = join_url(self.config.base_url, f"{page.lang_prefix}oembed/{page.slug}.json")
        self.add_alternates(context, page, url)
        template = f'{page.meta.template or ("home" if page.slug == HOME else "page")}.html'
        return self.finish(template, self.renderer.render(template, context))

    def add_alternates(self, context: dict[str, Any], page: Page, url: str) -> None:
        """Add the page's versions in every language (hreflang, og:locale:alternate) and the switcher's links."""
        versions = self.alternates.get(page.url, [])
        if len(versions) < 2:
            # No translation: the switcher offers the other languages' home pages instead, so a reader of
            # another language is not left with nowhere to go (no hreflang: they are not this page).
            context["translations"] = self.home_links(url)
            return
        context["alternates"] = [{**vars(v), "abs": join_url(self.config.base_url, v.url)} for v in versions]
        context["translations"] = [{**vars(v), "href": relative_href(url, v.url)} for v in versions
                                   if v.code != self.lang.code]

    def home_links(self, url: str, root: str | None = None) -> list[dict[str, Any]]:
        """Return the switcher's links to the other languages' home pages (those that have one), each named in
        its own language, for a page at url (root: the 404 pages' absolute root instead of relative links)."""
        homes = self.alternates.get("", [])  # the default home's versions: every language's home
        return [{**vars(v), "href": relative_href(url, v.url) if root is None else (root + v.url) or "/",
                 "home": True} for v in homes if v.code != self.lang.code]

    def render_embed(self, page: Page, body: Body) -> bytes:
        """Return the chrome-less embed version of a page."""
        url = f"{page.lang_prefix}embed/{page.slug}/"
        context = self.base_context(url)
        context["page"] = self.view(page, body, url, context, page.url)
        context["embed"] = True
        context["attribution"] = embed.attribution(page, self.config)
        return self.finish("embed.html", embed.frame_local_links(self.renderer.render("embed.html", context)))

    def render_special(self, template: str, url: str, title: str, description: str, root: str | None = None,
                       **extra: Any) -> bytes:
        """Return a generated page (404, embed guide) that has no Markdown source."""
        context = self._special_context(url, title, description, root, extra)
        return self.finish(template, self.renderer.render(template, context))

    def render_special_spooled(self, template: str, url: str, title: str, description: str,
                               spool_dir: Path | None = None, **extra: Any) -> Spooled:
        """render_special() for a generated page that grows with the site (the embed guide lists every page):
        written into a Spooled file (in spool_dir) as it is made, never whole in memory."""
        context = self._special_context(url, title, description, None, extra)
        spooled = Spooled(spool_dir)
        try:
            self.finish_into(template, self.renderer.generate(template, context), spooled)
        except BaseException:
            spooled.close()
            raise
        return spooled

    def _special_context(self, url: str, title: str, description: str, root: str | None,
                         extra: dict[str, Any]) -> dict[str, Any]:
        context = self.base_context(url, root)
        # Named without the language's prefix: es/search/ is the "search" page, as search/ is.
        prefix = self.config.lang_prefix
        name = url[len(prefix):] if prefix and url.startswith(prefix) else url
        context["page"] = PageView(slug=name.strip("/").replace("/", "-") or "404", title=title,
                                   description=description, canonical=join_url(self.config.base_url, url), url=url)
        context.update(extra)
        return context


# A start tag with its attributes (values in quotes may hold '>'); text never matches, since '<' in text is
# always written &lt;. Links are rebased only inside tags: prose or code that shows href="x" stays as written.
START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'=<>`/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
RELATIVE_LINK = re.compile(r'(?<=\s)(href|src)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|#|/)([^"]*)"')


def rebase_links(html: str, from_url: str, new_root: str) -> str:
    """Return html whose relative links, written for a page at from_url, work from a page whose root is new_root."""
    old_root = root_prefix(from_url)
    new_root = str(escape(safe_url(new_root)))  # the root may be base_url: it must not end the attribute

    def move(match: re.Match[str]) -> str:
        href = match.group(2)
        if href.startswith(old_root):
            href = href[len(old_root):]
        else:  # a link into the page's own folder (e.g. an image next to it)
            href = from_url + href
        return f'{match.group(1)}="{new_root}{href}"'
    return START_TAG.sub(lambda tag: RELATIVE_LINK.sub(move, tag.group()), html)


