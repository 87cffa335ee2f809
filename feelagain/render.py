"""Turning the validated site into output files: pages, embeds, feeds for machines, assets."""
from __future__ import annotations

import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from . import __version__, embed, headers, offline, printbook, search, seo
from .assets import STABLE_NAMES, collect_assets
from .cache import engine_fingerprint, make_key
from .config import SiteConfig
from .crisis import Crisis, localize_crisis
from .errors import BuildError, BuildFailed, Problems, SourceLocation
from .i18n import translations
from .languages import Language
from .markup import CHECKLIST_MARK, CRISIS_MARK
from .model import HOME, Page, Site, dest_for, join_url, relative_href, root_prefix, safe_url, url_for
from .output import InPlaceWriter, SiteWriter
from .templating import Renderer, asset_function

if TYPE_CHECKING:
    from .pipeline import Body, LangSite


# What every published page must carry, whatever the site's templates say (and how to recognise it).
MUST_HAVE = (
    ("no crisis help block", re.compile(r"<[a-z]+\b[^>]*\sdata-crisis[\s>]")),
    ('no "Leave this site" link', re.compile(r"<a\b[^>]*\sdata-exit-link[\s>]")),
    ("no <main>", re.compile(r"<main[\s>]")),
)
MUST_HAVE_HINT = ('every page needs them: keep {% include "partials/crisis.html" %}, '
                  '{% include "partials/exit.html" %} and <main id="main"> in it, as the bundled base.html does')


class PageRenderer:
    """Holds what every page shares (computed once per build) and renders one page at a time."""

    def __init__(self, config: SiteConfig, site: Site, crisis: Crisis, asset_paths: dict[str, PurePosixPath],
                 alternates: dict[str, list["Alternate"]] | None = None) -> None:
        self.config, self.site, self.asset_paths = config, site, asset_paths
        self.renderer = Renderer(config)
        self.gettext = translations(config.site_dir, config.language).gettext
        lang = config.current_language
        # Crisis lines in this language: translated names and descriptions, and lines only for its readers.
        self.crisis = localize_crisis(crisis, lang.code, config.default_region, self._text)
        self.lang = lang
        self.alternates = alternates or {}
        self.site_ctx = {
            "title": config.title, "tagline": config.tagline, "base_url": safe_url(config.base_url),
            "language": config.language, "organisation": config.organisation,
            "licence": {"name": config.licence_name, "url": config.licence_url},
            "default_region": config.default_region, "exit_url": config.exit_url,
            "help_page": config.help_page,
        }
        self.known = {p.slug for p in site.pages}

    def _text(self, message: str, **values: str) -> str:
        """Return an interface string of this config's language (Python-side _())."""
        text = self.gettext(message)
        return text % values if values else text

    def base_context(self, url: str, root: str | None = None) -> dict[str, Any]:
        """Return the context every template gets, for a page at url (root overrides the relative prefix)."""
        root = root_prefix(url) if root is None else root
        href = lambda to: (root + to) or "./"  # noqa: E731
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
            "generator": f"Feel Again {__version__}", "embed": False, "oembed_href": None, "prev": None,
            "next": None, "jsonld": Markup(""), "origin": embed.origin(self.config.base_url),
            "lang": {"code": self.lang.code, "name": self.lang.name, "locale": self.lang.locale,
                     "prefix": prefix, "is_default": self.lang.is_default},
            "alternates": [], "translations": [],
        }

    def finish(self, template: str, html: str) -> bytes:
        """Return a rendered page's bytes; raise BuildError naming the template if a page lacks the safety parts."""
        missing = [what for what, pattern in MUST_HAVE if not pattern.search(html)]
        if missing:
            root, path = self.renderer.base_of(template)
            made = "pages made with it" + (f" ({template})" if root != template else "")
            listed = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
            raise BuildError(SourceLocation(path), f"{made} have {listed}", MUST_HAVE_HINT)
        return html.encode()

    def body_html(self, body: "Body", context: dict[str, Any], page_url: str | None = None) -> str:
        """Return a page body with its checklists rendered in place.

        The Markdown's links are relative to the page's own URL; page_url, when the body appears at another
        depth (an embed or an API record), keeps them pointing at the same full pages.
        """
        html = body.rendered.body_html
        if page_url is not None:
            html = rebase_links(html, page_url, context["root"])
        for index, checklist in enumerate(body.rendered.checklists):
            part = self.renderer.render("partials/checklist.html", {**context, "checklist": checklist})
            html = html.replace(CHECKLIST_MARK.format(index), part)
        for index, block in enumerate(body.rendered.crisis_blocks):
            part = self.renderer.render(f"partials/{block.kind}.html", {**context, "block": block})
            html = html.replace(CRISIS_MARK.format(index), part)
        return html

    def page_dict(self, page: Page, body: "Body", url: str, context: dict[str, Any],
                  source_url: str | None = None) -> dict[str, Any]:
        """Return the `page` object of the template context (source_url: where the body's links were made for)."""
        rendered = body.rendered
        html = self.body_html(body, context, source_url)
        meta = page.meta
        return {
            "slug": page.slug, "title": meta.title, "description": meta.description, "summary": list(meta.summary),
            "reviewed": meta.reviewed, "next_review": meta.next_review, "sources": list(meta.sources),
            "body": Markup(html), "toc": list(rendered.toc), "canonical": join_url(self.config.base_url, page.url),
            "is_home": page.slug == HOME, "has_checklist": bool(rendered.checklists), "aspect": meta.aspect,
            "faq": meta.faq, "url": url,
        }

    def render_page(self, page: Page, body: "Body") -> bytes:
        """Return the HTML of a content page."""
        url = page.url
        context = self.base_context(url)
        nav = list(self.site.nav)
        if page in nav:
            index = nav.index(page)
            link = lambda p: {"slug": p.slug, "title": p.nav_title, "href": relative_href(url, p.url)}  # noqa: E731
            context["prev"] = link(nav[index - 1]) if index > 0 else None
            context["next"] = link(nav[index + 1]) if index + 1 < len(nav) else None
        context["page"] = self.page_dict(page, body, url, context)
        context["jsonld"] = Markup(seo.page_jsonld(page, self.config, body.rendered.faq))
        context["oembed_href"] = relative_href(url, f"{page.lang_prefix}oembed/{page.slug}.json")
        self.add_alternates(context, page, url)
        template = f'{page.meta.template or ("home" if page.slug == HOME else "page")}.html'
        return self.finish(template, self.renderer.render(template, context))

    def add_alternates(self, context: dict[str, Any], page: Page, url: str) -> None:
        """Add the page's versions in every language (hreflang, og:locale:alternate) and the switcher's links."""
        versions = self.alternates.get(page.url, [])
        if len(versions) < 2:
            return
        context["alternates"] = [{**vars(v), "abs": join_url(self.config.base_url, v.url)} for v in versions]
        context["translations"] = [{**vars(v), "href": relative_href(url, v.url)} for v in versions
                                   if v.code != self.lang.code]

    def render_embed(self, page: Page, body: "Body") -> bytes:
        """Return the chrome-less embed version of a page."""
        url = f"{page.lang_prefix}embed/{page.slug}/"
        context = self.base_context(url)
        context["page"] = self.page_dict(page, body, url, context, page.url)
        context["embed"] = True
        context["attribution"] = embed.attribution(page, self.config)
        return self.finish("embed.html", self.renderer.render("embed.html", context))

    def render_special(self, template: str, url: str, title: str, description: str, root: str | None = None,
                       **extra: Any) -> bytes:
        """Return a generated page (404, embed guide) that has no Markdown source."""
        context = self.base_context(url, root)
        context["page"] = {
            "slug": url.strip("/").replace("/", "-") or "404", "title": title, "description": description,
            "summary": [], "reviewed": None, "next_review": None, "sources": [], "body": Markup(""), "toc": [],
            "canonical": join_url(self.config.base_url, url), "is_home": False, "has_checklist": False,
            "aspect": None, "faq": False, "url": url,
        }
        context.update(extra)
        return self.finish(template, self.renderer.render(template, context))


@dataclass
class PageJob:
    """Everything the per-page writing needs; worker processes inherit it by fork instead of by pickling."""

    config: SiteConfig
    pages: PageRenderer
    site: Site
    bodies: dict[str, "Body"]
    writer: SiteWriter | InPlaceWriter
    shared: str
    todo: tuple[Page, ...] = ()  # the pages that need rendering (set by write_pages)


_JOB: PageJob | None = None


def _write_range(bounds: tuple[int, int]) -> tuple[dict[str, list[str]], int, int]:
    """Write the outputs of pages[start:stop] (in a worker); return its manifest entries and counts."""
    assert _JOB is not None
    writer = _JOB.writer
    before = set(writer.manifest)  # type: ignore[union-attr]
    _write_pages(_JOB, _JOB.todo[bounds[0]:bounds[1]])
    new = {k: v for k, v in writer.manifest.items() if k not in before}  # type: ignore[union-attr]
    return new, writer.written, writer.linked


def _write_pages(job: PageJob, pages: tuple[Page, ...]) -> None:
    """Render and write the outputs of pages (each file still reused when its inputs did not change)."""
    for page in pages:
        body = job.bodies[page.slug]
        key = make_key(job.shared, body.key, repr(page.meta))
        for dest, make in page_outputs(job.config, job.pages, page, body).items():
            if not job.writer.reuse(dest, key):
                job.writer.add(dest, make(), key)


def _reuse_pages(job: PageJob) -> list[Page]:
    """Keep every page whose outputs are all unchanged; return the pages that need rendering."""
    todo = []
    for page in job.site.pages:
        body = job.bodies[page.slug]
        key = make_key(job.shared, body.key, repr(page.meta))
        dests = list(page_outputs(job.config, job.pages, page, body))
        kept = [dest for dest in dests if job.writer.reuse(dest, key)]
        if len(kept) != len(dests):
            job.writer.forget(kept)
            todo.append(page)
    return todo


def write_pages(job: PageJob) -> None:
    """Write every page's outputs: in worker processes for large sites (templates cost as much as Markdown)."""
    global _JOB
    from .pipeline import PARALLEL_THRESHOLD, _ignore_interrupts

    workers = min(os.cpu_count() or 1, 8)
    todo = tuple(_reuse_pages(job))
    count = len(todo)
    if count < PARALLEL_THRESHOLD or workers < 2 or not isinstance(job.writer, SiteWriter):
        _write_pages(job, todo)
        return
    step = -(-count // (workers * 4))
    ranges = [(start, min(start + step, count)) for start in range(0, count, step)]
    _JOB = PageJob(job.config, job.pages, job.site, job.bodies, job.writer, job.shared, todo)
    try:
        context = multiprocessing.get_context("fork")  # the job is inherited, not pickled
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_interrupts) as pool:
            for entries, written, linked in pool.map(_write_range, ranges):
                job.writer.manifest.update(entries)
                job.writer.written += written
                job.writer.linked += linked
    finally:
        _JOB = None


@dataclass(frozen=True)
class Alternate:
    """One language version of a page: the language and the page's site-relative URL."""

    code: str
    name: str
    locale: str
    url: str
    is_default: bool


def alternates_of(languages: "tuple[LangSite, ...]") -> dict[str, list[Alternate]]:
    """Return {page URL: its versions in every language}, for pages that have a translation.

    A page pairs with a default-language page by `translation_of`, or else by the same slug (the pipeline has
    already refused unknown targets). The default language comes first.
    """
    if len(languages) < 2:
        return {}
    default = languages[0]
    groups: dict[str, list[Alternate]] = {}
    for lang_site in languages:
        lang = lang_site.language
        for page in lang_site.site.pages:
            target = page.slug if lang.is_default else (page.meta.translation_of or page.slug)
            if default.site.by_slug(target) is None:
                continue
            groups.setdefault(target, []).append(Alternate(lang.code, lang.name, lang.locale, page.url, lang.is_default))
    return {alt.url: group for group in groups.values() if len(group) > 1 for alt in group}


def catalog_fingerprint(config: SiteConfig) -> str:
    """Return the text of the language's catalog (a changed translation changes every page of that language)."""
    from .i18n import catalog_path

    path, _ = catalog_path(config.site_dir, config.language)
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def write_site(config: SiteConfig, site: Site, bodies: dict[str, "Body"], crisis: Crisis, problems: Problems,
               in_place: bool = False, languages: "tuple[LangSite, ...]" = ()) -> int:
    """Render every output into a temporary folder and swap it in; return the number of files written.

    With in_place (the dev server), changed files are replaced one by one in the served folder instead.
    languages holds every language's pages (the default first, the same as config, site and bodies); each other
    language gets its pages, embeds, oEmbed and API records and a 404 under /<code>/.
    """
    try:
        assets = collect_assets(config.asset_dirs)
    except BuildError as err:
        raise BuildFailed([err]) from None
    asset_paths = {name: a.dest for name, a in assets.items()}
    alternates = alternates_of(languages)
    pages = PageRenderer(config, site, crisis, asset_paths, alternates)
    manifest = config.cache_dir / "manifest.json"
    writer = InPlaceWriter(config.output_dir, manifest) if in_place else SiteWriter(config.output_dir, manifest)
    others = [(ls.config, ls.site, ls.bodies, PageRenderer(ls.config, ls.site, crisis, asset_paths, alternates))
              for ls in languages[1:]]
    try:
        for asset in assets.values():
            writer.add(asset.dest, asset.data)
            if asset.name in STABLE_NAMES:
                writer.add(STABLE_NAMES[asset.name], asset.data)
        shared_alts = repr(sorted((k, [vars(a) for a in v]) for k, v in alternates.items()))
        shared = site_fingerprint(config, pages.renderer, site, crisis, asset_paths) + make_key(shared_alts)
        write_pages(PageJob(config, pages, site, bodies, writer, shared))
        urls = [(page.url, page.meta.reviewed.isoformat()) for page in site.pages]
        for lang_config, lang_site, lang_bodies, lang_pages in others:
            lang_shared = make_key(site_fingerprint(lang_config, lang_pages.renderer, lang_site, crisis, asset_paths),
                                   shared_alts, catalog_fingerprint(lang_config))
            write_pages(PageJob(lang_config, lang_pages, lang_site, lang_bodies, writer, lang_shared))
            urls += [(page.url, page.meta.reviewed.isoformat()) for page in lang_site.pages]
        other_pages = tuple((page, o[0].default_region) for o in others for page in o[1].pages)
        for dest, data in embed.site_files(config, site, pages, other_pages).items():
            writer.add(dest, data)
        # Hosts serve 404.html at any depth, so its links start from the site's own path, not relative.
        site_root = safe_url(urlsplit(config.base_url).path)
        for lang_pages in [pages] + [o[3] for o in others]:
            prefix = lang_pages.config.lang_prefix
            writer.add(PurePosixPath(f"{prefix}404.html"), lang_pages.render_special(
                "404.html", f"{prefix}404.html", lang_pages._text("Page not found"),
                lang_pages._text("This page does not exist."), root=site_root))
        urls.append(("embed/", max(p.meta.reviewed for p in site.pages).isoformat()))
        writer.add(PurePosixPath("sitemap.xml"), seo.sitemap(urls, config, alternates))
        writer.add(PurePosixPath("robots.txt"), seo.robots(config))
        writer.add(PurePosixPath("_headers"), headers.netlify_headers(config, [u for u, _ in urls if u != "embed/"]))
        for dest, data in guide_tools(config, site, bodies, pages).items():
            writer.add(dest, data)
        if isinstance(writer, SiteWriter):
            search.build_index(writer.tmp)  # part of the same atomic swap: a failure leaves dist/ as it was
        writer.commit()
        if in_place:
            search.build_index(config.output_dir)  # the dev server serves the folder it writes into
    except BuildError as err:
        writer.abort()
        raise BuildFailed([err], problems.warnings) from None
    except BaseException:
        writer.abort()
        raise
    return writer.written + writer.linked


def guide_tools(config: SiteConfig, site: Site, bodies: dict[str, "Body"],
                pages: PageRenderer) -> dict[PurePosixPath, bytes]:
    """Return the pages and files that help readers use the whole guide: search, print and offline."""
    # The manifest takes its colours from the stylesheet in use (a site's own site.css wins, as in collect_assets).
    stylesheets = [folder / "css" / "site.css" for folder in reversed(config.asset_dirs)]
    css = next((f.read_text(encoding="utf-8", errors="replace") for f in stylesheets if f.is_file()), "")
    return {
        dest_for(search.SEARCH_URL): search.search_page(config, site, pages),
        dest_for(printbook.PRINT_URL): printbook.print_page(site, bodies, pages),
        **offline.offline_files(site, bodies, pages, css),
    }


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


def page_outputs(config: SiteConfig, pages: PageRenderer, page: Page, body: "Body") -> dict[PurePosixPath, Callable[[], bytes]]:
    """Return every output file of one page, each with the function that makes it (called only when needed)."""
    prefix = page.lang_prefix  # another language's embeds, oEmbed and API records live under /<code>/ too
    api_url = f"{prefix}api/pages/{page.slug}.json"
    return {
        dest_for(page.url): lambda: pages.render_page(page, body),
        dest_for(f"{prefix}embed/{page.slug}/"): lambda: pages.render_embed(page, body),
        PurePosixPath(f"{prefix}oembed/{page.slug}.json"): lambda: embed.to_json(embed.oembed(page, config)),
        PurePosixPath(api_url): lambda: embed.to_json(
            embed.page_api(page, config, pages.body_html(body, pages.base_context(api_url, root=safe_url(config.base_url)), page.url))),
    }


def site_fingerprint(config: SiteConfig, renderer: Renderer, site: Site, crisis: Crisis,
                     asset_paths: dict[str, PurePosixPath]) -> str:
    """Return a hash of everything site-wide that a page's HTML depends on besides its own source.

    That is the engine version, the configuration, every template, the crisis lines, the asset names and the
    navigation (titles and order, which also fix each page's previous and next links). A page's own body
    and metadata are added per page; other pages' bodies never appear in a page.
    """
    parts = [engine_fingerprint(), repr(config), repr(crisis), repr(sorted(asset_paths.items())),
             repr([(p.slug, p.nav_title) for p in site.nav]), repr([p.slug for p in site.pages])]
    parts += [p.as_posix() + "\0" + p.read_text(encoding="utf-8", errors="replace") for p in renderer.source_files()]
    return make_key(*parts)
