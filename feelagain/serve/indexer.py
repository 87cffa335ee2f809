"""The dev server's search index: rebuilt after the browsers were told to reload, in the background.

Pagefind re-indexes the whole site every time (about 2.3 ms a page: over 2 s on 1,000 pages), and no page but
the search page shows its result, so the reload does not wait for it. Each run indexes a snapshot: the
preview's HTML files hard-linked (copied where links cannot be made) into a folder of their own beside the
preview, so Pagefind reads one consistent site while the next build replaces files in the preview, and the
in-place writer, which removes every file it did not write, never sees the index. The server answers
/pagefind/… from the newest finished snapshot, so search works throughout and lags at most one run behind.

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
from pathlib import Path

from .. import search
from ..errors import BuildError

NICE = 10  # how much lower Pagefind's CPU priority is than the server's
BUSY_WAIT = 0.05  # seconds between looks while a build runs


@dataclass(frozen=True)
class IndexRun:
    """One finished indexing run: which snapshot it made, of which build generation, and how it went."""

    number: int
    generation: int  # the reload generation whose pages were indexed
    seconds: float
    pages: int
    error: str | None = None


def index_folder(out_dir: Path) -> Path:
    """Return where the snapshots and their indexes live: beside the served folder, never inside it."""
    return out_dir.parent / f".{out_dir.name}.search"


def snapshot(out_dir: Path, dest: Path) -> int:
    """Hard-link every HTML file of out_dir into dest, keeping the paths; return how many were linked."""
    count = 0
    root = str(out_dir)
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != search.BUNDLE and not d.startswith(".")]
        rel = os.path.relpath(folder, root)
        target = dest if rel == "." else dest / rel
        made = False
        for name in names:
            if not name.endswith(".html"):
                continue
            if not made:
                target.mkdir(parents=True, exist_ok=True)
                made = True
            source = os.path.join(folder, name)
            try:
                os.link(source, target / name)
            except FileNotFoundError:
                continue  # removed by a build since we listed it: that build asks for another run
            except OSError:
                shutil.copy2(source, target / name)  # another file system, or no hard links there
            count += 1
    return count


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
        self.published: Path | None = None  # the snapshot folder whose index is served
        self.last: IndexRun | None = None
        shutil.rmtree(self.root, ignore_errors=True)  # snapshots of an earlier server, killed before it cleaned up

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
                time.sleep(BUSY_WAIT)  # a build is replacing files: a snapshot now could mix two sites
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
        folder = self.root / str(number)
        for old in self.root.glob("*") if self.root.is_dir() else []:
            if old != self.published:
                shutil.rmtree(old, ignore_errors=True)
        pages, error = 0, None
        try:
            pages = snapshot(self.out_dir, folder)
            search.build_index(folder)
        except BuildError as err:
            error = str(err)
        except OSError as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        if error is None:
            self.published = folder  # one assignment: a request sees the old index or the new one, never a mix
        else:
            shutil.rmtree(folder, ignore_errors=True)
        run = IndexRun(number, generation, time.perf_counter() - started, pages, error)
        self.last = run
        return run

    def close(self) -> None:
        """Remove the snapshots (the server is stopping)."""
        shutil.rmtree(self.root, ignore_errors=True)
