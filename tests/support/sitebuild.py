"""Build the site into a scratch folder and serve it the way a strict host would.

Used by the browser tests (tests/browser/) and the benchmarks (bench/lighthouse.py, bench/screenshots.py).

- `build_bundled_site(out_dir)` runs `python build.py build --out <out_dir>` in the repository root.
- `StrictCSPServer(directory)` is a context manager that serves a folder on 127.0.0.1 (a free port) and sends
  a strict Content-Security-Policy on every response, so inline scripts, inline styles and third-party loads
  show up as CSP violations in the browser.
- `site_dir_from_env()` honours FEELAGAIN_DIST (serve that folder, skip the build) — handy while developing.
- `sitemap_paths(site_dir)` lists the site's pages as local URL paths ("/", "/causes/") from sitemap.xml.
"""

from __future__ import annotations

import html
import http.server
import os
import posixpath
import subprocess
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE_YML = REPO_ROOT / "content" / "site.yml"
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
# The search page alone may run WebAssembly (Pagefind), as in feelagain/headers.py (also below a sub-path).
SEARCH_CSP = f"{CSP}; script-src 'self' 'wasm-unsafe-eval'"
SEARCH_PATH = "/search/"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def npm_ci_hint(what: Path) -> str:
    """Message for a missing node_modules file."""
    return f"{what} is missing: run `npm ci` first (in {REPO_ROOT})"


class BuildFailed(RuntimeError):
    """`build.py build` exited non-zero; the message carries its stderr."""


def build_bundled_site(out_dir: Path) -> Path:
    """Build the site with the repository's own build.py into `out_dir` and return it.

    Raises BuildFailed with the build's stderr (and stdout) when the build fails.
    """
    out_dir = Path(out_dir)
    cmd = [sys.executable, "build.py", "build", "--out", str(out_dir)]
    try:
        subprocess.run(cmd, cwd=REPO_ROOT, check=True, capture_output=True, text=True, timeout=300)
    except subprocess.CalledProcessError as exc:
        raise BuildFailed(
            f"`{' '.join(cmd[1:])}` failed with exit code {exc.returncode} in {REPO_ROOT}\n"
            f"--- stderr ---\n{exc.stderr.strip()}\n--- stdout ---\n{exc.stdout.strip()}"
        ) from None
    except subprocess.TimeoutExpired as exc:
        raise BuildFailed(f"`{' '.join(cmd[1:])}` did not finish within {exc.timeout} s") from None
    if not (out_dir / "index.html").is_file():
        raise BuildFailed(f"the build succeeded but wrote no {out_dir / 'index.html'}")
    return out_dir


def site_dir_from_env() -> Path | None:
    """The folder named by FEELAGAIN_DIST (an already built site to use instead of building), or None."""
    value = os.environ.get("FEELAGAIN_DIST")
    if not value:
        return None
    path = Path(value).resolve()
    if not (path / "index.html").is_file():
        raise BuildFailed(f"FEELAGAIN_DIST={value} has no index.html")
    return path


def read_base_url() -> str | None:
    """base_url from FEELAGAIN_BASE_URL or content/site.yml (None when neither is there)."""
    if os.environ.get("FEELAGAIN_BASE_URL"):
        return os.environ["FEELAGAIN_BASE_URL"]
    if not SITE_YML.is_file():
        return None
    import yaml  # PyYAML is a dependency of the engine

    data = yaml.safe_load(SITE_YML.read_text(encoding="utf-8")) or {}
    value = data.get("base_url")
    return str(value) if value else None


def sitemap_paths(site_dir: Path, base_url: str | None = None) -> list[str]:
    """Local URL paths ("/", "/causes/") of every <loc> in site_dir/sitemap.xml, in sitemap order.

    Each absolute <loc> must start with base_url (from content/site.yml unless given); the rest becomes the
    path below the local server's root. Raises ValueError for a missing or malformed sitemap.
    """
    sitemap = Path(site_dir) / "sitemap.xml"
    if not sitemap.is_file():
        raise ValueError(f"{sitemap} does not exist: the build must write a sitemap.xml")
    root = ET.parse(sitemap).getroot()
    locs = [(el.text or "").strip() for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "loc"]
    if not locs:
        raise ValueError(f"{sitemap} has no <loc> entries")
    if base_url is None:
        base_url = read_base_url()
    if base_url is None:  # no site.yml (e.g. a hand-made FEELAGAIN_DIST): use the first URL's origin
        parts = urllib.parse.urlsplit(locs[0])
        base_url = f"{parts.scheme}://{parts.netloc}/"
    if not base_url.endswith("/"):
        base_url += "/"
    paths: list[str] = []
    for loc in locs:
        loc = html.unescape(loc)
        if not loc.startswith(base_url):
            raise ValueError(f"sitemap <loc> {loc!r} is not under base_url {base_url!r}")
        rest = urllib.parse.urlsplit(loc[len(base_url):]).path
        path = "/" + rest.lstrip("/")
        if path not in paths:
            paths.append(path)
    return paths


def path_to_file(site_dir: Path, url_path: str) -> Path:
    """The file a URL path maps to ("/causes/" -> causes/index.html), without checking it exists."""
    rel = urllib.parse.unquote(urllib.parse.urlsplit(url_path).path).lstrip("/")
    target = Path(site_dir) / rel
    if url_path.endswith("/") or rel == "":
        target = target / "index.html"
    return target


class _StrictHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with a strict CSP, real 404s (404.html), no directory listings, nothing outside root."""

    server_version = "FeelAgainTest/1"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, directory: str, **kwargs):
        self._root = Path(directory).resolve()
        super().__init__(*args, directory=directory, **kwargs)

    def log_message(self, format, *args):
        pass

    def end_headers(self):
        path = urllib.parse.urlsplit(self.path).path
        self.send_header("Content-Security-Policy", SEARCH_CSP if path.endswith((SEARCH_PATH, SEARCH_PATH + "index.html")) else CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path):
        return CONTENT_TYPES.get(posixpath.splitext(str(path))[1].lower(), "application/octet-stream")

    def _resolve(self) -> Path | None:
        """The file for this request, or None when it is missing or outside the root."""
        raw = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if "\x00" in raw or "\\" in raw:
            return None
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        if ".." in parts:
            return None
        target = self._root.joinpath(*parts) if parts else self._root
        try:
            target = target.resolve()
        except (OSError, RuntimeError):
            return None
        if target != self._root and self._root not in target.parents:
            return None  # e.g. a symlink pointing outside the served folder
        if target.is_dir():
            if not raw.endswith("/"):
                return target  # caller redirects to the slash form
            target = target / "index.html"
        return target if target.is_file() else None

    def send_head(self):
        target = self._resolve()
        if target is not None and target.is_dir():
            parts = urllib.parse.urlsplit(self.path)
            self.send_response(301)
            self.send_header("Location", urllib.parse.urlunsplit(("", "", parts.path + "/", parts.query, "")))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        status = 200
        if target is None:
            status = 404
            target = self._root / "404.html"
            if not target.is_file():
                body = b"404 Not Found\n"
                self.send_response(404)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return _BytesFile(body)
        f = open(target, "rb")
        size = os.fstat(f.fileno()).st_size
        self.send_response(status)
        self.send_header("Content-Type", self.guess_type(target))
        self.send_header("Content-Length", str(size))
        self.end_headers()
        return f

    def list_directory(self, path):  # never list folders
        self.send_error(404)
        return None

    def do_POST(self):  # a static host answers forms with 405
        self.send_response(405)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _BytesFile:
    def __init__(self, data: bytes):
        import io

        self._io = io.BytesIO(data)

    def read(self, *a):
        return self._io.read(*a)

    def close(self):
        self._io.close()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away mid-response (navigation, closed context): not a problem
        super().handle_error(request, client_address)


class StrictCSPServer:
    """Serve `directory` on 127.0.0.1:<free port> with a strict CSP, in a background thread.

        with StrictCSPServer(site_dir) as server:
            page.goto(server.url + "/causes/")
    """

    def __init__(self, directory: Path | str):
        self.directory = Path(directory).resolve()
        if not self.directory.is_dir():
            raise FileNotFoundError(f"{self.directory} is not a folder")
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server is not running"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Origin without a trailing slash, e.g. http://127.0.0.1:40123"""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StrictCSPServer:
        directory = str(self.directory)

        def handler(*args, **kwargs):
            return _StrictHandler(*args, directory=directory, **kwargs)

        self._httpd = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="strict-csp-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StrictCSPServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
