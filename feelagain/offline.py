"""Offline help: the service worker, the offline notice page and the web app manifest.

The service worker (templates/sw.js, written to the site root so its scope is the whole site, also under a
sub-path) precaches the Get help page, the offline notice and every stylesheet, script and image at the first
visit, then keeps a copy of each page the reader opens. Its cache is named after a hash of everything it
precaches, so a rebuild that changes any of it installs a new cache and drops the old one in one step.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from .markup import Body
from .model import Site, url_for
from .pages import PageRenderer

OFFLINE_URL = "offline/"
SW_NAME = "sw.js"
MANIFEST_NAME = "manifest.webmanifest"
# Used when site.css does not set them (they match the bundled stylesheet's --accent and --bg).
DEFAULT_THEME = "#0b6163"
DEFAULT_BACKGROUND = "#ffffff"
PRECACHE_KINDS = (".css", ".js", ".svg", ".png", ".ico", ".webp")


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


def precache_list(pages: PageRenderer) -> list[str]:
    """Return what the service worker stores at install, relative to the site root."""
    help_url = url_for(pages.config.help_page)
    assets = sorted(p.as_posix() for p in pages.asset_paths.values() if p.suffix in PRECACHE_KINDS
                    and not p.name.startswith(("embed", "search")))  # embeds and search never work offline
    return [help_url or "./", OFFLINE_URL, MANIFEST_NAME, *assets]


def offline_files(site: Site, bodies: Mapping[str, Body], pages: PageRenderer,
                  css: str) -> dict[PurePosixPath, bytes]:
    """Return the offline notice page, the manifest and the service worker (versioned by what it caches)."""
    config = pages.config
    notice = pages.render_special("offline.html", OFFLINE_URL, "You are offline",
                                  "This page is not saved on this device yet.")
    manifest_data = manifest(pages, css)
    precache = precache_list(pages)
    version = hashlib.sha256()
    help_page = site.by_slug(config.help_page)
    if help_page is not None:
        version.update(pages.render_page(help_page, bodies[help_page.slug]))
    for part in (notice, manifest_data, json.dumps(precache).encode()):
        version.update(part)
    worker = pages.renderer.render(SW_NAME, {"version": version.hexdigest()[:16], "precache": precache,
                                             "offline": OFFLINE_URL}).encode()
    return {
        PurePosixPath(OFFLINE_URL, "index.html"): notice,
        PurePosixPath(MANIFEST_NAME): manifest_data,
        PurePosixPath(SW_NAME): worker,
    }
