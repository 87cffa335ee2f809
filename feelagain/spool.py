"""An output file made in pieces and kept in an unnamed temporary file, not in memory.

The print page holds the whole guide (about 65 MB at 10,000 pages) and the embed guide lists every page (17 MB):
holding either as text, then as bytes, then in the list of files waiting for Pagefind, would triple the build's
memory. They are written here as they are made instead, hashed as they go, and copied into the output folder
by the writers, which take an output either way (the functions at the end).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


class Spooled:
    """Bytes written in pieces to an unnamed temporary file, with their SHA-256 and size kept as they go.

    folder: where the temporary file lives (the output's disk: /tmp may be memory); None is the system's.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.file: BinaryIO = tempfile.TemporaryFile(dir=folder)
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        """Add data at the end."""
        self.file.write(data)
        self._hash.update(data)
        self.size += len(data)

    @property
    def digest(self) -> str:
        """Return the SHA-256 of everything written so far, in hex (what the writers' manifest records)."""
        return self._hash.hexdigest()

    def read(self) -> bytes:
        """Return every byte written (for small files and tests: the point of a spool is not to do this)."""
        self.file.seek(0)
        return self.file.read()

    def copy_to(self, handle: BinaryIO) -> None:
        """Write every byte into an open binary file, a chunk at a time."""
        self.file.flush()
        self.file.seek(0)
        shutil.copyfileobj(self.file, handle, CHUNK)

    def same_as(self, path: str | os.PathLike[str]) -> bool:
        """Return True if the file at path holds exactly these bytes (False if it cannot be read)."""
        try:
            if os.path.getsize(path) != self.size:
                return False
            self.file.flush()
            self.file.seek(0)
            with open(path, "rb") as other:
                while True:
                    mine = self.file.read(CHUNK)
                    if mine != other.read(len(mine) or 1):
                        return False
                    if not mine:
                        return True
        except OSError:
            return False

    def close(self) -> None:
        """Delete the temporary file."""
        self.file.close()


def spool_text(parts: Iterable[str], folder: Path | None = None) -> Spooled:
    """Return the UTF-8 of the text parts, spooled: encoded about CHUNK characters at a time, so neither the
    whole text nor its bytes are ever in memory (the sitemap, _headers and API index of a large site)."""
    out = Spooled(folder)
    try:
        batch: list[str] = []
        size = 0
        for part in parts:
            batch.append(part)
            size += len(part)
            if size >= CHUNK:
                out.write("".join(batch).encode())
                batch, size = [], 0
        out.write("".join(batch).encode())
    except BaseException:
        out.close()
        raise
    return out


def digest_of(data: bytes | Spooled) -> bytes:
    """Return the SHA-256 of an output (32 bytes), whether it is held in memory or spooled."""
    return bytes.fromhex(data.digest) if isinstance(data, Spooled) else hashlib.sha256(data).digest()


def write_to(handle: BinaryIO, data: bytes | Spooled) -> None:
    """Write an output into an open binary file, whether it is held in memory or spooled."""
    if isinstance(data, Spooled):
        data.copy_to(handle)
    else:
        handle.write(data)


def is_in(path: str | os.PathLike[str], data: bytes | Spooled) -> bool:
    """Return True if the file at path holds exactly this output (False if it cannot be read)."""
    if isinstance(data, Spooled):
        return data.same_as(path)
    try:
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False
