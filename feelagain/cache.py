"""A content-addressed render cache: unchanged pages are not converted from Markdown again.

Key = hash of everything a page's rendered body and lint findings depend on (its source text, the engine
version, the lint settings and today's date). Entries live in one SQLite file (opening thousands of small
files costs more than the rendering they save, and one pickled pack would have to sit in memory whole).
Each value carries a SHA-256 checksum, so a damaged entry, or a damaged file, is detected and the page is
rendered again. The folder is safe to delete.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

SCHEMA = "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, sum BLOB NOT NULL, value BLOB NOT NULL)"


def engine_fingerprint() -> str:
    """Return a hash of the engine's own source, so a changed engine never reuses old output."""
    global _ENGINE
    if _ENGINE is None:
        folder = Path(__file__).resolve().parent
        _ENGINE = make_key(*(p.relative_to(folder).as_posix() + p.read_text(encoding="utf-8")
                             for p in sorted(folder.rglob("*.py"))))  # lint/ and serve/ too
    return _ENGINE


_ENGINE: str | None = None


def make_key(*parts: str | bytes) -> str:
    """Return the hex SHA-256 of the parts."""
    return KeyMaker(*parts).hexdigest()


class KeyMaker:
    """make_key() a part at a time: KeyMaker(a).add(b).hexdigest() == make_key(a, b), without a tuple of every
    part (a key made from every page of a large site)."""

    def __init__(self, *parts: str | bytes) -> None:
        self.digest = hashlib.sha256()
        for part in parts:
            self.add(part)

    def add(self, part: str | bytes) -> KeyMaker:
        """Add one part; return self."""
        data = part.encode() if isinstance(part, str) else part
        self.digest.update(len(data).to_bytes(8, "big"))
        self.digest.update(data)
        return self

    def hexdigest(self) -> str:
        """Return the key of the parts added so far."""
        return self.digest.hexdigest()


Value = TypeVar("Value")


class DiskStore(Mapping[str, Value], Generic[Value]):
    """Pickled values by name in an unnamed temporary file: a read-only mapping that keeps only offsets in memory.

    A build renders every page's body before it writes any page, and the site-wide files need them all again;
    held in memory, 10,000 bodies would be most of a build's memory. Reads use pread, which does not move a shared
    file position, so processes forked while the store is open read it safely. The file has no name: nothing
    is left on disk, even after a crash.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self._file = None
        if folder is not None:  # on the site's disk: /tmp may be a RAM disk
            try:
                folder.mkdir(parents=True, exist_ok=True)
                self._file = tempfile.TemporaryFile(dir=folder, buffering=0)
            except OSError:
                self._file = None
        if self._file is None:
            self._file = tempfile.TemporaryFile(buffering=0)
        self._fd = self._file.fileno()
        self._at: dict[str, tuple[int, int]] = {}
        self._tags: dict[str, str] = {}
        self._end = 0

    def add(self, name: str, data: bytes, tag: str = "") -> None:
        """Store a pickled value (pickle.dumps of the value) under name, with a short tag kept in memory."""
        view = memoryview(data)
        while view:
            view = view[os.pwrite(self._fd, view, self._end + len(data) - len(view)):]
        self._at[name] = (self._end, len(data))
        self._end += len(data)
        if tag:
            self._tags[name] = tag
        else:
            self._tags.pop(name, None)

    def tag(self, name: str) -> str:
        """Return the tag stored with name ("" for none): what a caller needs of a value without reading it
        (the render key of a page's Body, which the writers ask for every page of every build)."""
        if name not in self._at:
            raise KeyError(name)
        return self._tags.get(name, "")

    def __getitem__(self, name: str) -> Value:
        offset, size = self._at[name]
        data = os.pread(self._fd, size, offset)
        if len(data) != size:
            raise OSError(f"the temporary store lost {name}")
        value: Value = pickle.loads(data)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __contains__(self, name: object) -> bool:
        return name in self._at

    def close(self) -> None:
        """Delete the file (the store reads nothing after this)."""
        if self._file is not None:
            self._file.close()


PRUNE_SHARE = 0.05  # RenderCache.save drops unused entries when at least this share of look-ups missed


class RenderCache:
    """Pickled values by key in SQLite; a miss, a damaged entry or an unusable file all read as None."""

    def __init__(self, folder: Path | None, read_only: bool = False) -> None:
        self.read_only = read_only  # `check` promises to write nothing
        self.hits = 0
        self.misses = 0
        self.used: set[str] = set()
        self.db: sqlite3.Connection | None = None
        self.path = folder / "render.sqlite" if folder is not None else None
        if self.path is not None and (not read_only or self.path.exists()):
            self.db = self._open(self.path, read_only)

    @staticmethod
    def _open(path: Path, read_only: bool = False) -> sqlite3.Connection | None:
        if read_only:
            try:
                return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            except sqlite3.DatabaseError:
                return None
        for attempt in range(2):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a lost entry after a power cut is only a miss
                db.execute(SCHEMA)
                db.execute("BEGIN")
                return db
            except sqlite3.DatabaseError:
                if attempt == 0:  # not a database any more: start a new one
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)
            except OSError:
                return None
        return None

    def close_for_fork(self) -> None:
        """Commit and close before worker processes are forked (SQLite connections must not cross a fork)."""
        if self.db is not None:
            try:
                if not self.read_only:
                    self.db.execute("COMMIT")
                self.db.close()
            except sqlite3.DatabaseError:
                pass
            self.db = None

    def reopen(self) -> None:
        """Open the file again after close_for_fork()."""
        if self.path is not None and self.db is None and (not self.read_only or self.path.exists()):
            self.db = self._open(self.path, self.read_only)

    def get(self, key: str, count: bool = True) -> Any | None:
        """Return the cached value for key, or None (count=False: a second look at an entry, not a hit or miss)."""
        row = None
        if self.db is not None:
            try:
                row = self.db.execute("SELECT sum, value FROM entries WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError:
                row = None
        if row is None or hashlib.sha256(row[1]).digest() != row[0]:
            self.misses += count
            return None
        try:
            value = pickle.loads(row[1])
        except Exception:  # noqa: BLE001 (an entry from an incompatible engine is just a miss)
            self.misses += count
            return None
        self.hits += count
        self.used.add(key)
        return value

    def keep(self, key: str) -> None:
        """Keep the entry under key at save() without reading it (an entry this build did not need)."""
        self.used.add(key)

    def put(self, key: str, value: Any) -> None:
        """Store value under key (committed by save())."""
        self.used.add(key)
        if self.db is None or self.read_only:
            return
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (key, hashlib.sha256(body).digest(), body))
        except sqlite3.DatabaseError:
            pass

    def save(self, prune: bool = True) -> None:
        """Commit new entries and drop ones this build did not use (old versions of edited pages), when at least
        PRUNE_SHARE of its look-ups missed.

        A build that changed a few pages leaves their old versions (a few kilobytes each) for a later build to
        drop: dropping them means listing every used key (0.07 s at 10,000 pages). Any build that renders
        much again prunes, and a new day changes every page's key. prune=False keeps every entry: a build that
        stopped early has not looked most of them up.
        """
        if self.db is None:
            return
        if self.read_only:
            self.db.close()
            self.db = None
            return
        try:
            if self.misses and prune and self.misses >= PRUNE_SHARE * (self.hits + self.misses):
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM used")
                self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self.used))
                self.db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
            self.db.execute("COMMIT")
            self.db.close()
        except sqlite3.DatabaseError:
            pass
        self.db = None
