"""Static assets: copied with a content hash in the name so hosts can cache them forever."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BuildError, SourceLocation

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


def collect_assets(asset_dirs: tuple[Path, ...]) -> dict[str, Asset]:
    """Return every asset by name (e.g. 'css/site.css'); later folders override earlier ones."""
    found: dict[str, Asset] = {}
    for folder in asset_dirs:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            found[name] = Asset(name, fingerprint(name, data), data)
    dests: dict[PurePosixPath, str] = {}
    for asset in found.values():
        if asset.dest in dests:
            raise BuildError(SourceLocation(PurePosixPath("assets", asset.name)),
                             f"has the same output name as assets/{dests[asset.dest]}",
                             "rename one of them: assets are flattened into one folder")
        dests[asset.dest] = asset.name
    return found
