"""The dev server's search index: rebuilt after the browsers were told to reload, in the background.

Pagefind re-indexes the whole site every time (about 2.3 ms a page: over 2 s on 1,000 pages), and no page but
the search page shows its result, so the reload does not wait for it. Each run indexes a mirror of the pages
Pagefind reads (search.glob_for: every language's pages), hard-linked (copied where links cannot be made) into
a folder beside the preview and brought up to date page by page (the in-place writer replaces a changed file,
so a new inode means a new page), so Pagefind reads one consistent site while the next build replaces files in
the preview, and the in-place writer, which removes every file it did not write, never sees the index. Each
finished index is moved to a folder of its own; the server answers /pagefind/… from the newest, so search works
throughout and lags at most one run behind.

Requests made while a run is going are merged into one more run after it, which starts from the files as they
are then: the last index always reflects the last build. Pagefind runs at a lower CPU priority (the nice
value of the indexing thread, which the child process inherits), so it does not slow down the next build.
"""
from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import search
from ..errors import BuildError

NICE = 10  # how much lower Pagefind's CPU priority is than the server's
BUSY_WAIT = 0.05  # seconds between looks while a build runs
MIRROR = "site"  # index_folder()/site: the pages, hard-linked from the preview
PUBLISHED = "published"  # index_folder()/published/<run>/pagefind: finished indexes


@dataclass(frozen=True)
class IndexRun:
    """One finished indexing run: its number, which build generation it indexed, and how it went."""

    number: int
    generation: int  # the reload generation whose pages were indexed
    seconds: float
    pages: int
    error: str | None = None


def index_folder(out_dir: Path) -> Path:
    """Return where the page mirror and the indexes live: beside the served folder, never inside it."""
    return out_dir.parent / f".{out_dir.name}.search"


def page_patterns(prefixes: tuple[str, ...] = ()) -> list[str]:
    """Return the file patterns Pagefind reads (search.glob_for(prefixes), "{a,b}" spelled out as [a, b])."""
    glob = search.glob_for(prefixes)
    return glob[1:-1].split(",") if glob.startswith("{") and glob.endswith("}") else [glob]


Mirrored = dict[PurePosixPath, tuple[int, int, int]]  # page → (inode, mtime_ns, size) of the file it was made from


def sync_pages(out_dir: Path, mirror: Path, known: Mirrored, prefixes: tuple[str, ...] = ()) -> int:
    """Bring mirror up to date with the pages Pagefind reads in out_dir (prefixes: the URL prefixes of the
    site's other languages, see search.glob_for), by hard links (copies where links cannot be made), touching
    only pages that changed since `known` (updated in place); return how many."""
    found: dict[PurePosixPath, tuple[Path, tuple[int, int, int]]] = {}
    for pattern in page_patterns(prefixes):
        for source in out_dir.glob(pattern):
            rel = PurePosixPath(source.relative_to(out_dir).as_posix())
            if rel.parts[0] == search.BUNDLE or any(p.startswith(".") for p in rel.parts):
                continue
            try:
                info = os.stat(source)
            except FileNotFoundError:
                continue  # removed by a build since we listed it: that build asks for another run
            found[rel] = (source, (info.st_ino, info.st_mtime_ns, info.st_size))
    for rel in set(known) - set(found):
        mirror.joinpath(*rel.parts).unlink(missing_ok=True)
        del known[rel]
    for rel, (source, key) in found.items():
        if known.get(rel) == key:
            continue  # the in-place writer replaces a changed file, so the same inode is the same page
        target = mirror.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            os.link(source, target)
        except FileNotFoundError:
            known.pop(rel, None)
            continue
        except OSError:
            shutil.copy2(source, target)  # another file system, or no hard links there
        known[rel] = key
    return len(known)


def lower_priority() -> None:
    """Lower the calling thread's CPU priority (Linux: nice is per thread and child processes inherit it)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
        except OSError:
            pass  # not allowed here: run at the normal priority


class SearchIndexer:
    """Builds the preview's Pagefind index on a thread of its own, one run at a time, never losing a request.

    request(generation) asks for an index of the pages as they are now; on_done(run) is called (on the indexing
    thread) after each run. current() is the newest finished index folder, or None before the first one.
    """

    def __init__(self, out_dir: Path, on_done: Callable[[IndexRun], None] | None = None,
                 busy: Callable[[], bool] = lambda: False) -> None:
        self.out_dir, self.on_done, self.busy = out_dir, on_done, busy
        self.root = index_folder(out_dir)
        self.lock = threading.Lock()
        self.wanted: int | None = None  # the newest generation asked for and not yet started
        self.running = False
        self.runs = 0
        self.published: Path | None = None  # the folder whose pagefind/ is served
        self.mirror = self.root / MIRROR  # the pages Pagefind reads, as of the last run
        self.mirrored: Mirrored = {}
        # The URL prefixes of the site's other languages ('es/'), from the last build's site.yml: set by the
        # server after each build (one tuple, replaced whole, so the indexing thread reads old or new).
        self.prefixes: tuple[str, ...] = ()
        self.last: IndexRun | None = None
        shutil.rmtree(self.root, ignore_errors=True)  # left by an earlier server that was killed

    def current(self) -> Path | None:
        """Return the Pagefind bundle folder to serve /pagefind/ from, or None while there is none."""
        published = self.published
        return published / search.BUNDLE if published is not None else None

    @property
    def pending(self) -> bool:
        """True while a run is going or asked for."""
        with self.lock:
            return self.running or self.wanted is not None

    def request(self, generation: int) -> None:
        """Ask for an index of the served pages as they are now (of reload generation `generation`)."""
        with self.lock:
            self.wanted = generation
            if self.running:
                return  # the running loop takes it when its run ends
            self.running = True
        threading.Thread(target=self._loop, name="feelagain-search", daemon=True).start()

    def run_now(self, generation: int) -> IndexRun:
        """Index on the calling thread (the first build, before the server answers); return the run."""
        run = self._index(generation)
        if self.on_done:
            self.on_done(run)
        return run

    def _loop(self) -> None:
        lower_priority()
        while True:
            while self.busy():
                time.sleep(BUSY_WAIT)  # a build is replacing files: a mirror now could mix two sites
            with self.lock:
                generation = self.wanted
                self.wanted = None
                if generation is None:
                    self.running = False
                    return
            run = self._index(generation)
            if self.on_done:
                self.on_done(run)

    def _index(self, generation: int) -> IndexRun:
        started = time.perf_counter()
        self.runs += 1
        number = self.runs
        pages, error = 0, None
        bundle = self.mirror / search.BUNDLE
        try:
            prefixes = self.prefixes
            pages = sync_pages(self.out_dir, self.mirror, self.mirrored, prefixes)
            if bundle.exists():
                shutil.rmtree(bundle)  # left by a run that failed
            search.build_index(self.mirror, prefixes)
            dest = self.root / PUBLISHED / str(number)
            dest.mkdir(parents=True)
            os.rename(bundle, dest / search.BUNDLE)
        except BuildError as err:
            error = str(err)
        except OSError as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        if error is None:
            before, self.published = self.published, dest  # one assignment: old index or new, never a mix
            keep = {dest, before}  # the one before may still be answering a request that started earlier
            for old in (self.root / PUBLISHED).iterdir():
                if old not in keep:
                    shutil.rmtree(old, ignore_errors=True)
        run = IndexRun(number, generation, time.perf_counter() - started, pages, error)
        self.last = run
        return run

    def close(self) -> None:
        """Remove the mirror and the indexes (the server is stopping)."""
        shutil.rmtree(self.root, ignore_errors=True)
