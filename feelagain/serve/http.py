"""The dev server's HTTP side (tornado): safe static serving, the error overlay and the status endpoint.

Only files under the output folder are served; anything else, including `..` in any encoding and symlinks
that lead outside, gets the site's 404.html with status 404 (under /es/, es/404.html: each language's own, as
hosts serve them). While the last build failed, every HTML page carries an overlay listing the errors (and a
folded box listing the warnings); /__feelagain__/status.json says the same to scripts and tests. Every URL
answers only to the preview's own Host names (127.0.0.1, localhost, the address it listens on), so a web page
using DNS rebinding cannot read the drafts or the status.
"""
from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import os
import re
import sys
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from tornado import web

from ..headers import CSP, SEARCH_CSP


class BuildState(Protocol):
    """What the HTTP side reads from the rebuilder: where the site is and how the last build went."""

    out_dir: Path
    errors: list[dict[str, object]]
    warning_items: list[dict[str, object]]
    dev_script: str
    generation: int

    def status(self) -> dict[str, object]:
        """Return what /__feelagain__/status.json says."""
        ...

    def search_bundle(self) -> Path | None:
        """Return the folder /pagefind/ is served from (the search index is built beside the site)."""
        ...

    def search_pages(self) -> tuple[Path, ...]:
        """Return the files of the search pages (one per language): the only pages that may run WebAssembly."""
        ...

    def language_prefixes(self) -> tuple[str, ...]:
        """Return the URL prefixes of the site's languages other than the default ('es/'), from the last build."""
        ...

OVERLAY_ID = "feelagain-error-overlay"
WARNINGS_ID = "feelagain-warnings"
MAX_NAME = 255  # the longest file name most file systems allow; a longer URL segment can name nothing
OVERLAY_CSS_URL = "/__feelagain__/overlay.css"
GUARD_JS_URL = "/__feelagain__/reload-guard.js"
SEARCH_PREFIX = "/pagefind/"  # search.BUNDLE: served from the dev server's own index folder

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
#feelagain-warnings{box-sizing:border-box;margin:0;padding:.4rem 1.25rem;border-bottom:1px solid #c9b458;
background:#fffbe6;color:#1a1a1a;font:.95rem/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;text-align:left}
#feelagain-warnings summary{cursor:pointer;color:#5c4a00}
#feelagain-warnings ul{margin:.4rem 0;padding-left:1.25rem}
#feelagain-warnings li{margin:.2rem 0}
#feelagain-warnings code{font:600 .95em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:inherit;background:none}
@media (prefers-color-scheme:dark){#feelagain-warnings{background:#2a2510;color:#f5f5f5;border-color:#7a6a2a}
#feelagain-warnings summary{color:#f0dc8c}}
"""

SEARCH_NOTE_ID = "feelagain-search-note"

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
  // The search index is rebuilt after the reload. While it catches up, the search page says so, and it
  // searches again by itself when the index is ready (unless the reader has typed a new query meanwhile).
  var results = null;
  var note = null;
  var typed = '';  // the search box when the note appeared
  function box() { return document.querySelector('[data-search-form] input'); }
  function watchSearch() {
    fetch('/__feelagain__/status.json', {cache: 'no-store'})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.search && status.search.indexing) {
          if (!note) {
            note = document.createElement('p');
            note.id = '""" + SEARCH_NOTE_ID + """';
            note.setAttribute('role', 'status');
            note.textContent = 'Preview: search is catching up with your last save. Results may still show ' +
              'the old text; they refresh by themselves in a moment.';
            results.parentNode.insertBefore(note, results);
            typed = box() ? box().value : '';
          }
          setTimeout(watchSearch, 500);
        } else if (note) {
          if (!box() || box().value === typed) location.reload();
          else note.textContent = 'Preview: search is up to date. Reload the page to include your last save.';
        }
      })
      .catch(function () {});
  }
  function startSearchWatch() {
    results = document.querySelector('[data-search-status]');  // only the search page has it
    if (results) watchSearch();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startSearchWatch);
  else startSearchWatch();
})();
"""

FALLBACK_404 = (b'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Not found</title>\n'
                b'</head>\n<body>\n<h1>Not found</h1>\n<p>There is no page at this address (or nothing has been '
                b'built yet).</p>\n</body>\n</html>\n')


# --------------------------------------------------------------------------------------------- requests


def not_found_name(path: str, prefixes: tuple[str, ...]) -> str:
    """Return the 404 page (relative to the output folder) for a missing URL path: 'es/404.html' for one under
    /es/ (also /es itself), '404.html' for the rest. prefixes are the other languages' ('es/')."""
    for prefix in prefixes:
        if path.startswith(f"/{prefix}") or path == f"/{prefix.rstrip('/')}":
            return f"{prefix}404.html"
    return "404.html"


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
    if has_long_name(raw_path):
        return missing
    try:  # the file system may still refuse the name (too long a path, a link loop…): that is "missing" too
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
    except (OSError, ValueError):
        return missing


def has_long_name(raw_path: str) -> bool:
    """Return True when a segment of the (%-encoded) URL path is longer than any file name can be."""
    text = unquote(raw_path, errors="replace")
    return any(len(segment.encode("utf-8", "replace")) > MAX_NAME for segment in text.split("/"))


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Return the Host headers the preview answers: 127.0.0.1, localhost and the address it listens on.

    Any other name could be a DNS-rebinding page in the editor's browser reading the drafts and the status.
    """
    shown = f"[{host}]" if ":" in host else host
    names = {"127.0.0.1", "localhost", shown.lower()}
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(hosts)


def host_is_allowed(header: str, allowed: frozenset[str], bound: str) -> bool:
    """Return True for an allowed Host header; a wildcard bind (0.0.0.0, ::) also allows IP addresses."""
    header = header.strip().lower()
    if header in allowed:
        return True
    if bound not in ("0.0.0.0", "::", ""):
        return False
    name, _, port = header.rpartition(":")
    if not any(h.endswith(f":{port}") for h in allowed):
        return False
    try:
        ipaddress.ip_address(name.strip("[]"))  # an address cannot be re-pointed by DNS
    except ValueError:
        return False
    return True


class HostGuard(web.RequestHandler):
    """Answers 403 to any request whose Host header is not one of the preview's own addresses."""

    allowed: frozenset[str] = frozenset()
    bound = "127.0.0.1"

    def prepare(self) -> None:
        if not host_is_allowed(self.request.headers.get("Host", ""), self.allowed, self.bound):
            raise web.HTTPError(403)
        super().prepare()

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: this preview answers only at http://127.0.0.1 or http://localhost\n")


def guarded(handler: type[web.RequestHandler], host: str, port: int) -> type[web.RequestHandler]:
    """Return handler with the Host check in front of it."""
    return type(f"Guarded{handler.__name__}", (HostGuard, handler),
                {"allowed": allowed_hosts(host, port), "bound": host})


def overlay_html(errors: list[dict[str, object]], found: bool = True) -> str:
    """Return the error overlay: every problem with its place and fix, above the last good page (found) or above
    the not-found page, when no good build has made this address yet (say, serve started on broken content)."""
    items = _items(errors)
    count = len(errors)
    below = ("The page below is the last good version." if found else
             "No good build has made this page yet: fix the problems above and save, and it loads by itself.")
    return (f'<div role="alert" id="{OVERLAY_ID}">\n<h2>The last change could not be built</h2>\n'
            f'<ul aria-label="{count} problem{"s" if count != 1 else ""}">\n' + "\n".join(items) + "\n</ul>\n"
            f"<p>{below}</p>\n</div>\n")


def _items(problems: list[dict[str, object]]) -> list[str]:
    items = []
    for err in problems:
        where = f"{err['path']}:{err['line']}" if err.get("line") else str(err["path"])
        hint = f' <span class="feelagain-error-overlay__hint">— {html.escape(str(err["hint"]))}</span>' if err.get("hint") else ""
        items.append(f"<li><code>{html.escape(where)}</code>: {html.escape(str(err['problem']))}{hint}</li>")
    return items


def warnings_html(warnings: list[dict[str, object]]) -> str:
    """Return the warnings box: calmer than the error overlay, folded to one line until it is opened."""
    count = len(warnings)
    noun = f"{count} warning{'s' if count != 1 else ''}"
    return (f'<details id="{WARNINGS_ID}">\n<summary>{noun} — the page was built; open to see what to improve'
            f'</summary>\n<ul aria-label="{noun}">\n' + "\n".join(_items(warnings)) + "\n</ul>\n</details>\n")


def decorate_html(data: bytes, errors: list[dict[str, object]], dev_script: str, generation: int = 0,
                  warnings: list[dict[str, object]] | None = None, found: bool = True) -> bytes:
    """Return a page with the live-reload scripts (the build adds dev_script, unless it is an older build),
    the build generation it shows, the error overlay while the last build failed, and its warnings (found:
    False when data is the not-found page served in place of the address asked for)."""
    head_end = re.search(rb"</head\s*>", data, re.I)
    extra = f'<meta name="feelagain-generation" content="{generation}">\n'
    if dev_script.encode() not in data:
        extra += f'<script src="{html.escape(dev_script)}"></script>\n'
    extra += f'<script src="{GUARD_JS_URL}"></script>\n'
    if errors or warnings:
        extra += f'<link rel="stylesheet" href="{OVERLAY_CSS_URL}">\n'
    at = head_end.start() if head_end else 0
    data = data[:at] + extra.encode() + data[at:]
    boxes = (overlay_html(errors, found) if errors else "") + (warnings_html(warnings) if warnings else "")
    if boxes:
        body = re.search(rb"<body\b[^>]*>", data, re.I)
        at = body.end() if body else len(data)
        data = data[:at] + b"\n" + boxes.encode() + data[at:]
    return data


class SiteHandler(web.RequestHandler):
    """Serves the output folder: regular files only, 404.html for everything else, the overlay on HTML pages."""

    def initialize(self, rebuilder: BuildState) -> None:
        self.rebuilder = rebuilder

    def get(self) -> None:
        self._respond(send_body=True)

    def head(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        root = self.rebuilder.out_dir
        if unquote(self.request.path).startswith(SEARCH_PREFIX):
            bundle = self.rebuilder.search_bundle()  # Pagefind's index: built beside the site, after the reload
            root = bundle.parent if bundle is not None else root
        kind, found = resolve_request(root, self.request.path)
        if kind == "missing" and has_long_name(self.request.path):
            print(f"404 for {self.request.path[:40]}…: a name in the address is longer than {MAX_NAME} characters",
                  file=sys.stderr)
        if kind == "redirect":
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(f"{found}{query}", permanent=False)
            return
        data = self._read(found) if isinstance(found, Path) else None
        path = found if isinstance(found, Path) and data is not None else self._not_found_page()
        if data is None:
            self.set_status(404)
            data = self._read(path)
            if data is None and path != self.rebuilder.out_dir / "404.html":
                path = self.rebuilder.out_dir / "404.html"  # a language's own 404 page is not built yet
                data = self._read(path)
            if data is None:
                data = FALLBACK_404
        content_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        if content_type == "text/html":
            rebuilder = self.rebuilder
            data = decorate_html(data, rebuilder.errors, rebuilder.dev_script, rebuilder.generation,
                                 rebuilder.warning_items, found=self.get_status() != 404)
            is_search = path in rebuilder.search_pages()  # Pagefind runs WebAssembly
            self.set_header("Content-Security-Policy", SEARCH_CSP if is_search else CSP)
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

    def _not_found_page(self) -> Path:
        """Return the 404 page of the requested address's language (/es/… gets es/404.html), as hosts do."""
        out_dir = self.rebuilder.out_dir
        return out_dir / not_found_name(unquote(self.request.path), self.rebuilder.language_prefixes())

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None  # replaced or removed by a rebuild since we resolved it


class StatusHandler(web.RequestHandler):
    """/__feelagain__/status.json: whether the last build worked, and its problems."""

    def initialize(self, rebuilder: BuildState) -> None:
        self.rebuilder = rebuilder

    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(json.dumps(self.rebuilder.status()))


class DevFileHandler(web.RequestHandler):
    """The overlay's stylesheet and the reload guard: same-origin files, so a strict CSP allows them."""

    def initialize(self, content_type: str, text: str) -> None:
        self.content_type, self.text = content_type, text

    def get(self) -> None:
        self.set_header("Content-Type", f"{self.content_type}; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(self.text)


class Activity:
    """When the server last answered a request: after a reload, background work waits until the reloaded
    pages have loaded (a Python thread holding the interpreter slows every request of a page load)."""

    answered = 0.0  # time.monotonic() at the end of the last request


def log_request(handler: web.RequestHandler) -> None:
    """Stay quiet about requests (the editor wants our lines, not an access log), except server errors."""
    if not isinstance(handler, StatusHandler):  # polled by scripts and tools: not part of loading a page
        Activity.answered = time.monotonic()
    if handler.get_status() >= 500:
        print(f"server error {handler.get_status()} for {handler.request.path}", file=sys.stderr)
