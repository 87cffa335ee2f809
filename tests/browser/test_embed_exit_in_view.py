"""The embed's "Leave this site" stays in view on a long host page (embed.js tells the frame where it is).

A self-sizing frame never scrolls inside, so the exit bar at its top scrolls away with it. embed.js posts
{type: "feelagain:host", slug, above, viewport} to each of its frames (target origin: ours), and
embed-frame.js moves the button down by `above`, clamped to the frame. Tested from a clinic's page on another
origin (the helpers of test_embed_host.py): a tall page of text with a long embed in the middle.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_embed_host import AXE_TAGS, EXIT_URL, Host, _neutral, _Origin, host_opener

pytestmark = pytest.mark.browser

FILLER = "\n".join(
    f"<p>Paragraph {i} of the clinic's own page: opening hours, how to book and where to park.</p>" for i in range(40)
)


def _long_host(site: str, *, placeholder: str, script: bool = True) -> str:
    tail = f'<script src="{site}/embed.js"></script>' if script else ""
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Riverside Clinic: a long page</title></head>
<body>
<main>
<h1>About feeling numb</h1>
{FILLER}
{placeholder}
{FILLER}
</main>
{tail}
</body>
</html>
"""


@pytest.fixture(scope="module")
def long_pages(site_server):
    """The clinic's origin with a long page holding the `signs` embed (and one with a bare <iframe>), and a
    third origin whose page will try to move the button."""
    site = site_server.url
    third = _Origin({"/evil.html": ("<!doctype html><html lang=en><title>other</title><p>other site</p>", None)})
    host = _Origin()
    csp = f"default-src 'self'; script-src 'self' {site}; frame-src {site}"
    host.pages["/long.html"] = (_long_host(site, placeholder='<div data-feelagain="signs"></div>'), csp)
    host.pages["/long-spoof.html"] = (
        _long_host(site, placeholder='<div data-feelagain="signs"></div>'
                   f'<iframe src="{third.url}/evil.html" title="Another site" data-evil></iframe>'),
        f"default-src 'self'; script-src 'self' {site}; frame-src {site} {third.url}",
    )
    host.pages["/long-es.html"] = (_long_host(site, placeholder='<div data-feelagain="senales" data-lang="es"></div>'),
                                   csp)
    host.pages["/long-header.html"] = (_long_host(site, placeholder='<div data-feelagain="signs" data-exit-top="80">'
                                                  '</div>'), csp)
    # The "Frame only" snippet: no embed.js, a fixed height, the frame scrolls inside as before.
    host.pages["/long-plain.html"] = (
        _long_host(site, placeholder=f'<iframe src="{site}/embed/signs/" title="Signs" height="600"></iframe>',
                   script=False),
        f"default-src 'self'; frame-src {site}",
    )
    # The clinic opts in to the keyboard exit on its own page; a third origin's frame is there too.
    host.pages["/keys.html"] = (
        _long_host(site, placeholder='<div data-feelagain="signs" data-exit-keys="true"></div>'
                   f'<iframe src="{third.url}/evil.html" title="Another site" data-evil></iframe>'),
        f"default-src 'self'; script-src 'self' {site}; frame-src {site} {third.url}",
    )
    yield host, third
    host.close()
    third.close()


@pytest.fixture
def open_long(browser, long_pages):
    yield from host_opener(browser, long_pages[0].url, "/long.html")


# Where the button is, in the frame's own coordinates, and what embed-frame.js set.
EXIT_IN_FRAME_JS = """() => {
  const a = document.querySelector('a[data-exit-link]'), r = a.getBoundingClientRect();
  const h = document.documentElement, cs = getComputedStyle(a.closest('.exit'));
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          shift: a.closest('.exit').style.getPropertyValue('--fa-exit-shift'),
          floating: a.closest('.exit').classList.contains('exit--floating'),
          transition: cs.transitionDuration, scroll: h.scrollHeight, client: h.clientHeight,
          height: h.getBoundingClientRect().height};
}"""


def _exit_box(host: Host, frame, slug: str = "signs") -> dict:
    """The button's box in the host page's viewport (the frame is fitted, so it does not scroll inside)."""
    f = host.iframe(slug).evaluate("f => { const r = f.getBoundingClientRect(); return {top: r.top, bottom: r.bottom,"
                                   " left: r.left}; }")
    e = frame.evaluate(EXIT_IN_FRAME_JS)
    return {**e, "host_top": f["top"] + e["top"], "host_bottom": f["top"] + e["bottom"],
            "host_left": f["left"] + e["left"], "frame_top": f["top"], "frame_bottom": f["bottom"]}


def _scroll_host(host: Host, y: float) -> None:
    host.page.evaluate("y => window.scrollTo({top: y, behavior: 'instant'})", y)


def _frame_doc_top(host: Host, slug: str = "signs") -> float:
    return host.page.evaluate(
        "s => document.querySelector(`iframe[data-feelagain-frame='${s}']`).getBoundingClientRect().top + scrollY",
        slug)


def _wait_box(host: Host, frame, ok, what: str, timeout: float = 5, slug: str = "signs") -> dict:
    """Poll until ok(box) (the messages cross two animation frames and two processes)."""
    deadline = time.monotonic() + timeout
    while True:
        box = _exit_box(host, frame, slug)
        if ok(box):
            return box
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: {box}")
        host.page.wait_for_timeout(50)


@pytest.mark.parametrize("page,slug,width,reduce", [
    ("/long.html", "signs", 375, False),
    ("/long.html", "signs", 1280, True),  # and with prefers-reduced-motion
    ("/long-es.html", "senales", 375, False),  # a page in another language (/es/embed/senales/)
])
def test_exit_stays_at_the_top_of_the_host_viewport_while_the_frame_is_in_view(open_long, axe_source, page, slug,
                                                                               width, reduce):
    vh = 700
    host = open_long(page, width=width, height=vh)
    if reduce:
        host.page.emulate_media(reduced_motion="reduce")
    frame = host.frame(slug)
    fitted = host.wait_fitted(slug, taller_than=2 * vh)
    assert host.page.evaluate("() => document.documentElement.scrollHeight") > fitted["outer"] + 2 * vh
    doc_top = _frame_doc_top(host, slug)

    # Frame top just inside the viewport: the button is where it always was, at the top of the frame.
    _scroll_host(host, doc_top - 100)
    # (Host.frame scrolled the frame into view first, which may have moved the button: wait for it to settle.)
    _wait_box(host, frame, lambda b: abs(b["frame_top"] - 100) < 1 and not b["floating"], "not back in place",
              slug=slug)
    host.page.wait_for_timeout(200)  # let any (wrong) move arrive
    rest = _exit_box(host, frame, slug)
    assert not rest["floating"] and rest["shift"] in ("", "0px"), rest
    assert 0 < rest["top"] < 60, f"the button is not at the top of the frame: {rest}"

    # Halfway down the frame: the frame's top is far above the viewport, the button is at the viewport's top.
    half = fitted["outer"] / 2
    _scroll_host(host, doc_top + half)
    box = _wait_box(host, frame, lambda b: 0 <= b["host_top"] and b["host_bottom"] <= vh,
                    "'Leave this site' is not in the host viewport halfway down the frame", slug=slug)
    assert box["frame_top"] < -vh / 2, box
    assert box["host_top"] < 60 and box["floating"], f"not at the top of the viewport: {box}"
    assert abs((box["top"] - rest["top"]) - float(box["shift"].removesuffix("px"))) < 1, box
    assert box["transition"] == "0s", f"the button animates: {box}"
    assert box["scroll"] <= box["client"] + 1, f"the moved button made the frame overflow: {box}"
    # It is on top of the text it passes over, and a click on that spot is a click on the button.
    hit = frame.evaluate(
        """([x, y]) => !!document.elementFromPoint(x, y)?.closest('a[data-exit-link]')""",
        [(box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2],
    )
    assert hit, f"something covers the moved button: {box}"
    # axe still passes with the button moved.
    frame.evaluate(axe_source)
    result = frame.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
    assert not violations, violations

    # Only the last 150 px of the frame in view: the button is still at the top of the viewport.
    _scroll_host(host, doc_top + fitted["outer"] - 150)
    _wait_box(host, frame, lambda b: abs(b["frame_bottom"] - 150) < 1 and 0 <= b["host_top"] < 60
              and b["host_bottom"] <= b["frame_bottom"], "the button is not in view near the frame's bottom", slug=slug)
    # Only the last 30 px: it stops at the frame's bottom edge, never outside the frame.
    _scroll_host(host, doc_top + fitted["outer"] - 30)
    box = _wait_box(host, frame, lambda b: b["floating"] and abs(b["host_bottom"] - b["frame_bottom"]) < 8,
                    "the button does not stop at the frame's bottom", slug=slug)
    assert box["host_bottom"] <= box["frame_bottom"] + 0.5, box
    assert box["scroll"] <= box["client"] + 1, f"the moved button made the frame overflow: {box}"
    assert abs(box["height"] - fitted["outer"]) <= 3, f"moving the button changed the frame's height: {box}"

    # Back up: it returns to exactly where it was.
    _scroll_host(host, doc_top - 100)
    box = _wait_box(host, frame, lambda b: not b["floating"], "the button did not come back", slug=slug)
    assert box["top"] == pytest.approx(rest["top"], abs=0.5) and box["shift"] in ("", "0px"), (box, rest)
    assert not host.problems(), host.problems()


COUNT_HOST_JS = """() => { window.__host = 0; addEventListener('message', (e) => {
  if (e.data && e.data.type === 'feelagain:host') window.__host += 1; }); }"""


def test_messages_only_when_the_numbers_change_and_one_for_a_burst(open_long):
    """Scrolling that does not change where the frame is makes no message; a burst of 300 scroll positions in one
    task makes one. (Chromium itself fires scroll events once per animation frame, so this does not tell embed.js's
    own requestAnimationFrame throttle apart; that one matters when several scroll and resize events meet.)"""
    host = open_long(width=375, height=700)
    signs = host.frame("signs")
    fitted = host.wait_fitted("signs", taller_than=1400)
    top = _frame_doc_top(host)
    _scroll_host(host, 0)  # the frame far below the viewport: above = 0
    _wait_box(host, signs, lambda b: not b["floating"], "not back in place")
    signs.evaluate(COUNT_HOST_JS)
    # Scrolling the clinic's text above the frame changes nothing for the frame: no message.
    for y in (200, 400, 600):
        _scroll_host(host, y)
        host.page.wait_for_timeout(50)
    host.page.wait_for_timeout(200)
    assert signs.evaluate("() => window.__host") == 0
    # 300 scroll positions in one task: one message (the last position, inside the frame), not 300.
    assert fitted["outer"] > 299 * 10 + 100, fitted
    host.page.evaluate("t => { for (let i = 0; i < 300; i++) window.scrollTo(0, t + i * 10); }", top)
    _wait_box(host, signs, lambda b: b["floating"] and 0 <= b["host_top"] < 60, "the button did not follow")
    host.page.wait_for_timeout(200)
    assert signs.evaluate("() => window.__host") == 1


def test_the_moved_button_leaves_the_site(open_long):
    """A click on the button where it now is (in the middle of a long frame) replaces the host page."""
    host = open_long(width=375, height=700)
    _neutral(host.context)
    signs = host.frame("signs")
    fitted = host.wait_fitted("signs", taller_than=1400)
    _scroll_host(host, _frame_doc_top(host) + fitted["outer"] / 2)
    box = _wait_box(host, signs, lambda b: 0 <= b["host_top"] and b["host_bottom"] <= 700 and b["floating"],
                    "the button did not follow")
    host.page.mouse.click(box["host_left"] + 10, (box["host_top"] + box["host_bottom"]) / 2)
    expect(host.page).to_have_url(EXIT_URL)
    expect(host.page).to_have_title("neutral")


def test_the_button_stops_below_the_clinics_sticky_header(open_long):
    """data-exit-top="80": the clinic's page covers the top 80 px with its own header, so the button stops below."""
    host = open_long("/long-header.html", width=1280, height=700)
    signs = host.frame("signs")
    fitted = host.wait_fitted("signs", taller_than=1400)
    doc_top = _frame_doc_top(host)
    _scroll_host(host, doc_top - 100)
    _wait_box(host, signs, lambda b: abs(b["frame_top"] - 100) < 1 and not b["floating"], "not back in place")
    host.page.wait_for_timeout(200)
    rest = _exit_box(host, signs)
    assert not rest["floating"], rest
    _scroll_host(host, doc_top + fitted["outer"] / 2)
    box = _wait_box(host, signs, lambda b: b["floating"] and b["host_top"] >= 80,
                    "the button is not below the clinic's header")
    assert box["host_top"] == pytest.approx(80 + rest["top"], abs=1.5), (box, rest)
    # Frame top 50 px down the viewport, under the 80 px header: the button moves down 30 px to clear it.
    _scroll_host(host, doc_top - 50)
    box = _wait_box(host, signs, lambda b: abs(b["frame_top"] - 50) < 1 and abs(b["host_top"] - 80 - rest["top"]) < 1.5,
                    "the button is not just below the header with the frame's top under it")
    assert box["floating"] and box["shift"] == "30px", box
    assert not host.problems(), host.problems()


def test_the_button_stays_on_screen_when_the_reader_zooms_in(browser, long_pages):
    """Two-finger zoom on a phone: the screen shows only part of the layout viewport (the visual viewport), and the
    button must be in that part."""
    host = Host(browser, long_pages[0].url + "/long.html", width=375, height=700)
    try:
        frame = host.frame("signs")
        fitted = host.wait_fitted("signs", taller_than=1400)
        cdp = host.context.new_cdp_session(host.page)
        cdp.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 2})
        _scroll_host(host, _frame_doc_top(host) + fitted["outer"] / 2)
        host.page.mouse.move(100, 100)
        host.page.mouse.wheel(0, 200)  # scrolls the visual viewport down inside the layout viewport
        seen = "() => ({top: visualViewport.offsetTop, height: visualViewport.height, scale: visualViewport.scale})"
        host.page.wait_for_function("() => visualViewport.offsetTop > 50")
        vv = host.page.evaluate(seen)
        assert vv["scale"] == 2, vv
        box = _wait_box(host, frame,
                        lambda b: vv["top"] <= b["host_top"] and b["host_bottom"] <= vv["top"] + vv["height"],
                        f"the button is not on the zoomed-in screen {vv}")
        assert box["host_top"] - vv["top"] < 60, (box, vv)
        assert not host.problems(), host.problems()
    finally:
        host.close()


FORGED = [
    # From the parent (the host page) but with bad values or the wrong shape.
    "{type: 'feelagain:host', slug: 'signs', above: '900', viewport: 700}",
    "{type: 'feelagain:host', slug: 'signs', above: -900, viewport: 700}",
    "{type: 'feelagain:host', slug: 'signs', above: NaN, viewport: 700}",
    "{type: 'feelagain:host', slug: 'signs', above: Infinity, viewport: 700}",
    "{type: 'feelagain:host', slug: 'signs', above: 1e12, viewport: 700}",
    "{type: 'feelagain:host', slug: 'signs', above: 900}",
    "{type: 'feelagain:host', slug: 'signs', above: 900, viewport: 0}",
    "{type: 'feelagain:host', slug: 'causes', above: 900, viewport: 700}",
    "{type: 'feelagain:height', slug: 'signs', above: 900, viewport: 700}",
    "[{type: 'feelagain:host', slug: 'signs', above: 900, viewport: 700}]",
    "'feelagain:host'",
]
VALID = "{type: 'feelagain:host', slug: 'signs', above: 900, viewport: 700}"
# Counts every message but embed.js's own (which says `above: 0` while the frame's top is in view).
RECORD_JS = """() => { window.__got = 0; addEventListener('message', (e) => {
  const d = e.data; if (!(d && d.type === 'feelagain:host' && d.above === 0)) window.__got += 1; }); }"""


def test_forged_or_malformed_messages_do_not_move_the_button(open_long, long_pages):
    host = open_long("/long-spoof.html", width=375, height=700)
    signs = host.frame("signs")
    host.wait_fitted("signs", taller_than=1400)
    _scroll_host(host, _frame_doc_top(host) - 100)  # the frame's top in view: the real place is "not moved"
    _wait_box(host, signs, lambda b: abs(b["frame_top"] - 100) < 1 and not b["floating"], "not back in place")
    host.page.wait_for_timeout(200)
    rest = _exit_box(host, signs)
    assert not rest["floating"], rest
    signs.evaluate(RECORD_JS)
    sent = 0
    post = "m => document.querySelector(\"iframe[data-feelagain-frame='signs']\").contentWindow.postMessage(m, '*')"

    def unmoved(what: str) -> None:
        signs.wait_for_function("n => window.__got >= n", arg=sent)
        host.page.wait_for_timeout(50)
        box = _exit_box(host, signs)
        assert not box["floating"] and box["shift"] in ("", "0px"), f"{what} moved the button: {box}"
        assert box["top"] == pytest.approx(rest["top"], abs=0.5), (what, box, rest)

    # 1. From the parent, each forged message (one at a time: a later one must not hide an earlier move).
    for msg in FORGED:
        host.page.evaluate(f"() => ({post})({msg})")
        sent += 1
        unmoved(msg)
    # 2. From another origin's frame on the same page (it can reach our frame's window through parent.frames).
    evil = host.page.locator("iframe[data-evil]").element_handle().content_frame()
    evil.wait_for_load_state("load")
    assert evil.url.startswith(long_pages[1].url)
    evil.evaluate(f"() => {{ for (let i = 0; i < parent.frames.length; i++) "
                  f"if (parent.frames[i] !== window) parent.frames[i].postMessage({VALID}, '*'); }}")
    sent += 1
    unmoved("a message from another origin's frame")
    # 3. From the frame's own window (not its parent).
    signs.evaluate(f"() => window.postMessage({VALID}, '*')")
    sent += 1
    unmoved("a message from the frame itself")

    # Control: the same message from the parent does move it (so the check above could fail).
    host.page.evaluate(f"() => ({post})({VALID})")
    moved = _wait_box(host, signs, lambda b: b["floating"], "a valid message from the parent did not move it")
    assert moved["top"] == pytest.approx(rest["top"] + 900, abs=1), moved
    assert not host.problems(), host.problems()


def test_a_bare_iframe_without_embed_js_is_unchanged(open_long, site_server):
    """The "Frame only" snippet: no messages, so the button stays at the top of the (scrolling) frame."""
    host = open_long("/long-plain.html", width=1280, height=700)
    loc = host.page.locator("iframe[title=Signs]")
    loc.scroll_into_view_if_needed()
    frame = loc.element_handle().content_frame()
    frame.wait_for_load_state("load")
    start = frame.evaluate(EXIT_IN_FRAME_JS)
    top = host.page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().top + scrollY")
    _scroll_host(host, top + 300)
    frame.evaluate("() => window.scrollTo(0, 400)")
    host.page.wait_for_timeout(300)
    got = frame.evaluate(EXIT_IN_FRAME_JS)
    assert got["shift"] == "" and not got["floating"], got
    assert got["top"] == pytest.approx(start["top"] - 400, abs=1), (start, got)  # scrolled away inside, as before
    assert not host.problems(), host.problems()


# ------------------------------------------------------------------ Shift 3 times on the clinic's page


def _press_shift_on_host(host: Host, times: int = 3) -> None:
    host.page.locator("h1").click()  # focus on the clinic's page, not in a frame
    assert host.page.evaluate("() => document.activeElement.tagName") != "IFRAME"
    for _ in range(times):
        host.page.keyboard.press("Shift")


def test_shift_three_times_on_the_host_page_does_nothing_without_the_opt_in(open_long):
    host = open_long()
    _neutral(host.context)
    host.wait_fitted("signs", taller_than=700)  # the frame has told embed.js where its exit goes
    start = host.page.url
    _press_shift_on_host(host)
    host.page.wait_for_timeout(500)
    assert host.page.url == start and host.page.evaluate("() => document.documentElement.style.visibility") == ""
    assert not host.problems(), host.problems()


def test_shift_three_times_on_the_host_page_leaves_with_the_opt_in(open_long, long_pages):
    """data-exit-keys="true": Shift three times on its own, with focus on the clinic's page, hides it and replaces
    it with our exit page; the frame forgets the visit's region. Shift with another key does not count, and an exit
    address from another origin or that is not http(s) is ignored."""
    host = open_long("/keys.html", width=1280, height=700)
    # First the exit page answers 204 No Content, so the navigation starts but the page stays, to be looked at.
    asked: list[str] = []
    pattern = EXIT_URL.rstrip("/") + "/**"

    def no_content(route) -> None:
        asked.append(route.request.url)
        route.fulfill(status=204, body="")

    host.context.route(pattern, no_content)
    expect(host.iframe("signs")).to_have_attribute("loading", "eager")
    signs = host.frame("signs")
    host.wait_fitted("signs", taller_than=700)
    signs.locator("[data-crisis-select]").select_option("uk")
    assert signs.evaluate("() => sessionStorage.getItem('feelagain:region')") == "uk"
    # Forged exit addresses: from another origin's frame, and a javascript: one (even from our origin).
    evil = host.page.locator("iframe[data-evil]").element_handle().content_frame()
    evil.wait_for_load_state("load")
    evil.evaluate("u => parent.postMessage({type: 'feelagain:height', slug: 'signs', height: 900, exit: u}, '*')",
                  evil.url)
    signs.evaluate("() => parent.postMessage({type: 'feelagain:height', slug: 'signs', exit: 'javascript:alert(1)',"
                   " height: document.documentElement.getBoundingClientRect().height}, '*')")
    # Shift with another key in between does not count: Shift, Shift+A, Shift, Shift is not three in a row.
    _press_shift_on_host(host, 1)
    host.page.keyboard.press("Shift+A")
    host.page.keyboard.press("Shift")
    host.page.keyboard.press("Shift")
    host.page.wait_for_timeout(300)
    assert not asked and host.page.evaluate("() => document.documentElement.style.visibility") == ""
    # Three on their own: the page is hidden at once, our exit page is asked for, the frame forgets the region.
    _press_shift_on_host(host)
    host.page.wait_for_function("() => document.documentElement.style.visibility === 'hidden'")
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        host.page.wait_for_timeout(50)
    assert [u.rstrip("/") for u in asked] == [EXIT_URL.rstrip("/")], asked
    signs.wait_for_function("() => sessionStorage.getItem('feelagain:region') === null", timeout=5000)
    assert host.page.url.startswith(long_pages[0].url) and not host.dialogs, (host.page.url, host.dialogs)
    # Now the exit page answers: the clinic's page is replaced by it.
    host.context.unroute(pattern, no_content)
    _neutral(host.context)
    host.page.keyboard.press("Shift")
    host.page.keyboard.press("Shift")
    host.page.keyboard.press("Shift")
    expect(host.page).to_have_title("neutral")
    assert host.page.url.rstrip("/") == EXIT_URL.rstrip("/") and not host.dialogs
