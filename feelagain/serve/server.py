"""The dev server: build, serve the output folder on loopback, rebuild on save, reload the browser.

This package is the only code that imports livereload (2.7.x, on tornado >= 6.6.1). What we take from it and what we
replace, and why (see "Using livereload safely" in the style guide):

- We keep its Watcher interface, its WebSocket reload protocol and its vendored livereload.js. Saves are heard
  through watchdog (inotify and the like) as they happen, with a slow poll as a safety net (ChangeWatcher).
- We replace its HTTP side. Its LiveScriptInjector adds an *inline* script (blocked by our CSP, and a second
  client next to the external `dev_script` the templates add) and its StaticFileHandler answers 403 for paths
  outside the root. Our SiteHandler serves only regular files under the output folder, answers 404 (with the
  site's 404.html) for anything else, and puts an error overlay on every page while the last build failed.
- The watcher's callback is cheap and idempotent: an input fingerprint decides whether to build, builds run
  one at a time on a worker thread (the server keeps answering), and the browsers reload only when a build
  changed the output or the list of errors. A page that was still loading when a reload went out catches up
  by itself (the reload guard script compares its build generation with /__feelagain__/status.json).
- The site-wide files (print page, sitemap, embed index, API files, offline files, 404, search page) are
  written after the reload when only pages changed (writers.Served.later): no page shows them, and on a large
  site they cost more than the edited page. A newer build supersedes a run that has not started yet.
- Python's cyclic garbage collector is paused while a build runs and catches up after the reload: a full
  collection of a large site's objects costs about a third of a one-page rebuild, at a random moment in it.
- The search index is rebuilt after the reload, in the background (indexer.py): only the search page shows it,
  and Pagefind takes seconds on a large site. status.json says when it is catching up; so does the search page.
"""
from __future__ import annotations

import argparse
import errno
import gc
import hashlib
import ipaddress
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import ioloop, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from ..config import PROJECT_ROOT, input_folders, load_config
from ..errors import BuildError, BuildFailed
from ..pipeline import BuildResult, build
from ..report import display, print_problems
from ..writers import Served, SiteWideLater, check_output_folder
from .http import GUARD_JS, OVERLAY_CSS, Activity, DevFileHandler, SiteHandler, StatusHandler, guarded, log_request
from .indexer import IndexRun, SearchIndexer

EDITOR_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".part", ".crdownload")
POLL_SECONDS = 0.25  # how often the watcher looks at the inputs without inotify (livereload's default is 0.8 s)
SAFETY_POLL_SECONDS = 1.0  # with inotify, a look now and then in case an event never comes
SETTLE_SECONDS = 0.01  # after a change event, how long to wait for the rest of the save's events
STOP_WAIT = 2.0  # seconds Ctrl-C waits for the event watcher to stop
CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})  # watchdog's event types
RACY_NS = 1_000_000_000  # a file saved less than this before we looked at it may change again with the same mtime
INDEX_DELAY = 0.15  # seconds between a reload and the start of the search re-index: the reloaded page goes first
SITE_WIDE_DELAY = 0.05  # seconds between a reload and writing the site-wide files: the reloaded page goes first…
QUIET_SECONDS = 0.05  # …until no request came for this long (with browsers open, after at least one request)…
SITE_WIDE_WAIT = 1.0  # …but no longer than this after the reload
COLLECT_DELAY = 0.3  # seconds between a reload and the garbage collection the build put off
# ------------------------------------------------------------------------------------------------ inputs


def is_editor_temp_file(path: str) -> bool:
    """Return True for files editors write while saving (vim's 4913 and .swp, emacs' .#x and #x#, x~, dotfiles)."""
    name = os.path.basename(path)
    return (name.startswith(".") or name == "4913" or name.endswith(EDITOR_TEMP_SUFFIXES)
            or (name.startswith("#") and name.endswith("#")))


class IgnoreUnder:
    """The watcher's ignore= callable for one watched folder: editor temp files and anything in a hidden folder."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)

    def __call__(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        return is_editor_temp_file(path) or any(part.startswith(".") for part in Path(rel).parts[:-1])


class InputFiles:
    """The files a build reads, with a fingerprint that changes whenever one of them does.

    (mtime, size) decides, except for files saved less than RACY_NS before we looked: a second save in the same
    clock tick keeps both, so those are hashed until they settle (git's "racily clean" rule).
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders
        self.digests: dict[str, tuple[int, int, int, str]] = {}  # path -> (mtime_ns, size, seen_ns, sha256)
        self.racy = False

    def files(self) -> list[str]:
        """Return every input file, sorted."""
        found = []
        for folder in self.folders:
            for root, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, n) for n in names if not is_editor_temp_file(n)]
        return sorted(found)

    def fingerprint(self) -> str:
        """Return a hash of every input file's name and content (as cheaply as it can be known)."""
        total = hashlib.sha256()
        now, racy, digests = time.time_ns(), False, {}
        for path in self.files():
            try:
                stat = os.stat(path)
                known = self.digests.get(path)
                if known and known[:2] == (stat.st_mtime_ns, stat.st_size) and known[2] - known[0] > RACY_NS:
                    digests[path] = known
                else:
                    with open(path, "rb") as handle:
                        digests[path] = (stat.st_mtime_ns, stat.st_size, now, hashlib.sha256(handle.read()).hexdigest())
            except OSError:
                continue  # deleted while we looked: the next poll sees it gone
            racy = racy or now - stat.st_mtime_ns <= RACY_NS
            total.update(f"{path}\0{digests[path][3]}\0".encode())
        self.digests, self.racy = digests, racy
        return total.hexdigest()


# ---------------------------------------------------------------------------------------------- building


def _error_dict(err: BuildError) -> dict[str, object]:
    return {"path": str(err.location.path), "line": err.location.line, "problem": err.problem,
            "hint": err.hint, "text": str(err)}


@dataclass(frozen=True)
class Outcome:
    """What one build came to: a result, the problems that stopped it, or an engine crash (one line)."""

    result: BuildResult | None = None
    failed: BuildFailed | None = None
    crash: str | None = None
    later: SiteWideLater | None = None  # the site-wide files this build left for after the reload
    prefixes: tuple[str, ...] | None = None  # the URL prefixes of the site's other languages, for the index


class Rebuilder:
    """Builds the site into the served folder and remembers whether the last build worked.

    Builds after the first run on a worker thread, one at a time, so the server keeps answering (the files are
    replaced one by one, atomically). Everything else, state and reloads included, happens on the server's
    thread.
    """

    def __init__(self, site_dir: Path, out_dir: Path, port: int, strict: bool = False, debug: bool = False) -> None:
        self.site_dir, self.out_dir, self.strict, self.debug = site_dir, out_dir, strict, debug
        self.dev_script = f"/livereload.js?port={port}"
        self.inputs = InputFiles(input_folders(site_dir))
        self.served = Served()  # what the last build wrote into out_dir (only one build runs at a time)
        self.built_fingerprint: str | None = None
        self.errors: list[dict[str, object]] = []
        self.warnings: list[str] = []
        self.warning_items: list[dict[str, object]] = []  # the same warnings, for the overlay
        self.builds = 0
        self.generation = 0  # goes up whenever the browsers are told to reload
        self.building = self.dirty = self.recheck_pending = False
        self.finishing = False  # the site-wide files are being written (no build may start meanwhile)
        self.later: SiteWideLater | None = None  # the site-wide files of the last build, not yet written
        self.later_generation = 0  # the reload generation whose pages `later` belongs to
        self.site_wide_generation: int | None = None  # the reload generation whose site-wide files are written
        self.reloaded_at = 0.0  # time.monotonic() of the last reload
        self.reloaded_browsers = 0  # how many browsers were told to reload then
        # The index waits for the site-wide files too: they wait for the reloaded pages, and it reads them.
        self.indexer = SearchIndexer(out_dir, self._index_done, busy=lambda: self.busy or self.later is not None)
        self.indexed: IndexRun | None = None  # the last finished search index run
        self.index_generation: int | None = None  # the reload generation the served search index was made from
        self.index_wanted = 0  # the newest reload generation whose pages the search index should show
        self.loop: ioloop.IOLoop | None = None  # the server's loop, once a build or an index was started from it
        self.watching = "not yet"  # how saves are noticed: "events" (inotify…) or "polling"; set by the watcher

    @property
    def busy(self) -> bool:
        """True while a build runs or the site-wide files are being written: nothing else may write out_dir."""
        return self.building or self.finishing

    def status(self) -> dict[str, object]:
        """Return what /__feelagain__/status.json says (search: which reload generation the index shows)."""
        last = self.indexed
        behind = self.index_wanted > (last.generation if last else 0)
        search = {"generation": self.index_generation, "indexing": behind or self.indexer.pending,
                  "error": last.error if last else None}
        return {"ok": not self.errors, "errors": self.errors, "warnings": self.warnings, "builds": self.builds,
                "generation": self.generation, "building": self.building, "browsers": len(LiveReloadHandler.waiters),
                "search": search, "watching": self.watching,
                "site_wide": {"generation": self.site_wide_generation, "pending": self.finishing or bool(self.later)}}

    def search_bundle(self) -> Path | None:
        """Return the folder the preview's /pagefind/ is served from (None before the first index)."""
        return self.indexer.current()

    def search_pages(self) -> tuple[Path, ...]:
        """Return the files of the search pages of the last build's languages (search/, es/search/)."""
        return tuple(self.out_dir.joinpath(prefix, "search", "index.html") for prefix in ("", *self.indexer.prefixes))

    def language_prefixes(self) -> tuple[str, ...]:
        """Return the URL prefixes of the last build's other languages ('es/'): each has its own 404 page."""
        return self.indexer.prefixes

    def index_later(self) -> None:
        """Ask for a search index of the pages just written, a moment after the reload went out."""
        self.index_wanted = generation = self.generation
        self.loop = ioloop.IOLoop.current()
        self.loop.call_later(INDEX_DELAY, lambda: self.indexer.request(generation))

    def _index_done(self, run: IndexRun) -> None:
        """Called on the indexing thread after each run: report it on the server's thread."""
        if self.loop is None:
            self.report_index(run)  # the first index, before the server runs
        else:
            self.loop.add_callback(self.report_index, run)

    def report_index(self, run: IndexRun) -> None:
        """Print how an index run went and remember it for status.json."""
        self.indexed = run
        if not run.error:
            self.index_generation = run.generation
        if run.error:
            print(f"search index not updated: {run.error} — search shows the previous index until it works",
                  file=sys.stderr)
        else:
            print(f"Search index updated in {run.seconds:.2f} s")

    def rebuild(self) -> None:
        """Start a build if an input changed since the last one (the watcher's callback: never raises or waits)."""
        try:
            if self.busy:
                self.dirty = True  # looked at again when the running build ends
                return
            fingerprint = self.inputs.fingerprint()
            if fingerprint == self.built_fingerprint:
                self.schedule_recheck()
                return
            self.built_fingerprint, self.building = fingerprint, True
            loop = self.loop = ioloop.IOLoop.current()
            worker = lambda: loop.add_callback(self._finish, self.run_build())
            threading.Thread(target=worker, name="feelagain-build", daemon=True).start()
        except Exception as exc:  # noqa: BLE001 - an engine bug must not kill the server or print a tornado traceback
            self.building = False
            self.apply(Outcome(crash=self._crash_line(exc)), first=False)

    def _finish(self, outcome: Outcome) -> None:
        self.building = False
        if self.apply(outcome, first=False):
            self.generation += 1
            self.reloaded_at, self.reloaded_browsers = time.monotonic(), len(LiveReloadHandler.waiters)
            LiveReloadHandler.reload_waiters("*")
        if outcome.result is not None:
            # A build that worked supersedes the site-wide files still waiting (it wrote its own, or left them).
            self.later, self.later_generation = outcome.later, self.generation
            if outcome.later is None:
                self.site_wide_generation = self.generation
            self.index_later()  # after the reload: only the search page shows the index
        if self.later is not None:
            ioloop.IOLoop.current().call_later(SITE_WIDE_DELAY, self.write_site_wide)
        ioloop.IOLoop.current().call_later(COLLECT_DELAY, self.collect_garbage)
        self._next()

    def collect_garbage(self) -> None:
        """Collect the garbage the last build left and let the collector run again (unless a build runs, or the
        site-wide files are being written: their end calls this again)."""
        if not self.busy and not gc.isenabled():
            gc.collect()
            gc.enable()

    def _next(self) -> None:
        if self.dirty:
            self.dirty = False
            self.rebuild()
        else:
            self.schedule_recheck()

    def write_site_wide(self) -> None:
        """Write the site-wide files the last build left for after the reload, on a worker thread (unless a
        build runs: it writes or replaces them, or, if it fails, they are written once it is over)."""
        later = self.later
        if later is None or self.busy:
            return
        loop = self.loop = ioloop.IOLoop.current()
        now = time.monotonic()
        page_loaded = not self.reloaded_browsers or (Activity.answered > self.reloaded_at
                                                     and now - Activity.answered >= QUIET_SECONDS)
        if not page_loaded and now - self.reloaded_at < SITE_WIDE_WAIT:
            loop.call_later(QUIET_SECONDS / 2, self.write_site_wide)
            return
        self.later, self.finishing, generation = None, True, self.later_generation

        def work() -> None:
            started = time.perf_counter()
            try:
                outcome = Outcome(result=BuildResult(0, later(), (), time.perf_counter() - started))
            except BuildFailed as failed:
                outcome = Outcome(failed=failed)
            except Exception as exc:  # noqa: BLE001 - as in run_build
                outcome = Outcome(crash=self._crash_line(exc))
            loop.add_callback(self._site_wide_done, outcome, generation, time.perf_counter() - started)

        threading.Thread(target=work, name="feelagain-site-wide", daemon=True).start()

    def _site_wide_done(self, outcome: Outcome, generation: int, seconds: float) -> None:
        self.finishing = False
        ioloop.IOLoop.current().call_later(COLLECT_DELAY, self.collect_garbage)
        if outcome.result is not None:
            self.site_wide_generation = generation
            print(f"Site-wide files (print page, sitemap…) written in {seconds:.2f} s: "
                  f"{outcome.result.outputs} changed")
        elif self.apply(outcome, first=False):  # the next build writes them itself and reports the problem
            self.generation += 1
            LiveReloadHandler.reload_waiters("*")
        self._next()

    def schedule_recheck(self) -> None:
        """Look again once recently saved inputs have settled (a save in the same clock tick keeps the mtime)."""
        if self.inputs.racy and not self.recheck_pending:
            self.recheck_pending = True
            ioloop.IOLoop.current().call_later(RACY_NS / 1e9 + 0.1, self._recheck)

    def _recheck(self) -> None:
        self.recheck_pending = False
        self.rebuild()

    def run_build(self) -> Outcome:
        """Build once into the served folder; return the outcome (touches only `served`, which no other code reads)."""
        try:
            config = load_config(self.site_dir, self.out_dir, strict=self.strict, dev_script=self.dev_script)
            self.served.later = None
            gc.disable()  # collected after the reload (collect_garbage); reference counting still frees the rest
            result = build(config, served=self.served, debug=self.debug)
            # Only the rebuilder holds it from here: the last build's pages are freed once it ran, after the reload.
            later, self.served.later = self.served.later, None
            return Outcome(result=result, later=later, prefixes=config.language_prefixes)
        except BuildFailed as failed:
            return Outcome(failed=failed)
        except Exception as exc:  # noqa: BLE001 - an engine bug becomes one line on the overlay, not a dead thread
            return Outcome(crash=self._crash_line(exc))

    def _crash_line(self, exc: Exception) -> str:
        if self.debug:
            import traceback

            traceback.print_exc()
        return f"internal error: {exc.__class__.__name__}: {exc}"

    def apply(self, outcome: Outcome, first: bool) -> bool:
        """Print what a build did and remember its problems; return True when the browsers should reload."""
        before = self.errors
        self.builds += 1
        if outcome.prefixes is not None:
            self.indexer.prefixes = outcome.prefixes  # the next index covers every language's pages
        if outcome.failed:
            print_problems(outcome.failed, display(self.out_dir))
            self.errors = [_error_dict(e) for e in outcome.failed.errors]
            self.warnings = [str(w) for w in outcome.failed.warnings]
            self.warning_items = [_error_dict(w) for w in outcome.failed.warnings]
        elif outcome.crash or not outcome.result:
            line = outcome.crash or "internal error: the build returned nothing"
            print(f"{line} — this is a bug in Feel Again, not in your content; run with --debug for details",
                  file=sys.stderr)
            self.errors = [{"path": "(Feel Again)", "line": None, "problem": line,
                            "hint": "run `python build.py serve --debug` and report the output", "text": line}]
        else:
            return self._report(outcome.result, first, bool(before))
        return self.errors != before

    def _report(self, result: BuildResult, first: bool, was_failing: bool) -> bool:
        warnings = [str(w) for w in result.warnings]
        if warnings != self.warnings:
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
        self.errors, self.warnings = [], warnings
        self.warning_items = [_error_dict(w) for w in result.warnings]
        if first:
            print(f"Built {result.pages} pages in {result.seconds:.2f} s → {display(self.out_dir)}")
        else:
            changed = f"{result.outputs} file{'s' if result.outputs != 1 else ''} changed"
            print(f"Rebuilt in {result.seconds:.2f} s: {changed}" + (" — the last errors are fixed" if was_failing else ""))
        return result.outputs > 0 or was_failing


# ---------------------------------------------------------------------------------------------- server


class ChangeWatcher(Watcher):
    """Tells Rebuilder about saves: at once through inotify (watchdog) where it works, else by polling.

    A save reaches rebuild() within a few milliseconds of the file being closed, instead of up to a poll
    interval later. Events only start a look (rebuild() compares the input fingerprint), so a missed, doubled
    or spurious event costs nothing but that look; a slow poll stays on as a safety net for file systems that
    send no events (network and some container mounts). Nothing is looked at while a build runs: whatever
    changed meanwhile is seen when it ends (rebuild() remembers that it was asked).
    """

    def __init__(self, busy: Callable[[], bool], on_mode: Callable[[str], None] = lambda _mode: None) -> None:
        super().__init__()
        self.busy, self.on_mode = busy, on_mode
        self.observer: Any = None
        self.poke_pending = False
        self.loop: ioloop.IOLoop | None = None

    def start(self, callback: Callable[[], None]) -> bool:
        """Start the event watcher and the poll; return True so livereload does not start its own 0.8 s poll."""
        self.loop = ioloop.IOLoop.current()
        self.observer = self._observe()
        seconds = SAFETY_POLL_SECONDS if self.observer is not None else POLL_SECONDS
        self.on_mode("events" if self.observer is not None else "polling")
        ioloop.PeriodicCallback(lambda: self._poll(callback), seconds * 1000).start()
        return True

    def _observe(self) -> Any:
        """Watch every existing input folder with inotify; return the observer, or None (then we poll)."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:
            return None
        watcher = self

        class Handler(FileSystemEventHandler):
            def __init__(self, ignore: Callable[[str], bool]) -> None:
                self.ignore = ignore

            def on_any_event(self, event: Any) -> None:
                if event.event_type not in CHANGE_EVENTS:
                    return  # reads (ours too: the build and the fingerprint open files) are not changes
                if event.is_directory and event.event_type == "modified":
                    return  # a folder changes with every file made in it: the file's own event decides
                paths = [os.fsdecode(event.src_path), os.fsdecode(getattr(event, "dest_path", "") or "")]
                if any(p and not self.ignore(p) for p in paths):
                    watcher.poke()

        observer = Observer()
        try:
            for path, task in self._tasks.items():
                if os.path.isdir(path):
                    observer.schedule(Handler(task["ignore"] or (lambda _p: False)), path, recursive=True)
            observer.daemon = True
            observer.start()
        except (OSError, RuntimeError):
            return None  # no inotify here, or out of watches: polling still works
        return observer

    def poke(self) -> None:
        """Called on watchdog's thread for every change event: look once, soon, on the server's thread."""
        if self.loop is not None:
            self.loop.add_callback(self._poked)

    def _poked(self) -> None:
        # An editor's save is a burst of events (write, close, rename): wait a moment and look once.
        if not self.poke_pending:
            self.poke_pending = True
            ioloop.IOLoop.current().call_later(SETTLE_SECONDS, self._look)

    def _look(self) -> None:
        self.poke_pending = False
        self._run_tasks()

    def _poll(self, livereload_poll: Callable[[], None]) -> None:
        livereload_poll()  # livereload's own messages (the reload after a restart), via examine()
        if not self.busy():
            self._run_tasks()

    def _run_tasks(self) -> None:
        for func in {id(task["func"]): task["func"] for task in self._tasks.values() if task["func"]}.values():
            func()

    def examine(self) -> tuple[str | None, str | None]:
        """Report no path, so livereload itself never reloads (Rebuilder does, only after a build)."""
        if self._changes:
            return self._changes.pop()  # livereload's "reload after restart" message
        return None, None

    def stop(self) -> None:
        """Stop the event watcher's thread, waiting for it at most STOP_WAIT seconds."""
        if self.observer is not None:
            # watchdog's stop() joins its reader threads; Ctrl-C must not wait on them (they are daemons).
            stopper = threading.Thread(target=self.observer.stop, name="feelagain-watch-stop", daemon=True)
            stopper.start()
            stopper.join(STOP_WAIT)


class DevServer(Server):
    """livereload's Server with our handlers instead of its script injector and static file handler."""

    def __init__(self, rebuilder: Rebuilder, display_url: str, sockets: list[socket.socket]) -> None:
        super().__init__(watcher=ChangeWatcher(lambda: rebuilder.busy,
                                               lambda mode: setattr(rebuilder, "watching", mode)))
        self.rebuilder, self.display_url, self.sockets = rebuilder, display_url, sockets

    def application(self, port: int, host: str, liveport: int | None = None, debug: bool | None = None,
                    live_css: bool = True) -> None:
        """Listen on host:port with the live-reload socket, our status/overlay URLs and the site."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        def check(handler: type[web.RequestHandler]) -> type[web.RequestHandler]:
            return guarded(handler, host, port)  # every URL, the status and the socket: no foreign Host header

        handlers: list[Any] = [
            (r"/livereload", check(LiveReloadHandler)),
            (r"/livereload\.js", check(LiveReloadJSHandler)),
            (r"/__feelagain__/status\.json", check(StatusHandler), {"rebuilder": self.rebuilder}),
            (r"/__feelagain__/overlay\.css", check(DevFileHandler), {"content_type": "text/css", "text": OVERLAY_CSS}),
            (r"/__feelagain__/reload-guard\.js", check(DevFileHandler),
             {"content_type": "text/javascript", "text": GUARD_JS}),
            (r"/.*", check(SiteHandler), {"rebuilder": self.rebuilder}),
        ]
        app = web.Application(handlers, log_function=log_request)
        HTTPServer(app).add_sockets(self.sockets)  # bound before the first build, so a busy port fails fast
        print(f"Serving {self.display_url} — press Ctrl-C to stop", flush=True)

    def _setup_logging(self) -> None:
        """Quiet livereload's and tornado's chatter instead of adding handlers (the CLI configures logging)."""
        import logging

        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)


def preview_folder(site_dir: Path) -> Path:
    """Return where the preview is built: never dist/, whose pages must not load the live-reload script."""
    return site_dir / ".feelagain-cache" / "preview"


def is_loopback(host: str) -> bool:
    """Return True when host is only reachable from this computer."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    """Build, then serve with live reload until Ctrl-C; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)  # so a terminal or a test sees each line as it happens
    # A process started in the background of a script inherits Ctrl-C ignored; the preview must still stop on it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    site_dir = Path(args.site).resolve() if args.site else PROJECT_ROOT
    out_dir = Path(args.out).resolve() if args.out else preview_folder(site_dir)
    problem = check_output_folder(out_dir, site_dir)
    if not 0 < args.port < 65536:
        problem = f"--port {args.port} is not a port number — use one from 1024 to 65535, e.g. --port 8000"
    if problem:
        print(problem, file=sys.stderr)
        return 2
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # never drop a reload because another one was recent
    host = args.host
    shown = f"[{host}]" if ":" in host else host
    if not is_loopback(host):
        print(f"warning: --host {host} lets other computers on your network see this preview and trigger "
              "reloads; leave --host out to keep it on this computer (127.0.0.1)", file=sys.stderr)
    try:  # before building: a busy port should not cost the editor a build to find out
        sockets = bind_sockets(args.port, address=host)
    except OSError as exc:
        fix = (f"is another preview running? Try --port {args.port + 1}" if exc.errno == errno.EADDRINUSE
               else "use an address of this computer, or leave --host out")
        print(f"cannot listen on {shown}:{args.port} ({exc.strerror or exc}) — {fix}", file=sys.stderr)
        return 1
    rebuilder = Rebuilder(site_dir, out_dir, args.port, strict=args.strict, debug=getattr(args, "debug", False))
    server = DevServer(rebuilder, f"http://{shown}:{args.port}/", sockets)
    try:
        rebuilder.built_fingerprint = rebuilder.inputs.fingerprint()
        first = rebuilder.run_build()
        rebuilder.apply(first, first=True)
        rebuilder.generation = 1
        rebuilder.site_wide_generation = 1 if first.result is not None else None
        rebuilder.served.defer = True  # the first build wrote everything; later ones write pages first
        if first.result is not None:
            rebuilder.index_wanted = 1
            rebuilder.indexer.run_now(1)  # before serving: search works from the first page the editor opens
        rebuilder.collect_garbage()
        rebuilder.schedule_recheck()
        for folder in rebuilder.inputs.folders:
            pattern = str(folder) if folder.is_dir() else str(folder / "**" / "*")
            server.watch(pattern, rebuilder.rebuild, ignore=IgnoreUnder(folder))
        server.serve(host=host, port=args.port, root=str(out_dir), open_url_delay=1.0 if args.open else None)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        rebuilder.indexer.close()
        fix = (f"is another preview running? Try --port {args.port + 1}" if exc.errno == errno.EADDRINUSE
               else "use an address of this computer, or leave --host out")
        print(f"cannot listen on {shown}:{args.port} ({exc.strerror or exc}) — {fix}", file=sys.stderr)
        return 1
    server.watcher.stop()
    rebuilder.indexer.close()
    print("Stopped.", flush=True)
    sys.stderr.flush()
    # Leave now: a build, site-wide or index thread may be mid-run, and interpreter shutdown would wait on
    # whatever it holds (a worker pool, a subprocess). The preview is rewritten by the next `serve` anyway.
    os._exit(0)
