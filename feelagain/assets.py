"""Static assets: copied with a content hash in the name so hosts can cache them forever."""
from __future__ import annotations

import hashlib
import html as htmllib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

import rcssmin  # type: ignore[import-untyped]  # no type information shipped

from .errors import BuildError, SourceLocation
from .markup import Link, missing_asset

# Copied once more under a fixed name: clinics paste this URL into their pages, so it must not change.
STABLE_NAMES = {"embed.js": PurePosixPath("embed.js")}


@dataclass(frozen=True)
class Asset:
    """One asset file: its name in assets/, its fingerprinted output path and its bytes."""

    name: str
    dest: PurePosixPath
    data: bytes


def fingerprint(name: str, data: bytes) -> PurePosixPath:
    """Return assets/<stem>.<8 hex>.<ext> for an asset name like css/site.css."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(data).hexdigest()[:8]
    return PurePosixPath("assets") / f"{path.stem}.{digest}{path.suffix}"


def published(name: str, data: bytes) -> bytes:
    """Return an asset's bytes as the site serves them: a stylesheet without its comments and spare whitespace
    (rcssmin), anything else as it is.

    The stylesheets are written to be read by the clinics that theme them, so they explain themselves at length;
    readers need none of that, and every page loads site.css before it can show its first screen (the comments
    were a sixth of its gzipped size). A stylesheet that is not UTF-8 is served untouched.
    """
    if not name.endswith(".css"):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    minified: str = rcssmin.cssmin(text)
    return minified.encode("utf-8")


def asset_names(asset_dirs: tuple[Path, ...]) -> frozenset[str]:
    """Return the name of every asset (e.g. 'img/lake.png') without reading the files: what the link check
    needs to find an image that is not there before anything is written."""
    return frozenset(path.relative_to(folder).as_posix() for folder in asset_dirs for path in folder.rglob("*")
                     if path.is_file() and not path.name.startswith("."))


def collect_assets(asset_dirs: tuple[Path, ...]) -> dict[str, Asset]:
    """Return every asset by name (e.g. 'css/site.css'); later folders override earlier ones."""
    found: dict[str, Asset] = {}
    for folder in asset_dirs:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(folder).as_posix()
            data = published(name, path.read_bytes())
            found[name] = Asset(name, fingerprint(name, data), data)
    dests: dict[PurePosixPath, str] = {}
    for asset in found.values():
        if asset.dest in dests:
            raise BuildError(SourceLocation(PurePosixPath("assets", asset.name)),
                             f"has the same output name as assets/{dests[asset.dest]}",
                             "rename one of them: assets are flattened into one folder")
        dests[asset.dest] = asset.name
    return found


# An image or file link of a page body, as the Converter writes it: the asset's path from the page's URL,
# percent-encoded (markup.asset_href), so a '#' or '?' in it ends the name.
BODY_ASSET = re.compile(r'(\s(?:src|href)=")((?:\.\./)*)assets/([^"#?]+)"')


def link_assets(html: str, links: Iterable[Link], dests: Mapping[str, PurePosixPath],
                source: PurePosixPath | None = None) -> str:
    """Return a page body whose images and file links point at their fingerprinted assets.

    The Converter writes them as assets/<name> (relative to the page), since a body's cache cannot depend on
    the assets' contents. An image that is not in assets/ is an error at its line (source: the page's file).
    """
    wanted = {link.slug for link in links if link.kind in ("image", "file") and link.slug}
    if not wanted:
        return html
    missing = [link for link in links if link.kind in ("image", "file") and link.slug and link.slug not in dests]
    if missing:  # the first in the page: writing stops at the first page with one
        first = min(missing, key=lambda link: link.line or 0)
        raise missing_asset(SourceLocation(source or PurePosixPath("content")), first, dests)

    def fingerprinted(match: re.Match[str]) -> str:
        name = unquote(htmllib.unescape(match.group(3)))
        if name not in wanted:
            return match.group(0)
        return f'{match.group(1)}{match.group(2)}{htmllib.escape(quote(str(dests[name])))}"'

    return BODY_ASSET.sub(fingerprinted, html)
