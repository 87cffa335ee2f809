"""Offline help: the service worker, the offline notice page and the web app manifest.

The service worker (templates/sw.js, written to the site root so its scope is the whole site, also under a
sub-path) precaches the Get help page of every language, the offline notice and every stylesheet, script and
image at the first visit, and nothing else: the pages a reader opens are never stored (on a shared phone they
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


def precache_list(pages: PageRenderer, others: Sequence[PageRenderer] = ()) -> list[str]:
    """Return what the service worker stores at install, relative to the site root: the help page of each
    language (pages: the default language's renderer, others: the other languages'), the offline notice, the
    manifest and the assets."""
    help_urls = [url_for(pages.config.help_page) or "./"]
    help_urls += [other.config.lang_prefix + url_for(other.config.help_page) for other in others]
    assets = sorted(p.as_posix() for p in pages.asset_paths.values() if p.suffix in PRECACHE_KINDS
                    and not p.name.startswith(("embed", "search")))  # embeds and search never work offline
    return [help_urls[0], OFFLINE_URL, MANIFEST_NAME, *dict.fromkeys(help_urls[1:]), *assets]


def offline_files(site: Site, bodies: Mapping[str, Body], pages: PageRenderer, css: str,
                  others: Sequence[OtherLanguage] = ()) -> dict[PurePosixPath, bytes]:
    """Return the offline notice page, the manifest and the service worker (versioned by what it caches).

    others holds each other language's pages, bodies and renderer: its help page is precached too."""
    # The other languages' help pages, named by their own titles (they work offline too).
    other_help = [{"href": root_prefix(OFFLINE_URL) + lang_pages.config.lang_prefix + url_for(page.slug),
                   "title": page.meta.title, "lang": lang_pages.config.language}
                  for lang_site, _, lang_pages in others
                  if (page := lang_site.by_slug(lang_pages.config.help_page)) is not None]
    notice = pages.render_special("offline.html", OFFLINE_URL, "You are offline",
                                  "This page is not saved on this device.", other_help=other_help)
    manifest_data = manifest(pages, css)
    precache = precache_list(pages, [other[2] for other in others])
    version = hashlib.sha256()
    for lang_site, lang_bodies, lang_pages in [(site, bodies, pages), *others]:
        help_page = lang_site.by_slug(lang_pages.config.help_page)
        if help_page is not None:
            version.update(lang_pages.render_page(help_page, lang_bodies[help_page.slug]))
    # The worker's own code counts too: a worker that stores less must not inherit an older worker's cache.
    code = pages.renderer.render(SW_NAME, {"version": "", "precache": precache, "offline": OFFLINE_URL})
    for part in (notice, manifest_data, json.dumps(precache).encode(), code.encode()):
        version.update(part)
    worker = pages.renderer.render(SW_NAME, {"version": version.hexdigest()[:16], "precache": precache,
                                             "offline": OFFLINE_URL}).encode()
    return {
        PurePosixPath(OFFLINE_URL, "index.html"): notice,
        PurePosixPath(MANIFEST_NAME): manifest_data,
        PurePosixPath(SW_NAME): worker,
    }
