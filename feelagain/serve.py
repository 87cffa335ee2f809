"""The dev server: build, serve the output folder on loopback, rebuild on save, reload the browser.

This is the only module that imports livereload (2.7.x, on tornado >= 6.6.1). What we take from it and what we
replace, and why (see "Using livereload safely" in the style guide):

- We keep its polling Watcher, its WebSocket reload protocol and its vendored livereload.js.
- We replace its HTTP side. Its LiveScriptInjector adds an *inline* script (blocked by our CSP, and a second
  client next to the external `dev_script` the templates add) and its StaticFileHandler answers 403 for paths
  outside the root. Our SiteHandler serves only regular files under the output folder, answers 404 (with the
  site's 404.html) for anything else, and puts an error overlay on every page while the last build failed.
- The watcher's callback is cheap and idempotent: an input fingerprint decides whether to build, builds run
  one at a time on a worker thread (the server keeps answering), and the browsers reload only when a build
  changed the output or the list of errors. A page that was still loading when a reload went out catches up
  by itself (the reload guard script compares its build generation with /__feelagain__/status.json).
"""
from __future__ import annotations

import argparse
import errno
import hashlib
import html
import ipaddress
import json
import mimetypes
import os
import re
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import ioloop, web

from .cli import print_problems
from .config import PROJECT_ROOT, load_config
from .errors import BuildError, BuildFailed
from .headers import CSP
from .output import check_output_folder, input_folders

if TYPE_CHECKING:
    from .pipeline import BuildResult

POLL_SECONDS = 0.25  # how often the watcher looks at the inputs (livereload's default is 0.8 s)
RACY_NS = 1_000_000_000  # a file saved less than this before we looked at it may change again with the same mtime
OVERLAY_ID = "feelagain-error-overlay"
OVERLAY_CSS_URL = "/__feelagain__/overlay.css"
GUARD_JS_URL = "/__feelagain__/reload-guard.js"
EDITOR_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".part", ".crdownload")

OVERLAY_CSS = """\
#feelagain-error-overlay{position:sticky;top:0;z-index:2147483647;box-sizing:border-box;max-height:60vh;
overflow:auto;margin:0;padding:1rem 1.25rem;border-bottom:.3rem solid #b00020;background:#fff4f4;color:#1a1a1a;
box-shadow:0 .2rem .6rem rgba(0,0,0,.3);font:1rem/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;text-align:left}
#feelagain-error-overlay h2{margin:0 0 .5rem;font-size:1.2rem;color:#8a0016}
#feelagain-error-overlay ul{margin:0 0 .5rem;padding-left:1.25rem}
#feelagain-error-overlay li{margin:.3rem 0}
#feelagain-error-overlay code{font:700 .95em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:inherit;background:none}
#feelagain-error-overlay p{margin:0;font-style:italic}
.feelagain-error-overlay__hint{color:#3d3d3d}
@media (prefers-color-scheme:dark){#feelagain-error-overlay{background:#2b0a0f;color:#f5f5f5;border-color:#ff6b81}
#feelagain-error-overlay h2{color:#ff9aa8}.feelagain-error-overlay__hint{color:#d6d6d6}}
"""

# A page that was loading while a reload was sent is not on the socket yet and misses it. So each page carries
# the build generation it was served at; once its socket is connected, it reloads itself if that is outdated.
GUARD_JS = """\
(function () {
  var meta = document.querySelector('meta[name="feelagain-generation"]');
  if (!meta || !window.fetch) return;
  function check() {
    fetch('/__feelagain__/status.json', {cache: 'no-store'})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.building) setTimeout(check, 500);
        else if (String(status.generation) !== meta.content) location.reload();
      })
      .catch(function () {});
  }
  // After the socket's handshake, give the server a moment to register this page, then compare.
  document.addEventListener('LiveReloadConnect', function () { setTimeout(check, 200); });
})();
"""

FALLBACK_404 = (b'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Not found</title>\n'
                b'</head>\n<body>\n<h1>Not found</h1>\n<p>There is no page at this address (or nothing has been '
                b'built yet).</p>\n</body>\n</html>\n')


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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path) + "/"


def _error_dict(err: BuildError) -> dict[str, object]:
    return {"path": str(err.location.path), "line": err.location.line, "problem": err.problem,
            "hint": err.hint, "text": str(err)}


@dataclass(frozen=True)
class Outcome:
    """What one build came to: a result, the problems that stopped it, or an engine crash (one line)."""

    result: "BuildResult | None" = None
    failed: BuildFailed | None = None
    crash: str | None = None


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
        self.built_fingerprint: str | None = None
        self.errors: list[dict[str, object]] = []
        self.warnings: list[str] = []
        self.builds = 0
        self.generation = 0  # goes up whenever the browsers are told to reload
        self.building = self.dirty = self.recheck_pending = False

    def status(self) -> dict[str, object]:
        """Return what /__feelagain__/status.json says."""
        return {"ok": not self.errors, "errors": self.errors, "warnings": self.warnings, "builds": self.builds,
                "generation": self.generation, "building": self.building, "browsers": len(LiveReloadHandler.waiters)}

    def rebuild(self) -> None:
        """Start a build if an input changed since the last one (the watcher's callback: never raises or waits)."""
        try:
            if self.building:
                self.dirty = True  # looked at again when the running build ends
                return
            fingerprint = self.inputs.fingerprint()
            if fingerprint == self.built_fingerprint:
                self.schedule_recheck()
                return
            self.built_fingerprint, self.building = fingerprint, True
            loop = ioloop.IOLoop.current()
            worker = lambda: loop.add_callback(self._finish, self.run_build())  # noqa: E731
            threading.Thread(target=worker, name="feelagain-build", daemon=True).start()
        except Exception as exc:  # noqa: BLE001 - an engine bug must not kill the server or print a tornado traceback
            self.building = False
            self.apply(Outcome(crash=self._crash_line(exc)), first=False)

    def _finish(self, outcome: Outcome) -> None:
        self.building = False
        if self.apply(outcome, first=False):
            self.generation += 1
            LiveReloadHandler.reload_waiters("*")
        if self.dirty:
            self.dirty = False
            self.rebuild()
        else:
            self.schedule_recheck()

    def schedule_recheck(self) -> None:
        """Look again once recently saved inputs have settled (a save in the same clock tick keeps the mtime)."""
        if self.inputs.racy and not self.recheck_pending:
            self.recheck_pending = True
            ioloop.IOLoop.current().call_later(RACY_NS / 1e9 + 0.1, self._recheck)

    def _recheck(self) -> None:
        self.recheck_pending = False
        self.rebuild()

    def run_build(self) -> Outcome:
        """Build once into the served folder; return the outcome (touches no state, so any thread may run it)."""
        from .pipeline import build

        try:
            config = load_config(self.site_dir, self.out_dir, strict=self.strict, dev_script=self.dev_script)
            return Outcome(result=build(config, in_place=True))
        except BuildFailed as failed:
            return Outcome(failed=failed)
        except Exception as exc:  # noqa: BLE001
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
        if outcome.failed:
            print_problems(outcome.failed, _display(self.out_dir))
            self.errors = [_error_dict(e) for e in outcome.failed.errors]
            self.warnings = [str(w) for w in outcome.failed.warnings]
        elif outcome.crash or not outcome.result:
            line = outcome.crash or "internal error: the build returned nothing"
            print(f"{line} — this is a bug in Feel Again, not in your content; run with --debug for details",
                  file=sys.stderr)
            self.errors = [{"path": "(Feel Again)", "line": None, "problem": line,
                            "hint": "run `python build.py serve --debug` and report the output", "text": line}]
        else:
            return self._report(outcome.result, first, bool(before))
        return self.errors != before

    def _report(self, result: "BuildResult", first: bool, was_failing: bool) -> bool:
        warnings = [str(w) for w in result.warnings]
        if warnings != self.warnings:
            for warning in warnings:
                print(f"warning: {warning}", file=sys.stderr)
        self.errors, self.warnings = [], warnings
        if first:
            print(f"Built {result.pages} pages in {result.seconds:.2f} s → {_display(self.out_dir)}")
        else:
            changed = f"{result.outputs} file{'s' if result.outputs != 1 else ''} changed"
            print(f"Rebuilt in {result.seconds:.2f} s: {changed}" + (" — the last errors are fixed" if was_failing else ""))
        return result.outputs > 0 or was_failing


# --------------------------------------------------------------------------------------------- requests


def resolve_request(root: Path, raw_path: str) -> tuple[str, Path | str | None]:
    """Return ("file", path), ("redirect", url) or ("missing", None) for a raw (still %-encoded) URL path.

    Only regular files under root are ever returned: '..', dot segments, encoded slashes, '//' prefixes,
    backslashes and links that resolve outside root are all "missing". Folders give their index.html.
    """
    missing: tuple[str, None] = ("missing", None)
    if not raw_path.startswith("/") or raw_path.startswith("//") or re.search(r"%(2f|5c|00)", raw_path, re.I):
        return missing
    try:
        text = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return missing
    parts = text[1:].split("/")
    wants_folder = parts[-1] == ""
    segments = parts[:-1] if wants_folder else parts
    if any(not s or s.startswith(".") or "\\" in s or any(ord(c) < 32 for c in s) for s in segments):
        return missing
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(real_root.joinpath(*segments)))
    if target != real_root and real_root not in target.parents:
        return missing
    if target.is_dir():
        if not wants_folder:
            return ("redirect", raw_path + "/")
        target = Path(os.path.realpath(target / "index.html"))
        if real_root not in target.parents:
            return missing
    elif wants_folder:
        return missing
    return ("file", target) if target.is_file() else missing


def overlay_html(errors: list[dict[str, object]]) -> str:
    """Return the error overlay: every problem with its place and fix, above the last good page."""
    items = []
    for err in errors:
        where = f"{err['path']}:{err['line']}" if err.get("line") else str(err["path"])
        hint = f' <span class="feelagain-error-overlay__hint">— {html.escape(str(err["hint"]))}</span>' if err.get("hint") else ""
        items.append(f"<li><code>{html.escape(where)}</code>: {html.escape(str(err['problem']))}{hint}</li>")
    count = len(errors)
    return (f'<div role="alert" id="{OVERLAY_ID}">\n<h2>The last change could not be built</h2>\n'
            f'<ul aria-label="{count} problem{"s" if count != 1 else ""}">\n' + "\n".join(items) + "\n</ul>\n"
            "<p>The page below is the last good version.</p>\n</div>\n")


def decorate_html(data: bytes, errors: list[dict[str, object]], dev_script: str, generation: int = 0) -> bytes:
    """Return a page with the live-reload scripts (the build adds dev_script, unless it is an older build),
    the build generation it shows and, while the last build failed, the error overlay."""
    head_end = re.search(rb"</head\s*>", data, re.I)
    extra = f'<meta name="feelagain-generation" content="{generation}">\n'
    if dev_script.encode() not in data:
        extra += f'<script src="{html.escape(dev_script)}"></script>\n'
    extra += f'<script src="{GUARD_JS_URL}"></script>\n'
    if errors:
        extra += f'<link rel="stylesheet" href="{OVERLAY_CSS_URL}">\n'
    at = head_end.start() if head_end else 0
    data = data[:at] + extra.encode() + data[at:]
    if errors:
        body = re.search(rb"<body\b[^>]*>", data, re.I)
        at = body.end() if body else len(data)
        data = data[:at] + b"\n" + overlay_html(errors).encode() + data[at:]
    return data


class SiteHandler(web.RequestHandler):
    """Serves the output folder: regular files only, 404.html for everything else, the overlay on HTML pages."""

    def initialize(self, rebuilder: Rebuilder) -> None:  # noqa: D401 - tornado hook
        self.rebuilder = rebuilder

    def get(self) -> None:
        self._respond(send_body=True)

    def head(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        kind, found = resolve_request(self.rebuilder.out_dir, self.request.path)
        if kind == "redirect":
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(f"{found}{query}", permanent=False)
            return
        data = self._read(found) if isinstance(found, Path) else None
        path = found if data is not None else self.rebuilder.out_dir / "404.html"
        if data is None:
            self.set_status(404)
            data = self._read(path)
            if data is None:
                data = FALLBACK_404
        content_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        if content_type == "text/html":
            rebuilder = self.rebuilder
            data = decorate_html(data, rebuilder.errors, rebuilder.dev_script, rebuilder.generation)
            self.set_header("Content-Security-Policy", CSP)
        if content_type.startswith("text/") or content_type in ("application/json", "application/xml", "image/svg+xml"):
            content_type += "; charset=utf-8"
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        if send_body:
            self.write(data)
        else:
            self.set_header("Content-Length", str(len(data)))

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None  # replaced or removed by a rebuild since we resolved it


class StatusHandler(web.RequestHandler):
    """/__feelagain__/status.json: whether the last build worked, and its problems."""

    def initialize(self, rebuilder: Rebuilder) -> None:  # noqa: D401 - tornado hook
        self.rebuilder = rebuilder

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(json.dumps(self.rebuilder.status()))


class DevFileHandler(web.RequestHandler):
    """The overlay's stylesheet and the reload guard: same-origin files, so a strict CSP allows them."""

    def initialize(self, content_type: str, text: str) -> None:  # noqa: D401 - tornado hook
        self.content_type, self.text = content_type, text

    def get(self) -> None:
        self.set_header("Content-Type", f"{self.content_type}; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(self.text)


def _log_request(handler: web.RequestHandler) -> None:
    """Stay quiet about requests (the editor wants our lines, not an access log), except server errors."""
    if handler.get_status() >= 500:
        print(f"server error {handler.get_status()} for {handler.request.path}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------- server


class PollingWatcher(Watcher):
    """livereload's polling watcher, polling more often, and leaving the reload to Rebuilder (only on change).

    It does not look while a build runs: walking the inputs then would only compete with the build for the
    interpreter, and whatever changed meanwhile is seen on the first poll after it.
    """

    def __init__(self, busy: "Callable[[], bool]") -> None:
        super().__init__()
        self.busy = busy

    def start(self, callback) -> bool:  # type: ignore[no-untyped-def]
        """Poll every POLL_SECONDS; return True so livereload does not start its own 0.8 s poll."""
        ioloop.PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True

    def examine(self):  # type: ignore[no-untyped-def]
        """Run the callbacks of changed folders; report no path, so livereload itself never reloads."""
        if self._changes:
            return self._changes.pop()  # livereload's "reload after restart" message
        if not self.busy():
            super().examine()
        return None, None


class DevServer(Server):
    """livereload's Server with our handlers instead of its script injector and static file handler."""

    def __init__(self, rebuilder: Rebuilder, display_url: str) -> None:
        super().__init__(watcher=PollingWatcher(lambda: rebuilder.building))
        self.rebuilder, self.display_url = rebuilder, display_url

    def application(self, port, host, liveport=None, debug=None, live_css=True):  # type: ignore[no-untyped-def]
        """Listen on host:port with the live-reload socket, our status/overlay URLs and the site."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        handlers = [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/__feelagain__/status\.json", StatusHandler, {"rebuilder": self.rebuilder}),
            (r"/__feelagain__/overlay\.css", DevFileHandler, {"content_type": "text/css", "text": OVERLAY_CSS}),
            (r"/__feelagain__/reload-guard\.js", DevFileHandler, {"content_type": "text/javascript", "text": GUARD_JS}),
            (r"/.*", SiteHandler, {"rebuilder": self.rebuilder}),
        ]
        web.Application(handlers, log_function=_log_request).listen(port, address=host)
        print(f"Serving {self.display_url} — press Ctrl-C to stop", flush=True)

    def _setup_logging(self) -> None:
        """Quiet livereload's and tornado's chatter instead of adding handlers (the CLI configures logging)."""
        import logging

        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").setLevel(logging.ERROR)


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
    site_dir = Path(args.site).resolve() if args.site else PROJECT_ROOT
    out_dir = Path(args.out).resolve() if args.out else site_dir / "dist"
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
    rebuilder = Rebuilder(site_dir, out_dir, args.port, strict=args.strict, debug=getattr(args, "debug", False))
    server = DevServer(rebuilder, f"http://{shown}:{args.port}/")
    try:
        rebuilder.built_fingerprint = rebuilder.inputs.fingerprint()
        rebuilder.apply(rebuilder.run_build(), first=True)
        rebuilder.generation = 1
        rebuilder.schedule_recheck()
        for folder in rebuilder.inputs.folders:
            pattern = str(folder) if folder.is_dir() else str(folder / "**" / "*")
            server.watch(pattern, rebuilder.rebuild, ignore=IgnoreUnder(folder))
        server.serve(host=host, port=args.port, root=str(out_dir), open_url_delay=1.0 if args.open else None)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fix = (f"is another preview running? Try --port {args.port + 1}" if exc.errno == errno.EADDRINUSE
               else "use an address of this computer, or leave --host out")
        print(f"cannot listen on {shown}:{args.port} ({exc.strerror or exc}) — {fix}", file=sys.stderr)
        return 1
    print("Stopped.")
    return 0
