"""Offline help: the service worker, the offline notice page and the web app manifest.

The service worker (templates/sw.js, written to the site root so its scope is the whole site, also under a
sub-path) precaches the Get help page of every language, every language's offline notice (offline/,
es/offline/) and every stylesheet, script and image at the first visit, and nothing else: the pages a reader opens are never stored (on a shared phone they
would be a record of what was read). Its cache is named after a hash of everything it precaches and of the
worker's own code, so a rebuild that changes any of it installs a new cache and drops the old one in one step.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from .markup import Body
from .model import Site, root_prefix, url_for
from .pages import PageRenderer

OFFLINE_URL = "offline/"
SW_NAME = "sw.js"
MANIFEST_NAME = "manifest.webmanifest"
# Used when site.css does not set them (they match the bundled stylesheet's --accent and --bg).
DEFAULT_THEME = "#0b6163"
DEFAULT_BACKGROUND = "#ffffff"
PRECACHE_KINDS = (".css", ".js", ".svg", ".png", ".ico", ".webp")
# Another language's pages, their bodies and its renderer (its help page is precached too).
OtherLanguage = tuple[Site, Mapping[str, Body], PageRenderer]


def _colour(css: str, name: str, default: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{3,8}})\b", css)
    return match.group(1) if match else default


def manifest(pages: PageRenderer, css: str) -> bytes:
    """Return the web app manifest: the help page is what opens from the home screen."""
    config = pages.config
    icon = pages.asset_paths.get("img/favicon.svg")
    data: dict[str, Any] = {
        "name": config.title,
        "short_name": config.title,
        "description": config.tagline or config.title,
        "lang": config.language,
        "start_url": url_for(config.help_page) or "./",
        "scope": "./",
        "display": "standalone",
        "theme_color": _colour(css, "accent", DEFAULT_THEME),
        "background_color": _colour(css, "bg", DEFAULT_BACKGROUND),
        "icons": [{"src": icon.as_posix(), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}] if icon else [],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def offline_url(pages: PageRenderer) -> str:
    """Return the address of the offline notice in the renderer's language (offline/, es/offline/)."""
    return pages.config.lang_prefix + OFFLINE_URL


def precache_list(pages: PageRenderer, others: Sequence[PageRenderer] = ()) -> list[str]:
    """Return what the service worker stores at install, relative to the site root: the help page of each
    language (pages: the default language's renderer, others: the other languages'), each language's offline
    notice, the manifest and the assets."""
    help_urls = [url_for(pages.config.help_page) or "./"]
    help_urls += [other.config.lang_prefix + url_for(other.config.help_page) for other in others]
    notices = [offline_url(other) for other in others]
    # Percent-encoded as the pages link them: the worker makes a URL of each, where a '#' or '?' in a file's
    # name would end the path (install fails, and the whole site loses its offline copy).
    assets = sorted(quote(p.as_posix()) for p in pages.asset_paths.values() if p.suffix in PRECACHE_KINDS
                    and not p.name.startswith(("embed", "search")))  # embeds and search never work offline
    return [help_urls[0], OFFLINE_URL, MANIFEST_NAME, *dict.fromkeys(help_urls[1:]), *dict.fromkeys(notices), *assets]


def offline_files(site: Site, bodies: Mapping[str, Body], pages: PageRenderer, css: str,
                  others: Sequence[OtherLanguage] = (),
                  extra: Mapping[str, Mapping[str, Any]] | None = None) -> dict[PurePosixPath, bytes]:
    """Return each language's offline notice page, the manifest and the service worker (versioned by what it
    caches).

    others holds each other language's pages, bodies and renderer: its help page and its notice
    (/<code>/offline/) are precached too, and the worker shows a reader whose page is under /<code>/ that
    language's notice. extra: more template context for each language's notice, by language code (e.g. the
    language switcher's links to the other notices)."""
    languages = [(site, bodies, pages), *others]
    # Each language's help page, named by its own title (they work offline too).
    help_pages = [(lang_pages, page) for lang_site, _, lang_pages in languages
                  if (page := lang_site.by_slug(lang_pages.config.help_page)) is not None]
    notices: dict[PurePosixPath, bytes] = {}
    for _lang_site, _lang_bodies, lang_pages in languages:
        url = offline_url(lang_pages)
        code = lang_pages.config.language
        # From the notice, every other language's help page is one tap away (the page's own is in the text).
        other_help = [{"href": root_prefix(url) + other.config.lang_prefix + url_for(page.slug),
                       "title": page.meta.title, "lang": other.config.language}
                      for other, page in help_pages if other.config.language != code]
        _ = lang_pages.text  # _(): pybabel extracts these strings
        notices[PurePosixPath(url, "index.html")] = lang_pages.render_special(
            "offline.html", url, _("You are offline"), _("This page is not saved on this device."),
            other_help=other_help, **(extra or {}).get(code, {}))
    manifest_data = manifest(pages, css)
    precache = precache_list(pages, [other[2] for other in others])
    # A page under /<code>/ that is not saved leads to that language's notice (sw.js).
    by_prefix = {other[2].config.lang_prefix: offline_url(other[2]) for other in others}
    version = hashlib.sha256()
    for lang_site, lang_bodies, lang_pages in languages:
        help_page = lang_site.by_slug(lang_pages.config.help_page)
        if help_page is not None:
            version.update(lang_pages.render_page(help_page, lang_bodies[help_page.slug]))
    # The worker's own code counts too: a worker that stores less must not inherit an older worker's cache.
    context = {"precache": precache, "offline": OFFLINE_URL, "notices": by_prefix}
    code = pages.renderer.render(SW_NAME, {"version": "", **context})
    for part in (*notices.values(), manifest_data, json.dumps(precache).encode(), code.encode()):
        version.update(part)
    worker = pages.renderer.render(SW_NAME, {"version": version.hexdigest()[:16], **context}).encode()
    return {
        **notices,
        PurePosixPath(MANIFEST_NAME): manifest_data,
        PurePosixPath(SW_NAME): worker,
    }
