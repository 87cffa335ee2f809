"""Fixtures for the browser suite: one build, one local strict-CSP server, one Debian Chromium.

The site is built once per session into a temporary folder with tests/support/sitebuild.py (never the repo's dist/).
Set FEELAGAIN_DIST=/some/folder to test an already built site instead (skips the build).
Pages come from the build's sitemap.xml; the 404 page is added as "404" (a missing path served by the server).

Requirements (the suite FAILS, never skips, when one is missing):
- Debian chromium at /usr/bin/chromium (or CHROMIUM_PATH): apt-get install -y chromium
- node_modules from `npm ci` (axe-core, vnu-jar), and Java 11+ for vnu.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import sitebuild

REPO_ROOT = sitebuild.REPO_ROOT
AXE_JS = sitebuild.AXE_JS
npm_ci_hint = sitebuild.npm_ci_hint
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"

# A path that does not exist in the build: the server answers it with 404.html and status 404.
# Top level on purpose, so the 404 page's root-relative links resolve as they do for /404.html.
NOT_FOUND_PATH = "/this-page-does-not-exist"
# Generated pages that are not in the sitemap but go through the same quality gate (when the build has them).
# Each language has its own (es/print/, es/offline/); the embed guides (embed/, es/embed/) are in the sitemap.
TOOL_PAGES = ("/search/", "/es/search/", "/print/", "/es/print/", "/offline/", "/es/offline/")  # where built

# Records CSP violations. Init scripts are injected over CDP, so the page's CSP does not block them.
CSP_RECORDER_JS = """
(() => {
  if (window.__cspViolations) return;
  const found = [];
  window.__cspViolations = found;
  window.addEventListener('securitypolicyviolation', (e) => {
    found.push({directive: e.violatedDirective, blocked: e.blockedURI,
                source: e.sourceFile, line: e.lineNumber, sample: e.sample, where: location.href});
  }, true);
})();
"""


def interface_string(lang: str, msgid: str) -> str:
    """Return an interface string as pages in `lang` show it (from locale/<lang>/…/messages.po; English as is)."""
    catalog = REPO_ROOT / "locale" / lang.replace("-", "_") / "LC_MESSAGES" / "messages.po"
    if lang == "en" or lang.startswith("en-") or not catalog.is_file():
        return msgid
    from babel.messages.pofile import read_po

    with catalog.open("rb") as handle:
        entry = read_po(handle).get(msgid)
    return entry.string if entry is not None and entry.string else msgid


@dataclass(frozen=True)
class PageCase:
    """One page under test: the URL path to load, the status the server must answer, the file it comes from."""

    id: str
    path: str
    status: int
    file: str  # path of the HTML file relative to the build folder

    def __str__(self) -> str:
        return self.id


@dataclass
class BuiltSite:
    dir: Path | None = None
    pages: list[PageCase] = field(default_factory=list)
    html_files: list[str] = field(default_factory=list)  # every *.html in the build, relative, sorted
    error: str | None = None
    tmp: str | None = None


_SITE_KEY = pytest.StashKey[BuiltSite]()


def _page_id(path: str) -> str:
    return path.strip("/") or "home"


def _load_site(config: pytest.Config) -> BuiltSite:
    site = config.stash.get(_SITE_KEY, None)
    if site is not None:
        return site
    site = BuiltSite()
    config.stash[_SITE_KEY] = site
    try:
        site.dir = sitebuild.site_dir_from_env()
        if site.dir is None:
            site.tmp = tempfile.mkdtemp(prefix="feelagain-browser-")
            site.dir = sitebuild.build_bundled_site(Path(site.tmp) / "site")
        paths = sitebuild.sitemap_paths(site.dir)
        for path in paths:
            rel = sitebuild.path_to_file(site.dir, path).relative_to(site.dir).as_posix()
            site.pages.append(PageCase(_page_id(path), path, 200, rel))
        for path in TOOL_PAGES:
            if path not in paths and sitebuild.path_to_file(site.dir, path).is_file():
                site.pages.append(PageCase(_page_id(path), path, 200, path.strip("/") + "/index.html"))
        site.pages.append(PageCase("404", NOT_FOUND_PATH, 404, "404.html"))
        # Each other language has its own 404 page (es/404.html); it goes through the same gate.
        for extra in sorted(site.dir.glob("*/404.html")):
            rel = extra.relative_to(site.dir).as_posix()
            site.pages.append(PageCase(rel.replace("/", "-").removesuffix(".html"), "/" + rel, 200, rel))
        site.html_files = sorted(p.relative_to(site.dir).as_posix() for p in site.dir.rglob("*.html"))
    except Exception as exc:
        site.error = f"could not build the site for the browser tests:\n{type(exc).__name__}: {exc}"
    return site


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: browser/QA suite (Chromium, axe-core, vnu) against the built site; see tests/browser/"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    site = config.stash.get(_SITE_KEY, None)
    if site is not None and site.tmp:
        shutil.rmtree(site.tmp, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `page_case` over every sitemap page + 404, and `html_file` over every built HTML file."""
    if "page_case" in metafunc.fixturenames:
        site = _load_site(metafunc.config)
        cases = site.pages or [PageCase("site-not-built", "/", 200, "index.html")]
        metafunc.parametrize("page_case", cases, ids=[c.id for c in cases])
    if "html_file" in metafunc.fixturenames:
        site = _load_site(metafunc.config)
        files = site.html_files or ["site-not-built"]
        metafunc.parametrize("html_file", files, ids=files)


# --------------------------------------------------------------------------------------------------- site


@pytest.fixture(scope="session")
def built_site(pytestconfig: pytest.Config) -> Path:
    """Folder of the site built once for this session (or FEELAGAIN_DIST)."""
    site = _load_site(pytestconfig)
    if site.error:
        pytest.fail(site.error, pytrace=False)
    assert site.dir is not None
    return site.dir


@pytest.fixture(scope="session")
def site_pages(pytestconfig: pytest.Config, built_site: Path) -> list[PageCase]:
    return _load_site(pytestconfig).pages


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    with sitebuild.StrictCSPServer(built_site) as server:
        yield server


@pytest.fixture
def sub_path_server(built_site: Path, tmp_path: Path):
    """A strict-CSP server whose root holds the built site in the sub-folder guide/ (a site that lives at /guide/)."""
    root = tmp_path / "www"
    shutil.copytree(built_site, root / "guide")
    with sitebuild.StrictCSPServer(root) as server:
        yield server


@pytest.fixture(scope="session")
def base_url(site_server) -> str:
    """Overrides pytest-playwright's base_url: page.goto("/causes/") goes to the local server."""
    return site_server.url


# ------------------------------------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's chromium (never `playwright install`)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"chromium not found at {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser(launch_browser):
    """One Chromium for the whole session; a failed start fails the tests with a hint."""
    try:
        instance = launch_browser()
    except Exception as exc:
        pytest.fail(f"chromium at {CHROMIUM} could not start: {exc}\n(apt-get install -y chromium)", pytrace=False)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(npm_ci_hint(AXE_JS), pytrace=False)
    return AXE_JS.read_text(encoding="utf-8")


def _is_local(url: str) -> bool:
    if url.startswith(("data:", "blob:", "about:")):
        return True
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


class Visit:
    """A page plus everything it requested, logged and violated since the last `reset()`."""

    def __init__(self, context, page, origin: str):
        self.context = context
        self.page = page
        self.origin = origin
        self.response = None
        self.requests: list[str] = []
        # Requests the page made itself, not the site's service worker filling its offline cache.
        self.page_requests: list[str] = []
        self.console: list[dict] = []
        self.page_errors: list[str] = []
        self._cdp = None
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))
        page.on("websocket", lambda ws: self.requests.append(ws.url))

    def _on_request(self, req) -> None:
        self.requests.append(req.url)
        if req.service_worker is None:
            self.page_requests.append(req.url)

    def reset(self) -> None:
        self.response = None
        self.requests.clear()
        self.page_requests.clear()
        self.console.clear()
        self.page_errors.clear()

    def clear_storage(self) -> None:
        """Forget what earlier tests stored for the site (localStorage, cookies, IndexedDB, caches)."""
        if self._cdp is None:
            self._cdp = self.context.new_cdp_session(self.page)
        self._cdp.send("Storage.clearDataForOrigin", {
            "origin": self.origin,
            "storageTypes": "cookies,local_storage,indexeddb,cache_storage,service_workers",
        })

    def _on_console(self, msg) -> None:
        loc = msg.location or {}
        self.console.append({"type": msg.type, "text": msg.text, "url": loc.get("url", "")})

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not _is_local(u)]

    def console_errors(self, *, expected_status: int = 200) -> list[str]:
        errors = []
        for m in self.console:
            if m["type"] != "error" or "Content Security Policy" in m["text"]:
                continue  # CSP messages are reported by csp_violations()
            # The 404 page is itself served with status 404, which Chromium logs for the document.
            if expected_status == 404 and "status of 404" in m["text"] and m["url"] == self.page.url:
                continue
            errors.append(f"{m['text']} ({m['url']})" if m["url"] else m["text"])
        return errors + [f"uncaught: {e}" for e in self.page_errors]

    def csp_violations(self) -> list[str]:
        found: list[str] = []
        try:
            recorded = self.page.evaluate("() => window.__cspViolations || []")
        except Exception:
            recorded = []
        for v in recorded:
            found.append(
                f"{v['directive']} blocked {v['blocked'] or 'inline'} "
                f"at {v['source'] or '?'}:{v['line']} {v['sample'] or ''}".strip()
            )
        for m in self.console:
            if "Content Security Policy" in m["text"]:
                found.append(f"console: {m['text']}")
        return found

    def inject_axe(self, source: str) -> None:
        """Load axe-core into every frame. page.add_script_tag would add an inline <script>, which the
        strict CSP blocks; evaluate goes over CDP and is not subject to the page's CSP."""
        for frame in self.page.frames:
            if not frame.evaluate("() => typeof window.axe === 'object'"):
                frame.evaluate(source)

    def run_axe(self, source: str, tags: list[str]) -> list[dict]:
        self.inject_axe(source)
        result = self.page.evaluate(
            "opts => axe.run(document, opts)",
            {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]},
        )
        return result["violations"]


def _guarded_context(browser, **kwargs):
    """A context that aborts every non-loopback request (the `request` event still records it)
    and records CSP violations in window.__cspViolations."""
    context = browser.new_context(**kwargs)
    context.route("**/*", lambda route: route.continue_() if _is_local(route.request.url) else route.abort())
    context.add_init_script(CSP_RECORDER_JS)
    return context


@pytest.fixture(scope="session")
def _shared_tabs(browser, site_server):
    """One long-lived tab with JavaScript and one without. Navigating an existing tab is several times
    faster than opening a new context and page for every test on this 2-core machine."""
    tabs: dict[bool, Visit] = {}

    def get(js: bool) -> Visit:
        if js not in tabs:
            context = _guarded_context(browser, java_script_enabled=js)
            tabs[js] = Visit(context, context.new_page(), site_server.url)
        return tabs[js]

    yield get
    for tab in tabs.values():
        tab.context.close()


@pytest.fixture
def visit(browser, site_server, _shared_tabs):
    """visit(case_or_path, *, scheme="light", width=1280, height=800, js=True, wait="load", fresh=False) -> Visit

    Loads the page in the shared tab (or, with fresh=True, in a brand-new context: first visit, empty cache),
    after setting the viewport and the colour scheme, and checks the response status (200, or 404 for the
    404 case). Every context aborts non-loopback requests and records CSP violations and console messages.
    """
    opened = []

    def _visit(case, *, scheme: str = "light", width: int = 1280, height: int = 800, js: bool = True,
               wait: str = "load", fresh: bool = False) -> Visit:
        path = case.path if isinstance(case, PageCase) else case
        expected = case.status if isinstance(case, PageCase) else 200
        if fresh:
            context = _guarded_context(browser, java_script_enabled=js)
            opened.append(context)
            v = Visit(context, context.new_page(), site_server.url)
        else:
            v = _shared_tabs(js)
            v.page.goto("about:blank")
            v.reset()
            v.clear_storage()
        v.page.set_viewport_size({"width": width, "height": height})
        v.page.emulate_media(media="screen", color_scheme=scheme, reduced_motion="no-preference",
                             forced_colors="none")
        v.response = v.page.goto(site_server.url + path, wait_until=wait)
        assert v.response is not None, f"no response for {path}"
        assert v.response.status == expected, f"{path}: HTTP {v.response.status}, expected {expected}"
        return v

    yield _visit
    for context in opened:
        context.close()
