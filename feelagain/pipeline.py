"""The build: load → parse → validate → render → write. Each stage takes values and returns values."""
from __future__ import annotations

import dataclasses
import datetime
import os
import pickle
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import lint, workers
from .assets import asset_names
from .cache import DiskStore, RenderCache, engine_fingerprint, make_key
from .config import CONFIG_PATH, SiteConfig
from .crisis import load_crisis
from .discover import SourceFile, read_sources, read_text_file, reserved_name, source_text
from .errors import BuildError, Problems, SourceLocation, did_you_mean
from .frontmatter import parse as parse_front_matter
from .frontmatter import split as split_front_matter
from .frozen import by_fields, replaced
from .languages import Language, PageRef, pair_pages
from .links import check_links, links_with_lines
from .markup import ENGLISH, Body, Converter, Labels, Link
from .model import HOME, Page, Site
from .schema import placeholder_lines, validate_meta
from .search import IndexStats, pinned_results, unpinned_language
from .sitefiles import check_site_files
from .writers import LangSite, Served, write_site
from .yamlfile import LineMap, line_leaf

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    pages: int
    outputs: int
    warnings: tuple[BuildError, ...]
    seconds: float
    cache_hits: int = 0
    index: IndexStats | None = None  # what Pagefind cost, when this build ran it


@dataclass(frozen=True, slots=True)
class Parsed:
    """A page parsed from an unchanged source file, and the warnings that came with it (the front-matter cache)."""

    __reduce__ = by_fields  # pickled as a call of the class (frozen.py)

    page: Page
    warnings: tuple[BuildError, ...]


RACY_NS = 2_000_000_000  # a file changed this recently may change again within one mtime tick: never cache it


class SourceCache:
    """Remembers parsed front matter by path, inode, size, mtime and ctime, so an unchanged file is not even read."""

    def __init__(self, cache: RenderCache) -> None:
        self.cache = cache
        self.salt = make_key("front-matter", engine_fingerprint())
        self.stats: dict[PurePosixPath, str] = {}
        self.found: dict[PurePosixPath, str] = {}  # the keys of the files lookup() found
        self.now = time.time_ns()
        self.layouts: dict[Any, LineMap] = {}  # shared_lines(): one LineMap per front-matter layout

    def shared_lines(self, lines: LineMap) -> LineMap:
        """Return a LineMap equal to lines, shared by every page whose front matter has the same layout (the same
        keys, lists and lines; most pages of a site have one of a few), until forget().

        Every page's own copy, a dict, its keys and a few lists, is dropped when the writers take their light
        copies (for_writing): at 10,000 pages about 11 MB, freed in small pieces the writing stage could not use.
        """
        return self.layouts.setdefault(_layout(lines), lines)

    def lookup(self, rel: PurePosixPath, path: Path) -> Parsed | None:
        """Return the cached parse of an unchanged file, or None (then remember its stat for store())."""
        try:
            info = os.stat(path)
        except OSError:
            return None  # reading it will say what is wrong
        if self.now - max(info.st_mtime_ns, info.st_ctime_ns) < RACY_NS:
            return None
        key = make_key(self.salt, rel.as_posix(), repr((info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
                                                        info.st_ctime_ns)))
        hit = self.cache.get(key)
        if isinstance(hit, Parsed):
            self.found[rel] = key
            # The Markdown stays in the cache until a conversion asks for it (markdown()): read_sources keeps
            # every hit until parse_pages has seen them all, and 10,000 pages' texts are about 50 MB.
            page = replaced(hit.page, body_md="", meta_lines=self.shared_lines(hit.page.meta_lines))
            return replaced(hit, page=page)
        self.stats[rel] = key
        return None

    def markdown(self, page: Page) -> str | None:
        """Return the Markdown body of a page lookup() found (parse_pages drops it: most builds never need it)."""
        key = self.found.get(page.source.rel_path)
        hit = self.cache.get(key, count=False) if key else None
        return hit.page.body_md if isinstance(hit, Parsed) else None

    def forget(self) -> None:
        """Drop what lookup() remembered of each file, once every page is converted (markdown() then finds none)."""
        self.stats.clear()
        self.found.clear()
        self.layouts.clear()

    def store(self, rel: PurePosixPath, parsed: Parsed) -> None:
        """Cache what a clean parse of rel gave (only files lookup() saw and did not find)."""
        key = self.stats.get(rel)
        if key:
            self.cache.put(key, parsed)


def _layout(node: LineMap) -> Any:
    """Return what makes two LineMaps equal, as a value a dict can use as a key."""
    kids = node.children
    if kids is None:
        return node.line
    if isinstance(kids, dict):
        return (node.line, "mapping", *[(key, _layout(value)) for key, value in kids.items()])
    return (node.line, "list", *[_layout(item) for item in kids])


def parse_pages(sources: list[SourceFile], problems: Problems, lang_prefix: str = "",
                store: SourceCache | None = None, markdown: DiskStore[str] | None = None) -> list[Page]:
    """Return a Page for every source whose front matter is valid; record the problems of the others.

    lang_prefix is the URL prefix of the pages' language ('es/'), '' for the default language. A source
    read_sources left unread (path set) is read here, so one text at a time is in memory. With markdown, each page's body is set aside there by
    slug and the page keeps body_md "" (convert_bodies takes it back): a large site's bodies need not all
    be in memory at once. A page from store (the front-matter cache) keeps its body only there.
    """
    pages = []

    def keep(page: Page, cached: bool = False) -> None:
        # A cached page comes without its body: it stays in the cache until a conversion needs it
        # (SourceCache.markdown).
        if markdown is not None and not cached:
            markdown.add(page.slug, pickle.dumps(page.body_md, protocol=pickle.HIGHEST_PROTOCOL))
            page = replaced(page, body_md="")
        pages.append(page)

    for source in sources:
        if isinstance(source.parsed, Parsed) and source.parsed.page.lang_prefix == lang_prefix:
            keep(source.parsed.page, cached=store is not None)
            problems.extend([], list(source.parsed.warnings))
            continue
        loc = SourceLocation(source.rel_path)
        try:
            text = source_text(source)
        except BuildError as err:
            problems.add(err)
            continue
        try:
            raw, lines, body, body_line = parse_front_matter(text, loc)
        except BuildError as err:
            problems.add(err)
            continue
        warnings = [BuildError(loc.at(line), 'placeholder text from "new" is still here',
                               "replace it with your own words", rule="placeholder")
                    for line in placeholder_lines(text)]  # a warning: drafts build, `check --strict` fails
        problems.extend([], warnings)
        meta, errors = validate_meta(raw, loc, lines, text.split("\n"))
        for error in errors:
            problems.add(error)
        if meta:
            # Keep what later stages need and no more: on a 10,000-page site the full text and the line of
            # every nested YAML node would double the memory a build needs.
            top = LineMap(lines.line, {k: LineMap(v.line, _item_lines(v)) if k in ("sources", "summary")
                                       else line_leaf(v.line) for k, v in lines.entries().items()})
            if store is not None:
                top = store.shared_lines(top)
            light = SourceFile(source.rel_path, source.slug, "")
            page = Page(light, meta, body, body_line, top, make_key(text), lang_prefix)
            if store is not None and not errors:
                store.store(source.rel_path, Parsed(page, tuple(warnings)))
            keep(page)
    return pages


def _item_lines(node: LineMap) -> list[LineMap]:
    """Return the start line of each item of a YAML list (the linter points at each source's own line)."""
    return [line_leaf(item.line) for item in node.items()]


def for_writing(site: Site) -> Site:
    """Return the site without what only the earlier stages read: each page's Markdown and front-matter lines.

    Once the pages are converted and checked, the writers need neither; on a large site they are a good part
    of the memory the writing stage would otherwise hold.
    """
    light = {id(p): replaced(p, body_md="", meta_lines=line_leaf(p.meta_lines.line)) for p in site.pages}
    return Site(tuple(light[id(p)] for p in site.pages), tuple(light.get(id(p), p) for p in site.nav))


def order_site(config: SiteConfig, pages: list[Page], problems: Problems, found: set[str] | None = None) -> Site:
    """Return the Site: pages listed in site.yml's nav first, in that order, then the rest by order and name.

    found holds the slugs of every content file, including those whose front matter failed, so a broken
    page is not also reported as missing.
    """
    by_slug = {p.slug: p for p in pages}
    found = set(by_slug) if found is None else found | set(by_slug)
    folder = f"content/{config.content_subdir}/" if config.content_subdir else "content/"
    nav_lines = config.setting_lines("nav").items()  # the top-level nav, or the one of the language's entry
    for index, slug in enumerate(config.nav):
        line = nav_lines[index].line if index < len(nav_lines) else None
        if slug in config.nav[:index]:
            problems.add(BuildError(SourceLocation(CONFIG_PATH, line), f'nav lists "{slug}" twice', "keep one of them"))
        elif slug not in found:
            guess = did_you_mean(slug, sorted(found - set(config.nav)))
            problems.add(BuildError(SourceLocation(CONFIG_PATH, line), f'nav lists "{slug}", but there is no {folder}{slug}.md',
                                    guess or "fix the name or create the page"))
    listed = [by_slug[s] for s in dict.fromkeys(config.nav) if s in by_slug]
    rest = sorted((p for p in pages if p.slug not in config.nav), key=lambda p: (p.slug != HOME, p.meta.order, p.slug))
    nav = tuple(listed) if config.nav else tuple(rest)
    if HOME not in found and pages:
        problems.add(BuildError(SourceLocation(PurePosixPath(f"{folder}index.md")), "there is no home page",
                                f"create {folder}index.md"))
    if config.help_page not in found and pages:
        # Written in site.yml: point at it (a typo, most likely); left out: the default "get-help" is missing.
        line = config.setting_line("help_page")
        guess = did_you_mean(config.help_page, sorted(found)) if line else ""
        problems.add(BuildError(SourceLocation(CONFIG_PATH, line), f'the help page "{config.help_page}" does not exist',
                                guess or f"create {folder}{config.help_page}.md or set help_page in site.yml"))
    for page in pages:
        name = page.meta.template
        if name and not any((folder / f"{name}.html").is_file() for folder in config.template_dirs):
            problems.add(BuildError(SourceLocation(page.source.rel_path, page.meta_lines.at("template")),
                                    f'template "{name}" does not exist',
                                    "use page or home, or create templates/" + f"{name}.html"))
    return Site(tuple(listed + rest), nav)


@dataclass(frozen=True)
class Checks:
    """What validation needs of a page's Body; the Body itself waits on disk (DiskStore) until it is written."""

    errors: tuple[BuildError, ...]  # the markup's, then the linter's
    warnings: tuple[BuildError, ...]
    links: tuple[tuple[Link, int], ...]  # every link with its file line
    ids: tuple[str, ...]  # the page's element ids (a tuple: a large site keeps every page's, and they are few)
    converted: bool = True  # False when the body could not be converted at all (over an input limit): no ids


@dataclass(frozen=True)
class CachedBody:
    """A render-cache entry: the page's Checks and its Body, each as pickled bytes. The Body goes to the DiskStore
    as it is (a build that takes every page from the cache never unpickles a Body before writing); the Checks wait
    as bytes until validate_bodies reads them, one page at a time (every page's Checks as objects were about 19 MB
    at 10,000 pages, freed in small pieces that the writing stage could not use again)."""

    checks: bytes
    body: bytes


def _checks(body: Body, links: list[tuple[Link, int]]) -> Checks:
    rendered = body.rendered
    return Checks(rendered.errors + body.errors, rendered.warnings + body.warnings, tuple(links),
                  tuple(sorted(rendered.ids)), bool(rendered.body_html) or not rendered.errors)


def convert_body(converter: Converter, page: Page, settings: lint.LintSettings, today: datetime.date,
                 key: str = "", known_numbers: frozenset[str] | None = None, labels: Labels = ENGLISH) -> Body:
    """Return the converted body of a page and what the linter found in it (known_numbers: crisis.yml's;
    labels: the words of notes and callouts in the page's language)."""
    return _convert_checked(converter, page, settings, today, key, known_numbers, labels)[0]


def _convert_checked(converter: Converter, page: Page, settings: lint.LintSettings, today: datetime.date,
                     key: str = "", known_numbers: frozenset[str] | None = None,
                     labels: Labels = ENGLISH) -> tuple[Body, Checks]:
    """Return convert_body()'s Body and its Checks."""
    loc = SourceLocation(page.source.rel_path)
    body_md = page.body_md
    rendered = converter.convert(body_md, loc, page.url, page.body_start_line, faq=page.meta.faq,
                                 lang_prefix=page.lang_prefix, labels=labels)
    body_html = rendered.body_html
    links = links_with_lines(rendered.links, body_md, page.body_start_line)
    if not body_html and rendered.errors:  # over an input limit: linting that text could hang too
        body = Body(rendered, (), (), key)
        return body, _checks(body, links)
    lint_page = lint.LintPage(
        path=page.source.rel_path, slug=page.slug, body_md=body_md, body_start_line=page.body_start_line,
        body_html=body_html, sources_count=len(page.meta.sources),
        sources_line=page.meta_lines.at("sources"), reviewed=page.meta.reviewed,
        next_review=page.meta.next_review, reviewed_line=page.meta_lines.at("reviewed"),
        next_review_line=page.meta_lines.at("next_review"),
        links=tuple((link.href, line) for link, line in links),
        sources=tuple(lint.SourceRef(s.publisher, s.title, s.url, s.doi, page.meta_lines.at("sources", i))
                      for i, s in enumerate(page.meta.sources)),
        known_numbers=known_numbers,
        meta_texts=((page.meta.title, page.meta_lines.at("title")), (page.meta.description, page.meta_lines.at("description")),
                    *((point, page.meta_lines.at("summary", i)) for i, point in enumerate(page.meta.summary))))
    errors, warnings = lint.lint_page(lint_page, settings, today)
    body = Body(rendered, tuple(errors), tuple(warnings), key)
    return body, _checks(body, links)


class _WorkerConverter:
    """The Converter of this worker process, made on its first task: making one costs as much as converting
    ten pages, and a worker gets several tasks. A copy inherited by fork is safe (no open files)."""

    converter: Converter | None = None

    @classmethod
    def get(cls) -> Converter:
        if cls.converter is None:
            cls.converter = Converter()
        return cls.converter


@dataclass(frozen=True)
class _ConvertJob:
    """What every conversion task shares; forked workers inherit it (the Markdown store's file included)."""

    settings: lint.LintSettings
    today: datetime.date
    known_numbers: frozenset[str] | None
    markdown: DiskStore[str] | None
    labels: Labels = ENGLISH


def _with_body(page: Page, markdown: DiskStore[str] | None) -> Page:
    """Return the page with the Markdown body parse_pages set aside."""
    return replaced(page, body_md=markdown[page.slug]) if markdown is not None and page.slug in markdown else page


def _convert_many(job: _ConvertJob, task: tuple[list[Page], list[str]]) -> tuple[list[tuple[bytes, bytes]],
                                                                                  dict[str, int]]:
    """Convert pages in a worker; return each page's Checks and its Body, each pickled once (for the cache, and
    the store or validate_bodies), and the syllable counts the linter made with the hyphenation dictionary (kept
    for the next build)."""
    converter = _WorkerConverter.get()
    done = []
    for page, key in zip(*task):
        body, checks = _convert_checked(converter, _with_body(page, job.markdown), job.settings, job.today, key,
                                        job.known_numbers, job.labels)
        done.append((_pickled(checks), _pickled(body)))
    return done, lint.counted_syllables()


CHUNK_PAGES = 250  # pages per conversion task at most (a finished task's results wait in memory until taken)


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class Converted:
    """Every page's Body (on disk, read back one at a time) and what validation needs of each (in memory, as the
    pickled bytes of its Checks: one object per page)."""

    bodies: Mapping[str, Body]
    checks: dict[str, bytes]


def convert_bodies(site: Site, settings: lint.LintSettings, today: datetime.date, cache: RenderCache,
                   store: DiskStore[Body], progress: Progress | None = None,
                   known_numbers: frozenset[str] | None = None, markdown: DiskStore[str] | None = None,
                   recall: Callable[[Page], str] | None = None, labels: Labels = ENGLISH) -> Converted:
    """Return every page's Body, from the cache where possible, in parallel processes for large sites.

    The bodies go to store as they come (on a large site they would be most of the build's memory); only
    their Checks stay in memory, pickled. markdown holds the pages' Markdown when parse_pages set it aside; recall
    gives the Markdown of a page parse_pages took from the front-matter cache (it is not in markdown).
    known_numbers (the digits of crisis.yml's numbers) feed the crisis-number lint rule, so they are part of
    every cache key: a number added to or removed from crisis.yml re-checks every page. So are labels (the
    words of notes and callouts in the pages' language, from its catalog): a changed translation re-renders.
    """
    salt = make_key(engine_fingerprint(), repr(settings), today.isoformat(),
                    repr(sorted(known_numbers)) if known_numbers is not None else "", repr(labels))
    keys = {p.slug: make_key(salt, p.source.rel_path.as_posix(), p.digest) for p in site.pages}
    checks: dict[str, bytes] = {}
    todo = []
    for page in site.pages:
        hit = cache.get(keys[page.slug])
        if isinstance(hit, CachedBody):
            store.add(page.slug, hit.body, keys[page.slug])  # the Body's own key, kept aside for the writers
            checks[page.slug] = hit.checks
        else:
            todo.append(page)
    # Syllable counts of earlier builds: linting an edited page whose words are all known loads no dictionary.
    counts_id = lint.counts_id()  # "" when the dictionary cannot be named: then no counts are kept
    syllable_key = make_key("syllables", counts_id) if counts_id else ""
    stored = cache.get(syllable_key, count=False) if todo and syllable_key else None
    if isinstance(stored, dict):
        lint.remember_syllables(stored)
    if syllable_key:
        cache.keep(syllable_key)  # a build that lints nothing must not prune them
    counted: dict[str, int] = {}
    if markdown is not None and recall is not None:
        for page in todo:
            if page.slug not in markdown:
                markdown.add(page.slug, pickle.dumps(recall(page), protocol=pickle.HIGHEST_PROTOCOL))
    job = _ConvertJob(settings, today, known_numbers, markdown, labels)
    if workers.worth_parallel(len(todo)):
        # Small tasks of pages without their Markdown: forked workers read it from the store they inherit,
        # and a finished task's bodies wait in memory only until stored.
        parts = max(workers.worker_count() * 4, -(-len(todo) // CHUNK_PAGES))
        chunks = [todo[i::parts] for i in range(parts)]
        cache.close_for_fork()
        tasks = [(chunk, [keys[p.slug] for p in chunk]) for chunk in chunks]
        for chunk, (results, worker_counted) in zip(chunks, workers.map_forked(job, _convert_many, tasks)):
            cache.reopen()  # the workers exist once the first result is in
            counted.update(worker_counted)
            for page, (checks_data, data) in zip(chunk, results):
                checks[page.slug] = checks_data
                cache.put(keys[page.slug], CachedBody(checks_data, data))
                store.add(page.slug, data, keys[page.slug])
            if progress:
                progress(len(checks), len(site.pages))
        cache.reopen()
    else:
        converter = Converter()
        for page in todo:
            body, page_checks = _convert_checked(converter, _with_body(page, markdown), settings, today,
                                                 keys[page.slug], known_numbers, labels)
            checks[page.slug], data = _pickled(page_checks), _pickled(body)
            cache.put(keys[page.slug], CachedBody(checks[page.slug], data))
            store.add(page.slug, data, keys[page.slug])
    lint.remember_syllables(counted)  # the workers' counts
    counted.update(lint.counted_syllables())
    if syllable_key and todo and (counted or not isinstance(stored, dict)):
        cache.put(syllable_key, lint.known_syllables())
    return Converted(store, checks)


def validate_bodies(site: Site, checks: Mapping[str, bytes], problems: Problems,
                    assets: frozenset[str] | None = None, translations: Mapping[str, str] | None = None,
                    language_folders: frozenset[str] | None = None) -> set[str]:
    """Record markup and lint problems, and check every link between pages (and images and files, given the
    names in assets/; translations: {another language's slug: this language's version}, for the advice on a
    link between languages). checks holds each page's Checks, pickled (convert_bodies).

    Return the slugs of the site's pages that another page links to. Every page's ids are in memory at once (a
    link may point into any page); the rest of its Checks only while that page is checked.
    """
    anchors: dict[str, tuple[str, ...]] = {}
    # A page that could not be converted has no ids: its own error says why, and links into it are not
    # checked for anchors (each would be a false "missing anchor").
    unconverted: set[str] = set()
    for slug, data in checks.items():
        page_checks: Checks = pickle.loads(data)
        anchors[slug] = page_checks.ids
        if not page_checks.converted:
            unconverted.add(slug)
    own = {page.slug: page.slug for page in site.pages}  # what linked keeps: the pages' own strings
    linked: set[str] = set()
    for page in site.pages:
        page_checks = pickle.loads(checks[page.slug])
        problems.extend(list(page_checks.errors), list(page_checks.warnings))
        links = [(link, line) for link, line in page_checks.links
                 if not (link.fragment and (link.slug if link.kind == "page" else page.slug) in unconverted)]
        for err in check_links(page.slug, SourceLocation(page.source.rel_path), links, anchors, assets, translations,
                               language_folders):
            problems.add(err)
        linked.update(own[link.slug] for link, _ in page_checks.links
                      if link.kind == "page" and link.slug != page.slug and link.slug in own)
    return linked


def warn_unlisted(languages: list[LangSite], linked: list[set[str]], config: SiteConfig, problems: Problems) -> None:
    """Warn about a translated page left out of its language's nav while its version in another language is in
    that language's nav, when no page of its own language links to it either: it is published, but its readers
    cannot reach it (the other version's language switch is seen only by the other language's readers).

    linked holds, per language, the slugs its pages link to. The home and help pages are linked from every page.
    """
    groups: dict[str, list[tuple[int, Page]]] = {}
    for index, lang_site in enumerate(languages):
        for page in lang_site.site.pages:
            target = page.slug if index == 0 else (page.meta.translation_of or page.slug)
            groups.setdefault(target, []).append((index, page))
    in_nav = [{page.slug for page in lang_site.site.nav} for lang_site in languages]

    top_nav = "nav" in config.lines.entries()  # the default language's nav: top-level, or in its languages entry

    def nav_name(index: int) -> str:
        return "nav" if index == 0 and top_nav else f"languages[{languages[index].language.code}].nav"

    for group in groups.values():
        listed = [(index, page) for index, page in group if page.slug in in_nav[index]]
        if len(group) < 2 or not listed:
            continue  # in one language only, or in no nav at all: as the editor chose
        for index, page in group:
            lang_config = languages[index].config
            if page.slug in in_nav[index] or page.slug in linked[index] or page.slug in (HOME, lang_config.help_page):
                continue
            line = config.lines.at("nav") if index == 0 and top_nav else config.lines.at("languages", index, "nav")
            other, other_page = listed[0]
            problems.warn(BuildError(
                SourceLocation(CONFIG_PATH, line),
                f'page "{page.slug}" ({page.source.rel_path}) is not in {nav_name(index)} and no page links to it, '
                f'so its readers cannot find it (its version "{other_page.slug}" is in {nav_name(other)})',
                f"add it to {nav_name(index)} in site.yml, or link to it from another page", rule="nav"))


def _convert_and_check(site: Site, settings: lint.LintSettings, today: datetime.date, cache: RenderCache,
                       store: DiskStore[Body], problems: Problems, progress: Progress | None,
                       known_numbers: frozenset[str] | None, markdown: DiskStore[str],
                       recall: Callable[[Page], str], labels: Labels, assets: frozenset[str] | None = None,
                       translations: Mapping[str, str] | None = None,
                       language_folders: frozenset[str] | None = None) -> tuple[Mapping[str, Body], set[str]]:
    """Convert and validate one language's pages; return the bodies and the slugs of its pages that other pages
    link to (the Checks are dropped: no later stage reads them)."""
    converted = convert_bodies(site, settings, today, cache, store, progress, known_numbers, markdown, recall,
                               labels)
    linked = validate_bodies(site, converted.checks, problems, assets, translations, language_folders)
    return converted.bodies, linked


def build(config: SiteConfig, *, write: bool = True, today: datetime.date | None = None, use_cache: bool = True,
          progress: Progress | None = None, served: Served | None = None, debug: bool = False) -> BuildResult:
    """Build the site; raise BuildFailed (with every problem) and leave the output folder untouched on failure.

    served (the dev server's record of what it wrote) writes changed files one by one into the output folder
    instead of swapping it. debug lets an exception inside a template through, with its traceback.
    Every language of site.yml is built the same way: its pages in content/<code>/, published under /<code>/.
    """
    stores: list[DiskStore[Any]] = []  # temporary files, deleted whatever happens
    try:
        return _build(config, stores, write=write, today=today, use_cache=use_cache, progress=progress,
                      served=served, debug=debug)
    finally:
        later = served.later if served is not None else None
        if later is not None and later.stores is None:
            # This dev-server build left its site-wide files for after the reload; they read the bodies from
            # these stores, so the stores close when those files are written (or the run is dropped).
            later.stores = tuple(stores)
        else:
            for store in stores:
                store.close()


def _build(config: SiteConfig, stores: list[DiskStore[Any]], *, write: bool, today: datetime.date | None,
           use_cache: bool, progress: Progress | None, served: Served | None, debug: bool) -> BuildResult:
    from .i18n import check_catalogs, translations

    started = time.perf_counter()
    today = today or datetime.date.today()
    problems = Problems()
    problems.extend(check_site_files(config.site_dir), [])
    crisis = load_crisis(config.site_dir, config.default_region, config.lines.at("default_region"), problems, today)
    languages = config.all_languages
    cache = RenderCache(config.cache_dir if use_cache else None, read_only=not write)
    known = SourceCache(cache)
    temp_dir = config.cache_dir if write and use_cache else None  # the site's disk: /tmp may be a RAM disk
    sites: list[tuple[SiteConfig, Language, Site, DiskStore[str]]] = []
    refs: list[PageRef] = []
    default_found: set[str] = set()  # every page file of the default language, loaded or not
    for lang in languages:
        if crisis is not None and not lang.is_default and crisis.region(lang.default_region) is None:
            # A clinic's copy may keep our languages but list only its own regions: fall back, and say so.
            line = config.for_language(lang).setting_line("default_region") or config.lines.at("languages")
            problems.warn(BuildError(SourceLocation(CONFIG_PATH, line),
                                     f'language "{lang.code}": default_region "{lang.default_region}" is not a region '
                                     f'in crisis.yml, so its pages show "{config.default_region}" first',
                                     "use one of: " + ", ".join(r.code for r in crisis.regions), rule="language-region"))
            lang = dataclasses.replace(lang, default_region=config.default_region)
        lang_config = config.for_language(lang) if config.languages else config
        rel_dir = f"content/{lang.content_subdir}" if lang.content_subdir else "content"
        if not lang.is_default and not lang_config.content_dir.is_dir():
            # One problem, at the language's entry: not one more for each page its nav lists.
            problems.add(BuildError(SourceLocation(CONFIG_PATH, lang_config.setting_lines("code").line),
                                    f'the folder {rel_dir}/ of language "{lang.code}" is missing',
                                    f"create {rel_dir}/ with the {lang.name} pages, or remove {lang.code} from "
                                    "languages in site.yml"))
            continue
        others = {other.code: other.name for other in languages if not other.is_default} if lang.is_default else {}
        sources = read_sources(lang_config.content_dir, problems, rel_dir, known.lookup, defer=True, languages=others)
        markdown: DiskStore[str] = DiskStore(temp_dir)
        stores.append(markdown)
        # Every page file, read or not: a page that failed to load is reported once, for its own mistake, and
        # not again by the checks that name it (nav, help_page, translation_of).
        found = {s.slug for s in sources}
        site = order_site(lang_config, parse_pages(sources, problems, lang.prefix, known, markdown), problems, found)
        problems.extend(pinned_results(lang_config, found)[1], [])
        unpinned = unpinned_language(lang_config)
        if unpinned is not None:
            problems.warn(unpinned)
        # Every language has its own search, print and offline pages (es/search/, es/print/, es/offline/), and
        # the other languages' pages are at /<code>/: no page of the default language may be called es.
        for source in sources:
            reserved = reserved_name(source.slug, lang.prefix, others)
            if reserved:
                problems.add(BuildError(SourceLocation(source.rel_path), *reserved))
        if not lang.is_default:
            refs += [PageRef(lang.code, p.slug, p.source.rel_path, p.meta.translation_of,
                             p.meta_lines.at("translation_of") if p.meta.translation_of else None)
                     for p in site.pages]
        if lang.is_default:
            default_found = found
        del sources
        sites.append((lang_config, lang, site, markdown))
    pairs: dict[tuple[str, str], str] = {}  # (language, slug) → the default-language page it translates
    if refs:
        pairs, pair_errors = pair_pages(default_found, refs)
        problems.extend(pair_errors, [])
    problems.extend(*check_catalogs(config, languages))
    if problems.errors:
        cache.save(prune=False)  # keep what was parsed: the next try reads only the files that changed
    problems.raise_if_any()
    parsed_hits = cache.hits  # cache_hits counts rendered bodies only, not front matter
    def recall(page: Page) -> str:
        text = known.markdown(page)
        if text is None:  # gone from the cache since this build read it; the file is unchanged, so read it again
            loc = SourceLocation(page.source.rel_path)
            text = split_front_matter(read_text_file(config.site_dir / page.source.rel_path, loc), loc)[1]
        return text

    assets = asset_names(config.asset_dirs)  # so `check` too finds an image that is not there
    language_folders = frozenset(lang.code for lang in languages if not lang.is_default)  # published under /<code>/
    # Each translated page with the default-language page it translates (real pairs only: a page of its own has
    # no version to suggest), for "link to its version" advice.
    versions = [(code, slug, default) for (code, slug), default in pairs.items()]

    def versions_for(lang: Language) -> dict[str, str]:
        if lang.is_default:
            return {slug: default for _, slug, default in versions}
        return {default: slug for code, slug, default in versions if code == lang.code}

    built: list[LangSite] = []
    linked: list[set[str]] = []  # per language, the pages its pages link to
    while sites:  # popped, so the pages as parsed are not kept alive
        lang_config, lang, site, markdown = sites.pop(0)
        body_store: DiskStore[Body] = DiskStore(temp_dir)
        stores.append(body_store)
        labels = Labels.translated(translations(config.site_dir, lang.code).gettext)
        bodies, links = _convert_and_check(site, lang_config.lint, today, cache, body_store, problems, progress,
                                           crisis.numbers() if crisis else None, markdown, recall, labels,
                                           assets, versions_for(lang), language_folders)
        linked.append(links)
        # The writers only look bodies up by slug, one page at a time: the mapping reads each from disk.
        built.append(LangSite(lang_config, lang, for_writing(site), bodies))
        del site  # the pages as parsed (front-matter lines and all): the writers have their light copies
    if len(built) > 1:
        warn_unlisted(built, linked, config, problems)
    known.forget()  # what the parse remembered of each file: no later stage needs it
    cache.save()  # before any stop for errors: the next try re-renders only what changed
    problems.raise_if_any(config.strict)
    assert crisis is not None, "load_crisis returns None only after recording an error"
    main = built[0]
    outputs, indexed = (write_site(main.config, main.site, main.bodies, crisis, problems, served, debug,
                                   languages=tuple(built), use_cache=use_cache) if write else (0, None))
    pages = sum(len(b.site.pages) for b in built)
    return BuildResult(pages, outputs, tuple(problems.warnings), time.perf_counter() - started,
                       cache.hits - parsed_hits, indexed)
