"""A content-addressed render cache: unchanged pages are not converted from Markdown again.

Key = hash of everything a page's rendered body and lint findings depend on (its source text, the engine
version, the lint settings and today's date). All entries live in one pack file behind a SHA-256 checksum:
one read at the start and one write at the end of a build (opening thousands of small files costs more
than the rendering they save). A damaged or foreign pack is detected and the pages are rendered again.
The folder is safe to delete.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

MAGIC = b"FACACHE2"


def make_key(*parts: str | bytes) -> str:
    """Return the hex SHA-256 of the parts."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class RenderCache:
    """Values by key, loaded from and saved to one pack file; a miss (or a damaged pack) returns None."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / "render.pack" if folder else None
        self.old: dict[str, Any] = self._load()
        self.new: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        body = data[len(MAGIC) + 32:]
        if not data.startswith(MAGIC) or hashlib.sha256(body).digest() != data[len(MAGIC):len(MAGIC) + 32]:
            return {}  # damaged: everything is a miss, and save() replaces the pack
        try:
            entries = pickle.loads(body)
        except Exception:  # noqa: BLE001 (a pack from an incompatible engine is just a miss)
            return {}
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str) -> Any | None:
        """Return the cached value for key, or None."""
        value = self.old.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        """Remember value under key (written by save())."""
        self.new[key] = value

    def save(self) -> None:
        """Write the entries used or made by this build (so stale ones drop out); failures only cost speed."""
        if self.path is None or (self.misses == 0 and self.new.keys() == self.old.keys()):
            return
        body = pickle.dumps(self.new, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(MAGIC + hashlib.sha256(body).digest() + body)
            os.replace(tmp, self.path)
        except OSError:
            pass
