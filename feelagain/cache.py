"""A content-addressed render cache: unchanged pages are not converted from Markdown again.

Key = hash of everything a page's rendered body and lint findings depend on (its source text, the engine
version, the lint settings and today's date). Entries are pickles behind a SHA-256 checksum, so a damaged
file is detected and simply rendered again. The folder is safe to delete.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

MAGIC = b"FACACHE1"


def make_key(*parts: str | bytes) -> str:
    """Return the hex SHA-256 of the parts."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class RenderCache:
    """Pickled values on disk, by key; a miss (or a damaged entry) returns None."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "render" if folder else None
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        """Return the cached value for key, or None."""
        if self.folder is None:
            return None
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        body = data[len(MAGIC) + 32:]
        if not data.startswith(MAGIC) or hashlib.sha256(body).digest() != data[len(MAGIC):len(MAGIC) + 32]:
            self.misses += 1
            return None  # damaged: treat as a miss, and put() will overwrite it
        try:
            value = pickle.loads(body)
        except Exception:  # noqa: BLE001 (an entry from an incompatible engine is just a miss)
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Store value under key (atomically; a failure to write only costs speed next time)."""
        if self.folder is None:
            return
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(MAGIC + hashlib.sha256(body).digest() + body)
            os.replace(tmp, path)
        except OSError:
            pass
