"""Issue #7: embedding on another site, tested from a host page on a different origin.

Three local origins (127.0.0.1 on three ports):
- the site (the `site_server` fixture, strict CSP), which serves /embed.js and /embed/<slug>/;
- a clinic's host page, served by `_Origin` below with the CSP a clinic would use:
  `default-src 'self'; script-src 'self' SITE; frame-src SITE`;
- a third origin that tries to spoof height messages.
Every context aborts non-loopback requests, records CSP violations (init script, runs in every frame),
console errors (the page's console event also carries its frames' messages) and dialogs.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import CSP_RECORDER_JS
from tests.support.sitebuild import StrictCSPServer, _QuietServer, _StrictHandler

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
EXIT_URL = yaml.safe_load((REPO / "content" / "site.yml").read_text(encoding="utf-8"))["exit_url"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ACCENT = "#005eb8"
ACCENT_RGB = "rgb(0, 94, 184)"
EVIL_ACCENT = "red;}</style><script>alert(1)</script>"
SANDBOX_ALLOWED = {"allow-scripts", "allow-same-origin", "allow-popups", "allow-popups-to-escape-sandbox",
                   "allow-modals", "allow-top-navigation-by-user-activation"}


# --------------------------------------------------------------------------------- local origins


class _Origin:
    """A tiny HTTP server on 127.0.0.1:<free port> answering fixed pages: {path: (html, csp or None)}."""

    def __init__(self, pages: dict[str, tuple[str, str | None]] | None = None):
        self.pages = pages or {}
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                if path not in origin.pages:
                    self.send_response(204 if path == "/favicon.ico" else 404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, csp = origin.pages[path]
                data = body.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                if csp:
                    self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                self.wfile.write(data)

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _host_html(site: str, extra: str = "") -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Clinic: patient information</title></head>
<body>
<main>
<h1>Patient information</h1>
<p>Information from Feel Again, shown on our clinic's site.</p>
<div data-feelagain="signs" data-region="us" data-accent="{ACCENT}"></div>
<div data-feelagain="causes" data-accent="{_esc(EVIL_ACCENT)}"></div>
{extra}
</main>
<script src="{site}/embed.js"></script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def origins(site_server):
    """(host, third): the clinic's origin and a third, hostile origin."""
    third = _Origin({"/evil.html": ("<!doctype html><html lang=en><title>other</title><p>other site</p>", None)})
    host = _Origin()
    site = site_server.url
    host.pages["/clinic.html"] = (
        _host_html(site),
        f"default-src 'self'; script-src 'self' {site}; frame-src {site}",
    )
    # Same page plus a frame from the third origin (allowed by this page's CSP only).
    host.pages["/spoof.html"] = (
        _host_html(site, f'<iframe src="{third.url}/evil.html" title="Another site" data-evil></iframe>'),
        f"default-src 'self'; script-src 'self' {site}; frame-src {site} {third.url}",
    )
    yield host, third
    host.close()
    third.close()


class Host:
    """A browser context with the clinic page open, plus what it logged."""

    def __init__(self, browser, url: str, *, width: int = 1280, height: int = 800, **options):
        self.context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.context.route(
            "**/*",
            lambda route: route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(("data:", "about:"))
            else route.abort(),
        )
        self.context.add_init_script(CSP_RECORDER_JS)
        self.requests: list[str] = []
        self.requests_made: list = []  # the requests themselves, for their headers
        self.context.on("request", lambda r: (self.requests.append(r.url), self.requests_made.append(r)))
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(
            f"{m.type}: {m.text} ({(m.location or {}).get('url', '')})"))
        self.page.on("pageerror", lambda e: self.console.append(f"uncaught: {e}"))
        self.page.on("dialog", self._on_dialog)
        self.page.goto(url)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def iframe(self, slug: str):
        return self.page.locator(f"iframe[data-feelagain-frame='{slug}']")

    def frame(self, slug: str):
        loc = self.iframe(slug)
        expect(loc).to_have_count(1)
        loc.scroll_into_view_if_needed()  # loading=lazy: make sure it loads
        frame = loc.element_handle().content_frame()
        assert frame is not None, f"no frame for {slug}"
        frame.wait_for_load_state("load")
        expect(frame.locator("html.embed")).to_have_count(1)
        return frame

    def sizes(self, slug: str) -> dict:
        outer = self.iframe(slug).evaluate("f => f.getBoundingClientRect().height")
        inner = self.frame(slug).evaluate(
            """() => { const h = document.documentElement;
                       return {content: h.getBoundingClientRect().height, scroll: h.scrollHeight,
                               client: h.clientHeight}; }"""
        )
        return {"outer": outer, **inner}

    def wait_fitted(self, slug: str, *, taller_than: float = 0, timeout: float = 15) -> dict:
        """Poll until the iframe is as tall as its content (and taller than `taller_than`)."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.sizes(slug)
            fitted = (abs(s["outer"] - s["content"]) <= 3 and abs(s["outer"] - s["scroll"]) <= 3
                      and s["scroll"] <= s["client"] + 2)
            if fitted and s["outer"] > taller_than:
                return s
            if time.monotonic() > deadline:
                raise AssertionError(f"iframe {slug} does not fit its content (taller than {taller_than}): {s}")
            self.page.wait_for_timeout(100)

    def problems(self) -> list[str]:
        found = [c for c in self.console if c.startswith(("error", "uncaught")) or "Content Security Policy" in c]
        for frame in self.page.frames:
            try:
                found += [f"CSP {v}" for v in frame.evaluate("() => window.__cspViolations || []")]
            except Exception:
                pass
        found += [f"dialog {d}" for d in self.dialogs]
        return found

    def close(self) -> None:
        self.context.close()


def host_opener(browser, base: str, default: str):
    """Yield open(page=default, **options) -> Host for pages on base; close every Host opened afterwards (for
    fixtures: `yield from host_opener(...)`)."""
    opened: list[Host] = []

    def _open(page: str = default, **kwargs) -> Host:
        h = Host(browser, base + page, **kwargs)
        opened.append(h)
        return h

    yield _open
    for h in opened:
        h.close()


@pytest.fixture
def open_host(browser, origins):
    yield from host_opener(browser, origins[0].url, "/clinic.html")


def _neutral(context) -> None:
    context.route(
        re.sub(r"/?$", "/**", EXIT_URL),
        lambda route: route.fulfill(status=200, body="<title>neutral</title>", content_type="text/html"),
    )


# ------------------------------------------------------------------------------------------- frames


def test_frames_are_created_sandboxed_lazy_and_titled(open_host, site_server):
    host = open_host()
    page = host.page
    expect(page.locator("iframe[data-feelagain-frame]")).to_have_count(2)
    for slug in ("signs", "causes"):
        f = host.iframe(slug)
        assert (f.get_attribute("title") or "").strip(), f"{slug}: iframe without a title"
        expect(f).to_have_attribute("loading", "lazy")
        expect(f).to_have_attribute("referrerpolicy", "no-referrer")
        sandbox = set((f.get_attribute("sandbox") or "").split())
        assert "allow-scripts" in sandbox, sandbox
        assert sandbox <= SANDBOX_ALLOWED, f"{slug}: sandbox grants too much: {sandbox - SANDBOX_ALLOWED}"
        src = urlsplit(f.get_attribute("src") or "")
        assert f"{src.scheme}://{src.netloc}" == site_server.url and src.path == f"/embed/{slug}/", src
    signs_q = parse_qs(urlsplit(host.iframe("signs").get_attribute("src")).query)
    assert signs_q == {"region": ["us"], "accent": [ACCENT.lstrip("#")]}, signs_q
    causes_q = parse_qs(urlsplit(host.iframe("causes").get_attribute("src")).query)
    assert "accent" not in causes_q, f"an invalid accent reached the frame URL: {causes_q}"
    # Nothing from the attribute was parsed as markup on the host page.
    assert page.locator("script").count() == 1
    assert page.locator("style").count() == 0
    host.frame("signs"), host.frame("causes")
    assert not host.problems(), host.problems()


def test_frames_grow_to_their_content_and_follow_the_viewport(open_host):
    host = open_host(width=1280, height=800)
    wide = {slug: host.wait_fitted(slug, taller_than=320) for slug in ("signs", "causes")}
    for slug in ("signs", "causes"):
        expect(host.iframe(slug)).to_have_css("min-height", "0px")
    # Narrower viewport: the text reflows, the frames get taller and still fit.
    host.page.set_viewport_size({"width": 375, "height": 800})
    for slug in ("signs", "causes"):
        narrow = host.wait_fitted(slug, taller_than=wide[slug]["outer"] + 50)
        assert narrow["outer"] > wide[slug]["outer"]
    # And shorter again when wider.
    host.page.set_viewport_size({"width": 1280, "height": 800})
    s = host.wait_fitted("signs")
    assert abs(s["outer"] - wide["signs"]["outer"]) <= 3, (s, wide["signs"])
    assert not host.problems(), host.problems()


# -------------------------------------------------------------------------------------------- theme

FRAME_STYLE_JS = """
() => {
  const h = document.documentElement, cs = getComputedStyle(h);
  const footer = document.querySelector('.embed-footer');
  const visible = [...document.querySelectorAll('[data-crisis] [data-region]')]
    .filter((b) => b.checkVisibility()).map((b) => b.dataset.region);
  return {accent: cs.getPropertyValue('--accent').trim(), text: cs.getPropertyValue('--text').trim(),
          font: cs.getPropertyValue('--font').trim(), color: cs.color, fontFamily: cs.fontFamily,
          border: footer ? getComputedStyle(footer).borderTopColor : null,
          inline: h.getAttribute('style') || '', classes: h.className, theme: h.dataset.theme || null,
          scripts: document.scripts.length, regions: visible,
          select: document.querySelector('[data-crisis-select]')?.value};
}
"""


def test_valid_theme_values_apply_and_invalid_ones_change_nothing(open_host, site_server):
    host = open_host()
    signs, causes = host.frame("signs"), host.frame("causes")
    # Defaults: the same embed page loaded without parameters, in the same context.
    plain = host.context.new_page()
    plain.goto(site_server.url + "/embed/causes/")
    defaults = plain.evaluate(FRAME_STYLE_JS)
    s = signs.evaluate(FRAME_STYLE_JS)
    assert s["accent"].lower() == ACCENT, s
    assert s["border"] == ACCENT_RGB, s
    assert s["regions"] == ["us"] and s["select"] == "us", s
    expect(signs.locator("[data-crisis] [data-region='us']")).to_contain_text("988")
    assert signs.locator("[data-crisis] [data-region='us'] a[href='tel:988']").count() >= 1
    c = causes.evaluate(FRAME_STYLE_JS)
    for key in ("accent", "text", "font", "color", "fontFamily", "border", "inline", "theme", "scripts", "regions"):
        assert c[key] == defaults[key], f"invalid theme value changed {key}: {c[key]!r} != {defaults[key]!r}"
    assert c["regions"] == ["uk"], c
    assert not host.dialogs, host.dialogs
    assert not host.problems(), host.problems()


def test_frame_ignores_invalid_query_parameters(visit):
    """embed-frame.js validates its own query string too (a bare pasted <iframe> skips embed.js)."""
    v = visit("/embed/causes/", fresh=True)
    page = v.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    defaults = page.evaluate(FRAME_STYLE_JS)
    evil = {
        "accent": EVIL_ACCENT, "text": "expression(alert(1))", "font": "x;background:url(//e.invalid/f)",
        "theme": "<img src=x onerror=alert(1)>", "bg": "url(//e.invalid/b)", "compact": "javascript:alert(1)",
        "region": "<script>alert(1)</script>",
    }
    v.reset()
    v.response = page.goto(v.origin + "/embed/causes/?" + urlencode(evil))
    got = page.evaluate(FRAME_STYLE_JS)
    for key in ("accent", "text", "font", "color", "fontFamily", "border", "inline", "classes", "theme", "scripts",
                "regions"):
        assert got[key] == defaults[key], f"invalid parameter changed {key}: {got[key]!r} != {defaults[key]!r}"
    assert not v.foreign_requests(), v.foreign_requests()
    assert not dialogs, dialogs
    assert not v.console_errors() and not v.csp_violations(), v.console_errors() + v.csp_violations()


# -------------------------------------------------------------------------------- height messages


def _record_messages(page) -> None:
    page.evaluate(
        """() => { window.__msgs = [];
                   addEventListener('message', (e) => window.__msgs.push({origin: e.origin, data: e.data})); }"""
    )


def _wait_message(page, height: int) -> None:
    page.wait_for_function(
        "h => window.__msgs.some((m) => m.data && m.data.type === 'feelagain:height' && m.data.height === h)",
        arg=height,
    )


def test_height_messages_from_other_windows_are_ignored(open_host, origins):
    host = open_host("/spoof.html")
    page = host.page
    before = {slug: host.wait_fitted(slug, taller_than=320)["outer"] for slug in ("signs", "causes")}
    _record_messages(page)

    # 1. From the host page itself (its own origin).
    page.evaluate("() => window.postMessage({type: 'feelagain:height', slug: 'signs', height: 5}, '*')")
    _wait_message(page, 5)

    # 2. From a frame on a third origin.
    evil_el = page.locator("iframe[data-evil]")
    evil = evil_el.element_handle().content_frame()
    evil.wait_for_load_state("load")
    assert evil.url.startswith(origins[1].url)
    evil.evaluate("() => parent.postMessage({type: 'feelagain:height', slug: 'signs', height: 6}, '*')")
    _wait_message(page, 6)
    evil.evaluate("() => parent.postMessage({type: 'feelagain:height', slug: 'causes', height: 7}, '*')")
    _wait_message(page, 7)

    # 3. From our own signs frame, but about the other frame or with a bad shape.
    signs = host.frame("signs")
    for msg, marker in [
        ("{type: 'feelagain:height', slug: 'causes', height: 8}", 8),
        ("{type: 'feelagain:height', slug: 'signs', height: '9'}", None),
        ("{type: 'feelagain:height', slug: 'signs', height: -10}", -10),
        ("{type: 'feelagain:height', slug: 'signs', height: 1e9}", 1e9),
        ("{type: 'other', slug: 'signs', height: 11}", None),
    ]:
        signs.evaluate(f"() => parent.postMessage({msg}, '*')")
        if marker is not None:
            _wait_message(page, marker)
    page.wait_for_function("() => window.__msgs.some((m) => m.data && m.data.type === 'other')")

    after = {slug: host.iframe(slug).evaluate("f => f.getBoundingClientRect().height") for slug in before}
    assert after == pytest.approx(before, abs=1), f"a spoofed height message resized a frame: {before} -> {after}"
    # Our frames still work: a real change still resizes them.
    host.page.set_viewport_size({"width": 600, "height": 800})
    host.wait_fitted("signs", taller_than=before["signs"] + 20)


# ------------------------------------------------------------------------------------------- exit


def test_quick_exit_in_the_embed_navigates_the_top_window(open_host):
    host = open_host()
    _neutral(host.context)
    signs = host.frame("signs")
    link = signs.get_by_role("link", name="Leave this site")
    expect(link).to_have_attribute("href", EXIT_URL)
    link.click()
    expect(host.page).to_have_url(EXIT_URL)
    expect(host.page).to_have_title("neutral")


def test_shift_three_times_inside_the_embed_navigates_the_top_window(open_host):
    host = open_host()
    _neutral(host.context)
    signs = host.frame("signs")
    signs.get_by_role("heading", level=1).click()  # focus inside the frame
    status = signs.locator("[data-exit-status]")
    host.page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 2 more times", re.I))
    host.page.keyboard.press("Shift")
    host.page.keyboard.press("Shift")
    expect(host.page).to_have_url(EXIT_URL)


EXIT_PLACE_JS = """
() => {
  const a = document.querySelector('a[data-exit-link]'), main = document.querySelector('main');
  const h1 = main.querySelector('h1'), r = a.getBoundingClientRect();
  return {count: document.querySelectorAll('a[data-exit-link]').length, top: r.top, bottom: r.bottom,
          width: r.width, height: r.height, visible: a.checkVisibility(), h1: h1.getBoundingClientRect().top,
          beforeMain: !!(a.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING),
          page: document.documentElement.scrollHeight};
}
"""
FOCUSED_IS_EXIT_JS = "() => !!document.activeElement && document.activeElement.matches('a[data-exit-link]')"


@pytest.mark.parametrize("width", [375, 1280])
def test_exit_control_is_at_the_top_of_the_embed_and_the_first_tab_stop(open_host, width):
    """Issue: "Leave this site" sat at the very bottom of a tall embed. It must be above the article, in the
    first screen of the clinic's page, and the first (or second) place the keyboard reaches."""
    host = open_host(width=width, height=700)
    signs = host.frame("signs")
    host.wait_fitted("signs", taller_than=700)
    host.page.evaluate("() => window.scrollTo(0, 0)")
    f = signs.evaluate(EXIT_PLACE_JS)
    assert f["count"] == 1 and f["visible"], f
    assert f["beforeMain"] and f["bottom"] <= f["h1"], f"'Leave this site' is not above the article: {f}"
    assert f["page"] > 2 * 700, f"the page is too short to tell top from bottom: {f}"
    assert f["height"] >= 44 and f["width"] >= 44, f"target smaller than 44x44 px: {f}"
    frame_top = host.iframe("signs").evaluate("f => f.getBoundingClientRect().top")
    assert 0 <= frame_top + f["top"] and frame_top + f["bottom"] <= 700, \
        f"'Leave this site' is not in the first screen of the host page (frame at {frame_top}): {f}"
    # Keyboard: the host page has nothing focusable before the frame, so Tab goes into it.
    for _ in range(2):  # the first or the second tab stop
        host.page.keyboard.press("Tab")
        if signs.evaluate(FOCUSED_IS_EXIT_JS):
            break
    else:
        raise AssertionError("'Leave this site' is not the first or second tab stop in the embed")
    assert not host.problems(), host.problems()


@pytest.mark.parametrize("path", ["/embed/helping-someone/", "/es/embed/senales/"])
def test_exit_control_is_first_in_an_embed_opened_on_its_own(visit, axe_source, path):
    """A bare pasted <iframe> (fixed height, no host script) shows the embed page as it is: same order."""
    v = visit(path, width=375, height=700)
    f = v.page.evaluate(EXIT_PLACE_JS)
    assert f["count"] == 1 and f["visible"] and f["beforeMain"], f
    assert 0 <= f["top"] and f["bottom"] <= 700 and f["bottom"] <= f["h1"], f
    v.page.keyboard.press("Tab")
    assert v.page.evaluate(FOCUSED_IS_EXIT_JS), "'Leave this site' is not the first tab stop"
    # The crisis block stays at the end, after the article.
    assert v.page.evaluate("() => !!document.querySelector('main ~ footer [data-crisis]')")
    assert not v.console_errors() and not v.csp_violations(), (v.console_errors(), v.csp_violations())
    violations = [(x["id"], [n["target"] for n in x["nodes"]][:5]) for x in v.run_axe(axe_source, AXE_TAGS)]
    assert not violations, violations


def test_urgent_box_in_the_embed_uses_the_embed_region(open_host):
    """data-region="us": ticking the urgent item must show US lines (988), not the UK's 999."""
    host = open_host()
    signs = host.frame("signs")
    form = signs.locator("form[data-checklist]")
    form.locator("input[data-urgent]").check()
    urgent = form.locator("[data-checklist-urgent]")
    expect(urgent).to_be_visible()
    tel = urgent.evaluate(
        "u => [...u.querySelectorAll('a[href^=\"tel:\"]')].filter((a) => a.checkVisibility())"
        ".map((a) => a.getAttribute('href'))"
    )
    assert "tel:988" in tel and "tel:999" not in tel, f"embed region us, immediate-help box shows {tel}"


def test_links_in_the_embed_lead_to_full_pages_not_embed_pages(open_host, site_server):
    """Links open in the top window (<base target=_top>), so they must lead to the full pages:
    never to /embed/... (a bare page meant for framing), and an in-page #fragment must not replace the host."""
    host = open_host()
    signs = host.frame("signs")
    bad = signs.evaluate(
        """origin => [...document.querySelectorAll('a[href]')]
             .filter((a) => (a.target || document.querySelector('base[target]')?.target || '_self') !== '_self')
             .filter((a) => a.href.startsWith(origin + '/embed/'))
             .map((a) => `${a.textContent.trim()} -> ${a.getAttribute('href')}`)""",
        site_server.url,
    )
    assert not bad, "links in the embed that open an embed page in the top window:\n" + "\n".join(bad)


# ------------------------------------------------------------------- printing, theme and accent (#12)

PRINT_RECORDER_JS = """() => { window.__prints = 0; addEventListener('beforeprint', () => { window.__prints += 1; }); }"""
IGNORED_PRINT = "Ignored call to 'print()'"


def _print_from(host, frame) -> int:
    """Tick an item and press "Print or save for your appointment" in a frame; return its beforeprint count."""
    frame.evaluate(PRINT_RECORDER_JS)
    form = frame.locator("form[data-checklist]")
    form.locator("input[type=checkbox]").first.check()
    form.get_by_role("button", name=re.compile("Print or save")).click()
    host.page.wait_for_timeout(500)  # print() is synchronous; the console message, if any, arrives async
    return frame.evaluate("() => window.__prints")


def test_printing_works_inside_the_embed(open_host, origins, site_server):
    """The sandbox allows modals, so print() opens the print flow (beforeprint fires) instead of being
    ignored. Control: the same page in a frame with the old sandbox (no allow-modals) is refused, which
    shows the observation can fail."""
    host = open_host()
    signs = host.frame("signs")
    assert "allow-modals" in (host.iframe("signs").get_attribute("sandbox") or "").split()
    assert _print_from(host, signs) >= 1, "beforeprint never fired inside the embed"
    assert not [c for c in host.console if IGNORED_PRINT in c], host.console
    # The printout (ticked items, date) was built for printing.
    expect(signs.locator(".printout li")).to_have_count(1)
    # Control: without allow-modals, Chromium ignores print() and says so.
    old = "allow-scripts allow-same-origin allow-popups allow-top-navigation-by-user-activation"
    origins[0].pages["/old-sandbox.html"] = (
        f'<!doctype html><html lang="en"><title>old</title><iframe title="old" sandbox="{old}" '
        f'src="{site_server.url}/embed/signs/"></iframe>',
        f"default-src 'self'; frame-src {site_server.url}",
    )
    control = open_host("/old-sandbox.html")
    frame = control.page.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state("load")
    expect(frame.locator("form[data-checklist].is-live")).to_have_count(1)
    assert _print_from(control, frame) == 0
    assert [c for c in control.console if IGNORED_PRINT in c], control.console


THEME_JS = """() => { const cs = getComputedStyle(document.documentElement);
  return {theme: document.documentElement.dataset.theme || null, bg: cs.getPropertyValue('--bg').trim(),
          accent: cs.getPropertyValue('--accent').trim().toLowerCase(),
          link: getComputedStyle(document.querySelector('.embed-footer a[href]')).color}; }"""


def test_embed_is_light_by_default_even_on_a_dark_device(visit):
    v = visit("/embed/causes/?accent=005eb8", scheme="dark", fresh=True)
    got = v.page.evaluate(THEME_JS)
    assert got["theme"] == "light" and got["bg"] == "#fff", got
    assert got["accent"] == ACCENT and got["link"] == ACCENT_RGB, got  # the clinic's accent survives
    # theme=auto still follows the device.
    v.page.goto(v.origin + "/embed/causes/?theme=auto")
    got = v.page.evaluate(THEME_JS)
    assert got["theme"] == "auto" and got["bg"] == "#121417", got


def test_accent_is_kept_in_each_theme_where_it_is_readable(visit):
    """theme=auto: a dark accent shows on the light theme and gives way to ours on the dark one, and back;
    a light accent the other way round. No colour is readable (4.5:1) on both backgrounds."""
    v = visit("/embed/causes/?theme=auto&accent=005eb8", scheme="light", fresh=True)
    page = v.page
    assert page.evaluate(THEME_JS)["accent"] == ACCENT
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(THEME_JS)
    assert dark["bg"] == "#121417" and dark["accent"] == "#7fd3c9", dark  # 005eb8 on #121417 is 2.6:1
    page.emulate_media(color_scheme="light")
    assert page.evaluate(THEME_JS)["accent"] == ACCENT
    page.goto(v.origin + "/embed/causes/?theme=auto&accent=7fc8ff")
    assert page.evaluate(THEME_JS)["accent"] == "#0b6163"  # 7fc8ff on white is 1.8:1: ours
    page.emulate_media(color_scheme="dark")
    assert page.evaluate(THEME_JS)["accent"] == "#7fc8ff"
    assert not v.console_errors() and not v.csp_violations()


# ---------------------------------------------------------------------------- hygiene and axe


def test_no_console_errors_csp_violations_or_foreign_requests(open_host):
    host = open_host()
    for slug in ("signs", "causes"):
        host.wait_fitted(slug, taller_than=320)
    # Use the frames a little: switch region, tick a box.
    signs = host.frame("signs")
    signs.locator("[data-crisis-select]").select_option("uk")
    signs.locator("form[data-checklist] input[type=checkbox]").first.check()
    expect(signs.locator("[data-checklist-status]")).to_contain_text("You ticked 1")
    assert not host.problems(), "\n".join(host.problems())
    foreign = [u for u in host.requests if urlsplit(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert not foreign, foreign
    assert host.context.cookies() == []


@pytest.mark.parametrize("slug", ["signs", "causes"])
def test_axe_inside_the_frame(open_host, axe_source, slug):
    host = open_host()
    frame = host.frame(slug)
    host.wait_fitted(slug)
    # frame.add_script_tag would add an inline script, which the frame's CSP blocks: evaluate instead.
    frame.evaluate(axe_source)
    result = frame.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    assert not violations, violations


# ---------------------------------------------------------------------------------- the embed guide


def test_embed_guide_copy_buttons_copy_the_snippet(visit, base_url):
    v = visit("/embed/", fresh=True)
    page = v.page
    v.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    codes = page.locator("pre > code")
    assert codes.count() >= 4
    snippets = page.locator(".snippet")
    assert snippets.count() >= 2
    checked = 0
    for i in (0, 1):
        snippet = snippets.nth(i)
        code_text = snippet.locator("pre > code").text_content()
        assert "feelagain" in code_text.lower() or "/embed/" in code_text
        button = snippet.get_by_role("button", name=re.compile(r"^Copy"))
        expect(button).to_be_visible()
        button.click()
        expect(page.locator("[data-copy-status]")).to_have_text(re.compile(r"^Copied"))
        assert page.evaluate("() => navigator.clipboard.readText()") == code_text
        checked += 1
    assert checked == 2
    assert not v.console_errors() and not v.csp_violations()


def test_embed_guide_snippets_name_the_page_and_script(visit):
    v = visit("/embed/")
    page = v.page
    for section in page.locator("section.embed-item").all():
        heading = section.locator("h3")
        slug = heading.get_attribute("id").removeprefix("embed-")
        lang = heading.get_attribute("lang")  # a page in another language (issue #18): id "embed-es-index"
        prefix = f"{lang}/" if lang else ""
        if lang:
            slug = slug.removeprefix(f"{lang}-")
        texts = section.locator("pre > code").all_text_contents()
        marker = f'data-feelagain="{slug}"' + (f' data-lang="{lang}"' if lang else "")
        assert any(marker in t and "/embed.js" in t for t in texts), (slug, texts)
        assert any("<iframe" in t and f"/{prefix}embed/{slug}/" in t for t in texts), (slug, texts)


def test_embed_guide_without_javascript_shows_snippets_and_hides_copy(visit):
    v = visit("/embed/", js=False)
    page = v.page
    codes = page.locator("pre > code")
    assert codes.count() >= 4
    for i in range(min(codes.count(), 6)):
        expect(codes.nth(i)).to_be_visible()
    buttons = page.locator("button[data-copy]")
    assert buttons.count() >= 2
    # JS-only buttons (the header search form's submit button works without JavaScript, so it may show).
    shown = page.evaluate("() => [...document.querySelectorAll('button')]"
                          ".filter((b) => b.checkVisibility() && !b.closest('form[action][method=get]')).length")
    assert shown == 0, f"{shown} button(s) shown without JavaScript"


# ----------------------------------------------------------- the guide's snippets, pasted as they are

BASE_URL = yaml.safe_load((REPO / "content" / "site.yml").read_text(encoding="utf-8"))["base_url"]


def _snippets(built_site: Path, site: str, slug: str, guide: str = "embed/index.html") -> dict[str, str]:
    """The guide's two snippets of a page ({"script": …, "iframe": …}), pointed at the local site."""
    html = (built_site / guide).read_text(encoding="utf-8")
    found = {}
    for kind in ("script", "iframe"):
        match = re.search(rf'<code id="embed-{re.escape(slug)}-{kind}">(.*?)</code>', html, re.S)
        assert match, f"the guide has no {kind} snippet for {slug}"
        found[kind] = unescape(match.group(1)).replace(BASE_URL, site + "/")
    return found


def _clinic_page(body: str) -> str:
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Riverside Clinic</title></head>'
            f"<body><main><h1>Patient information</h1>{body}</main></body></html>")


def _referers(host: Host, path: str) -> list[str | None]:
    """The Referer header of each request the page made for `path` (None: no Referer)."""
    made = [r for r in host.requests_made if urlsplit(r.url).path == path]
    assert made, f"no request for {path}: {[r.url for r in host.requests_made]}"
    return [r.all_headers().get("referer") for r in made]


def test_the_guides_script_snippet_loads_embed_js_without_a_referer(browser, origins, site_server, built_site):
    """The guide says the embed "does not tell us which site it is on": loading embed.js must not send the
    clinic's address. Control: the same tag without referrerpolicy does send it (so this test can fail)."""
    site = site_server.url
    snippet = _snippets(built_site, site, "signs")["script"]
    assert 'referrerpolicy="no-referrer"' in snippet, snippet
    csp = f"default-src 'self'; script-src 'self' {site}; frame-src {site}"
    origins[0].pages["/pasted.html"] = (_clinic_page(snippet), csp)
    origins[0].pages["/pasted-control.html"] = (_clinic_page(snippet.replace(' referrerpolicy="no-referrer"', "")), csp)
    checked = {}
    for name in ("/pasted.html", "/pasted-control.html"):
        host = Host(browser, origins[0].url + name)
        try:
            host.frame("signs")  # the script ran and made the frame
            checked[name] = (_referers(host, "/embed.js"), _referers(host, "/embed/signs/"))
        finally:
            host.close()
    script, frame = checked["/pasted.html"]
    assert script == [None], f"embed.js was requested with a Referer: {script}"
    assert frame == [None], f"the frame was requested with a Referer: {frame}"
    control, _ = checked["/pasted-control.html"]
    assert control and control[0] and control[0].startswith(origins[0].url), control


def test_the_guides_snippet_shows_the_readers_own_country_first(browser, origins, site_server, built_site):
    """The snippet names no region, so a reader in the US sees US lines first on a clinic's page pasted as it
    is, not the site's default (UK: 999, Samaritans). A region the clinic adds still wins."""
    site = site_server.url
    snippet = _snippets(built_site, site, "signs")["script"]
    assert "data-region" not in snippet, snippet
    csp = f"default-src 'self'; script-src 'self' {site}; frame-src {site}"
    origins[0].pages["/pasted-us.html"] = (_clinic_page(snippet), csp)
    origins[0].pages["/pasted-ie.html"] = (_clinic_page(snippet.replace("data-feelagain=", 'data-region="ie" '
                                                                                           "data-feelagain=")), csp)
    for page, want in (("/pasted-us.html", "us"), ("/pasted-ie.html", "ie")):
        host = Host(browser, origins[0].url + page, timezone_id="America/Chicago")
        try:
            got = host.frame("signs").evaluate(FRAME_STYLE_JS)
            assert got["regions"] == [want] and got["select"] == want, (page, got)
        finally:
            host.close()


def test_the_frame_only_snippet_fits_a_phone_screen(browser, origins, site_server, built_site):
    """A clinic that can paste only a frame often cannot add CSS either: pasted as it is, the frame must stay
    inside a 360 px screen (no sideways scrolling of the clinic's page)."""
    site = site_server.url
    snippet = _snippets(built_site, site, "signs")["iframe"]
    origins[0].pages["/frame-phone.html"] = (_clinic_page(snippet), f"default-src 'self'; frame-src {site}")
    host = Host(browser, origins[0].url + "/frame-phone.html", width=360, height=740)
    try:
        frame = host.page.locator("iframe[src*='/embed/signs/']")
        box = frame.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
        overflow = host.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the clinic's page scrolls sideways by {overflow} px"
    finally:
        host.close()


def test_in_page_links_stay_in_the_frame_without_javascript(browser, origins, site_server, built_site):
    """<base target="_top"> sends the embed's links to the top window; without JavaScript, "Change country"
    (href="#need-help") and footnote links must still move within the frame, not replace the clinic's page."""
    site = site_server.url
    snippets = [_snippets(built_site, site, slug)["iframe"] for slug in ("get-help", "causes")]
    origins[0].pages["/frame-only.html"] = (_clinic_page("".join(snippets)), f"default-src 'self'; frame-src {site}")
    host = Host(browser, origins[0].url + "/frame-only.html", java_script_enabled=False)
    try:
        start = host.page.url

        def frame(slug: str):
            loc = host.page.locator(f"iframe[src*='/embed/{slug}/']")
            loc.scroll_into_view_if_needed()  # loading=lazy
            f = loc.element_handle().content_frame()
            f.wait_for_load_state("load")
            assert f.evaluate("() => !document.documentElement.classList.contains('js')")  # no script ran
            return f

        for slug, link, lands in (("get-help", "a[data-change-region]:visible", r"#need-help$"),
                                  ("causes", "a.footnote-ref >> nth=0", r"#fn")):
            f = frame(slug)
            target = f.locator(link)
            target.scroll_into_view_if_needed()
            target.click()
            f.wait_for_url(re.compile(lands), timeout=5000)
            host.page.wait_for_timeout(300)  # a top navigation, if any, would have started
            assert host.page.url == start, f"{slug}: an in-page link replaced the clinic's page: {host.page.url}"
        expect(host.page.locator("h1")).to_have_text("Patient information")
    finally:
        host.close()


def test_data_lang_names_the_language_in_any_case_and_warns_about_mistakes(browser, origins, site_server):
    """data-lang="en" (the default language) has no /en/ prefix; "ES" is "es"; a language the site lacks, or a
    page name that does not exist, gets a console warning instead of a silent 404 frame."""
    site = site_server.url
    origins[0].pages["/languages.html"] = (_clinic_page(
        '<div data-feelagain="signs" data-lang="en"></div>'
        '<div data-feelagain="senales" data-lang="ES"></div>'
        f'<div data-feelagain="causes" data-lang="fr"><a href="{site}/causes/">Causes</a></div>'
        '<div data-feelagain="no-such-page" data-exit-keys="true"></div>'
        f'<script src="{site}/embed.js"></script>'), f"default-src 'self'; script-src 'self' {site}; frame-src {site}")
    host = Host(browser, origins[0].url + "/languages.html")
    try:
        for slug, path in (("signs", "/embed/signs/"), ("senales", "/es/embed/senales/")):
            assert urlsplit(host.iframe(slug).get_attribute("src")).path == path, slug
            frame = host.frame(slug)
            expect(frame.locator("h1")).not_to_be_empty()
            host.wait_fitted(slug, taller_than=320)  # the page answered: it is ours, not "page not found"
        # No frame for a language the site does not have: the clinic's own link stays.
        expect(host.iframe("causes")).to_have_count(0)
        expect(host.page.get_by_role("link", name="Causes")).to_be_visible()
        warnings = lambda: [c for c in host.console if c.startswith("warning:")]
        assert any('data-lang="fr"' in w and "en, es" in w for w in warnings()), host.console
        # A mistyped page name: the frame loads "page not found", says nothing, and the script tells the clinic.
        expect(host.iframe("no-such-page")).to_have_count(1)
        deadline = time.monotonic() + 10
        while not any('"no-such-page"' in w for w in warnings()) and time.monotonic() < deadline:
            host.page.wait_for_timeout(200)
        assert any('"no-such-page"' in w and "did not answer" in w for w in warnings()), host.console
        assert not any('"signs"' in w or '"senales"' in w for w in warnings()), host.console
    finally:
        host.close()


def test_a_clinic_page_with_the_guides_snippets_is_valid_html(built_site, tmp_path):
    """The Nu checker finds nothing in a clinic's page holding both snippets as the guide gives them, but the two
    things we keep on purpose (below). Control: a page with a real mistake in a snippet is reported."""
    import json
    import shutil
    import subprocess

    from tests.support.sitebuild import VNU_JAR, npm_ci_hint

    if not VNU_JAR.is_file():
        pytest.fail(npm_ci_hint(VNU_JAR), pytrace=False)
    java = shutil.which("java")
    assert java, "java not found: apt-get install -y default-jre-headless"
    snippets = _snippets(built_site, "https://feelagain.example", "signs")
    pasted = _clinic_page(snippets["script"] + "\n" + snippets["iframe"])
    (tmp_path / "clinic.html").write_text(pasted, encoding="utf-8")
    (tmp_path / "control.html").write_text(pasted.replace('loading="lazy"', 'loading="later"'), encoding="utf-8")
    assert 'loading="lazy"' in pasted, snippets["iframe"]
    proc = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                           str(tmp_path / "clinic.html"), str(tmp_path / "control.html")],
                          capture_output=True, text=True, timeout=120)
    messages = json.loads(proc.stderr)["messages"]
    # The one message left on purpose: vnu warns against allow-scripts with allow-same-origin, which lets a page
    # of the host's own origin undo its sandbox. Ours is another origin, and needs both (see assets/embed.js).
    # And width="100%" on the plain frame: HTML wants a number, every browser honours it, and it keeps the frame
    # inside a phone's screen where the clinic cannot add CSS (feelagain/embed.py FRAME_WIDTH).
    deliberate = ("Setting both “allow-scripts” and “allow-same-origin” is not recommended",
                  "Bad value “100%” for attribute “width”")
    errors = {name: [m["message"] for m in messages if m.get("url", "").endswith(name)
                     and not any(d in m["message"] for d in deliberate)]
              for name in ("clinic.html", "control.html")}
    assert not errors["clinic.html"], errors["clinic.html"]
    assert any("loading" in m for m in errors["control.html"]), errors["control.html"]


def test_a_frame_without_data_title_takes_the_pages_own_title(open_host, origins, site_server):
    """The frame's name for screen readers: the clinic's data-title if it gave one, else our page's real title
    (not its address name "Feel Again: signs")."""
    site = site_server.url
    origins[0].pages["/titles.html"] = (_clinic_page(
        '<div data-feelagain="signs"></div><div data-feelagain="causes" data-title="Why it happens"></div>'
        f'<script src="{site}/embed.js"></script>'), f"default-src 'self'; script-src 'self' {site}; frame-src {site}")
    host = open_host("/titles.html")
    for slug in ("signs", "causes"):
        host.wait_fitted(slug, taller_than=320)
    own = host.frame("signs").evaluate("() => document.title")
    assert own.startswith("Signs of emotional numbness"), own
    expect(host.iframe("signs")).to_have_attribute("title", own)
    expect(host.iframe("causes")).to_have_attribute("title", "Why it happens")
    assert not host.problems(), host.problems()


# ------------------------------------------------- placeholders added later (single-page apps, CMS widgets)

LATE_JS_CSP = "default-src 'self'; script-src 'self' {site}; frame-src {site}"


def _late_host(origins, site: str, name: str) -> str:
    """A clinic page with embed.js and no placeholder yet: an app adds them later (here, page.evaluate)."""
    origins[0].pages[name] = (_clinic_page(f'<div id="app"></div><script src="{site}/embed.js"></script>'),
                              LATE_JS_CSP.format(site=site))
    return name


ADD_PLACEHOLDER_JS = """([where, slug]) => {
  const el = document.createElement('div');
  el.setAttribute('data-feelagain', slug);
  el.innerHTML = '<a href="/' + slug + '/">' + slug + '</a>';
  document.querySelector(where).append(el);
  return el;
}"""


def test_placeholders_added_after_load_become_self_sizing_frames(open_host, origins, site_server):
    """A placeholder added 500 ms after load, and one inside a container inserted later still, become frames
    that size themselves, as the page's own placeholders do (MutationObserver in embed.js)."""
    host = open_host(_late_host(origins, site_server.url, "/late.html"))
    host.page.wait_for_load_state("load")
    host.page.wait_for_timeout(500)
    host.page.evaluate(ADD_PLACEHOLDER_JS, ["#app", "signs"])
    # A container built off the page, holding a placeholder deep inside, then inserted in one go.
    host.page.wait_for_timeout(300)
    host.page.evaluate("""() => {
      const box = document.createElement('section');
      box.innerHTML = '<h2>More</h2><div><div class="card"><div data-feelagain="causes" data-title="Why"></div></div></div>';
      document.querySelector('main').append(box);
    }""")
    for slug in ("signs", "causes"):
        expect(host.iframe(slug)).to_have_count(1)
        host.wait_fitted(slug, taller_than=320)  # our page answered and the frame took its height
        expect(host.iframe(slug)).to_have_css("min-height", "0px")
    expect(host.iframe("causes")).to_have_attribute("title", "Why")
    expect(host.page.locator("iframe")).to_have_count(2)
    # It keeps working after a reflow: the frames follow their content.
    before = host.sizes("signs")["outer"]
    host.page.set_viewport_size({"width": 375, "height": 800})
    assert host.wait_fitted("signs", taller_than=before + 50)["outer"] > before
    assert not host.problems(), host.problems()


def test_feelagain_scan_makes_frames_once_even_when_the_observer_runs_too(open_host, origins, site_server):
    """window.FeelAgain.scan() turns placeholders into frames; scan() and the observer both seeing a placeholder
    make one frame, and a bad placeholder scanned again warns once."""
    host = open_host(_late_host(origins, site_server.url, "/scan.html"))
    page = host.page
    page.wait_for_load_state("load")
    assert page.evaluate("() => typeof window.FeelAgain === 'object' && typeof window.FeelAgain.scan")
    page.evaluate("() => { const el = document.createElement('div'); el.id = 'later'; "
                  "el.setAttribute('data-feelagain', 'signs'); document.querySelector('#app').append(el); "
                  "window.FeelAgain.scan(); }")
    expect(host.iframe("signs")).to_have_count(1)
    host.wait_fitted("signs", taller_than=320)
    # Both at once: scan() right after adding (the observer's turn comes after), then scan() again twice.
    page.evaluate("""() => {
      const app = document.querySelector('#app');
      app.insertAdjacentHTML('beforeend', '<div data-feelagain="causes"></div>' +
                             '<div data-feelagain="get-help" data-lang="fr"><a href="/get-help/">Help</a></div>');
      window.FeelAgain.scan();
      window.FeelAgain.scan(app);
    }""")
    page.wait_for_timeout(300)
    page.evaluate("() => window.FeelAgain.scan()")
    host.wait_fitted("causes", taller_than=320)
    expect(host.iframe("causes")).to_have_count(1)
    expect(host.iframe("signs")).to_have_count(1)
    expect(page.locator("iframe")).to_have_count(2)
    assert len([c for c in host.console if 'data-lang="fr"' in c]) == 1, host.console
    assert not host.problems(), host.problems()


def test_frames_taken_out_of_the_page_are_left_alone_and_put_back_work_again(open_host, origins, site_server):
    """A single-page app swaps views: a frame taken out gets nothing (no errors from its listeners), and one put
    back is sized again. Scrolling and resizing with a removed frame throws nothing."""
    host = open_host(_late_host(origins, site_server.url, "/swap.html"))
    page = host.page
    page.wait_for_load_state("load")
    page.evaluate(ADD_PLACEHOLDER_JS, ["#app", "signs"])
    page.evaluate(ADD_PLACEHOLDER_JS, ["#app", "causes"])
    for slug in ("signs", "causes"):
        host.wait_fitted(slug, taller_than=320)
    # "causes" goes for good; "signs" goes and comes back a moment later (the iframe reloads when put back).
    page.evaluate("() => { window.__signs = document.querySelector('[data-feelagain=signs]'); "
                  "window.__signs.remove(); document.querySelector('[data-feelagain=causes]').remove(); }")
    page.wait_for_timeout(300)
    page.mouse.wheel(0, 400)
    page.set_viewport_size({"width": 900, "height": 700})
    page.wait_for_timeout(300)
    page.evaluate("() => document.querySelector('#app').append(window.__signs)")
    wide = host.wait_fitted("signs", taller_than=320)["outer"]
    # Only a frame the script tracks follows its content when the text reflows.
    page.set_viewport_size({"width": 375, "height": 700})
    assert host.wait_fitted("signs", taller_than=wide + 50)["outer"] > wide
    expect(page.locator("iframe")).to_have_count(1)
    assert not host.problems(), host.problems()


def test_a_page_that_has_its_own_feelagain_keeps_it(browser, origins, site_server):
    """window.FeelAgain is set only where nothing has that name yet."""
    name = _late_host(origins, site_server.url, "/own-name.html")
    host = Host(browser, "about:blank")
    try:
        host.context.add_init_script("window.FeelAgain = {mine: true};")
        host.page.goto(origins[0].url + name)
        host.page.wait_for_load_state("load")
        assert host.page.evaluate("() => window.FeelAgain.mine === true && !('scan' in window.FeelAgain)")
        host.page.evaluate(ADD_PLACEHOLDER_JS, ["#app", "signs"])  # the observer still works
        host.wait_fitted("signs", taller_than=320)
    finally:
        host.close()


# ---------------------------------------------------- the pinned snippet (Subresource Integrity, CORS)


class _HeadersSayCors(StrictCSPServer):
    """The strict test server, plus the one header the pinned snippet needs: Access-Control-Allow-Origin, on the
    addresses whose rules in the built site's _headers give it (a splat matches any characters, as on Netlify
    and Cloudflare Pages). The shared server sends none, so it shows what a host without the rule does."""

    def start(self) -> _HeadersSayCors:
        rules = []
        pattern = None
        for line in (self.directory / "_headers").read_text(encoding="utf-8").splitlines():
            if line and not line[0].isspace():
                pattern = re.compile(re.escape(line).replace(r"\*", ".*"))
            elif line.strip().startswith("Access-Control-Allow-Origin:") and pattern is not None:
                rules.append((pattern, line.split(":", 1)[1].strip()))
        directory = str(self.directory)

        class Handler(_StrictHandler):
            def end_headers(self) -> None:
                path = urlsplit(self.path).path
                value = next((v for p, v in rules if p.fullmatch(path)), None)
                if value:
                    self.send_header("Access-Control-Allow-Origin", value)
                super().end_headers()

        self._httpd = _QuietServer(("127.0.0.1", 0), lambda *a, **k: Handler(*a, directory=directory, **k))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self


@pytest.fixture(scope="module")
def cors_server(built_site):
    with _HeadersSayCors(built_site) as server:
        yield server


def _pinned(built_site: Path, site: str, guide: str = "embed/index.html") -> str:
    html = (built_site / guide).read_text(encoding="utf-8")
    match = re.search(r'<code id="embed-pinned">(.*?)</code>', html, re.S)
    assert match, "the guide has no pinned snippet"
    return unescape(match.group(1)).replace(BASE_URL, site + "/")


def test_the_pinned_snippet_runs_from_another_origin_and_a_wrong_integrity_is_refused(
        browser, origins, built_site, cors_server, site_server):
    """A clinic pastes the guide's pinned <script integrity crossorigin> with a page's placeholder: the browser
    checks the file and the frames work. Controls: a wrong integrity value, or a host without the _headers rule
    (no Access-Control-Allow-Origin), and the browser refuses the script: no frames."""
    site = cors_server.url
    pinned = _pinned(built_site, site)
    assert _pinned(built_site, site, "es/embed/index.html") == pinned  # one file for every language
    placeholder = _snippets(built_site, site, "signs")["script"].split("<script", 1)[0]
    other = _snippets(built_site, site, "senales", "es/embed/index.html")["script"].split("<script", 1)[0]
    wrong = re.sub(r'integrity="sha384-[^"]+"', 'integrity="sha384-' + "A" * 64 + '"', pinned)
    assert wrong != pinned
    no_cors = pinned.replace(site, site_server.url)
    body = placeholder + other
    csp = "default-src 'self'; script-src 'self' {0}; frame-src {0}"
    origins[0].pages["/pinned.html"] = (_clinic_page(body + pinned), csp.format(site))
    origins[0].pages["/pinned-wrong.html"] = (_clinic_page(body + wrong), csp.format(site))
    origins[0].pages["/pinned-no-cors.html"] = (_clinic_page(body.replace(site, site_server.url) + no_cors),
                                                csp.format(site_server.url))
    host = Host(browser, origins[0].url + "/pinned.html")
    try:
        for slug, path in (("signs", "/embed/signs/"), ("senales", "/es/embed/senales/")):
            assert urlsplit(host.iframe(slug).get_attribute("src")).path == path, slug
            host.wait_fitted(slug, taller_than=320)
        script = [r for r in host.requests_made if "/assets/embed." in r.url]
        assert script and script[0].all_headers().get("referer") is None, script
        assert not host.problems(), host.problems()
    finally:
        host.close()
    for name, why in (("/pinned-wrong.html", "integrity"), ("/pinned-no-cors.html", "CORS")):
        host = Host(browser, origins[0].url + name)
        try:
            host.page.wait_for_load_state("load")
            host.page.wait_for_timeout(500)
            expect(host.page.locator("iframe")).to_have_count(0)
            expect(host.page.get_by_role("link", name=re.compile("Signs"))).to_be_visible()  # the plain link stays
            assert host.page.evaluate("() => typeof window.FeelAgain") == "undefined", name
            assert any(why.lower() in c.lower() for c in host.console), (name, host.console)
        finally:
            host.close()


@pytest.mark.parametrize("script", ["embed.js", "assets/embed.HASH.js"])
def test_both_copies_of_embed_js_find_the_site_root_below_a_sub_path(browser, origins, built_site, sub_path_server,
                                                                     script):
    """A site at /guide/: /guide/embed.js and its pinned copy one folder down both embed /guide/embed/<page>/
    (the pinned copy must not look for /guide/assets/embed/…)."""
    site = sub_path_server.url
    name = next((built_site / "assets").glob("embed.*.js")).name
    src = f"{site}/guide/" + script.replace("embed.HASH.js", name)
    page = f"/sub-path-{script.replace('/', '-')}.html"
    origins[0].pages[page] = (_clinic_page(f'<div data-feelagain="signs"></div><script src="{src}"></script>'),
                              f"default-src 'self'; script-src 'self' {site}; frame-src {site}")
    host = Host(browser, origins[0].url + page)
    try:
        assert urlsplit(host.iframe("signs").get_attribute("src")).path == "/guide/embed/signs/"
        host.wait_fitted("signs", taller_than=320)
        assert not host.problems(), host.problems()
    finally:
        host.close()


def test_a_placeholder_given_another_page_shows_that_page(open_host, origins, site_server):
    """A single-page app reuses its placeholder: a new data-feelagain (or data-lang) replaces the frame with the new
    page's, one frame at a time; a placeholder first given a bad name gets its frame once the name is right."""
    host = open_host(_late_host(origins, site_server.url, "/reuse.html"))
    page = host.page
    page.wait_for_load_state("load")
    page.evaluate(ADD_PLACEHOLDER_JS, ["#app", "signs"])
    host.wait_fitted("signs", taller_than=320)
    page.evaluate("() => document.querySelector('#app [data-feelagain]').setAttribute('data-feelagain', 'causes')")
    expect(host.iframe("causes")).to_have_count(1)
    expect(host.iframe("signs")).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(1)
    host.wait_fitted("causes", taller_than=320)
    page.evaluate("() => document.querySelector('#app [data-feelagain]').setAttribute('data-lang', 'es')")
    expect(page.locator("iframe")).to_have_count(1)
    expect(page.locator("iframe")).to_have_attribute("src", re.compile(r"/es/embed/causes/"))
    # A bad name first (a warning, no frame), then the right one.
    page.evaluate(ADD_PLACEHOLDER_JS, ["main", "Bad Name"])
    page.wait_for_timeout(300)
    expect(page.locator("iframe")).to_have_count(1)
    page.evaluate("() => document.querySelector('main > [data-feelagain=\"Bad Name\"]').setAttribute('data-feelagain', 'grief')")
    expect(host.iframe("grief")).to_have_count(1)
    host.wait_fitted("grief", taller_than=320)
