"""Issue #5: "Leave this site" (GOV.UK "Exit this page" pattern) in Chromium under the strict CSP.

The exit URL (content/site.yml) is intercepted in the browser context, so nothing leaves the machine.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import interface_string

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
EXIT_URL = yaml.safe_load((REPO / "content" / "site.yml").read_text(encoding="utf-8"))["exit_url"]
EXIT_LINK = "a[data-exit-link]"
EXIT_STATUS = "[data-exit-status]"


def _neutral(context) -> None:
    """Answer the exit URL locally (registered after the context's guard route, so it wins)."""
    context.route(
        re.sub(r"/?$", "/**", EXIT_URL),
        lambda route: route.fulfill(status=200, body="<title>neutral</title>", content_type="text/html"),
    )


def _exit_link(page):
    return page.get_by_role("link", name="Leave this site")


# ---------------------------------------------------------------------------------- on every page

EXIT_FACTS_JS = """
(word) => {
  const links = [...document.querySelectorAll('a')].filter((a) => a.textContent.includes(word));
  const a = links[0];
  if (!a) return {count: 0};
  const r = a.getBoundingClientRect();
  const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea')]
    .filter((e) => e.checkVisibility() || e.classList.contains('skip-link'));
  return {count: links.length, href: a.getAttribute('href'), visible: a.checkVisibility(),
          top: r.top, bottom: r.bottom, height: r.height, width: r.width, vh: innerHeight,
          order: focusable.indexOf(a), status: !!a.closest('[data-exit]')?.querySelector('[role=status]')};
}
"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_exit_control_is_at_the_top_and_sticky_at_375px(visit, page_case, js):
    v = visit(page_case, js=js, width=375, height=700)
    page = v.page
    # In the page's own language (issue #18): "Salir de este sitio" on Spanish pages.
    word = interface_string(page.evaluate("document.documentElement.lang"), "Leave this site")
    f = page.evaluate(EXIT_FACTS_JS, word)
    assert f["count"] == 1, f"expected one 'Leave this site' control, found {f['count']}"
    assert f["href"] == EXIT_URL, f"the control is not a plain link to {EXIT_URL}: {f['href']}"
    assert f["visible"], "'Leave this site' is not visible"
    assert 0 <= f["top"] and f["bottom"] <= 150, f"'Leave this site' is not at the top: {f}"
    assert f["height"] >= 44 and f["width"] >= 44, f"target smaller than 44x44 px: {f}"
    assert 0 <= f["order"] <= 1, f"'Leave this site' is not among the first controls (index {f['order']})"
    if js:
        assert f["status"], "no role=status region next to the exit control"
    # Scroll far down: the control stays in the viewport (sticky).
    page.evaluate("() => window.scrollTo({top: document.documentElement.scrollHeight, behavior: 'instant'})")
    assert page.evaluate("() => scrollY") > 300, "page too short to test stickiness"
    f = page.evaluate(EXIT_FACTS_JS, word)
    assert f["visible"] and 0 <= f["top"] and f["bottom"] <= f["vh"], f"not sticky after scrolling: {f}"
    expect(page.get_by_role("link", name=word)).to_be_in_viewport()


# ------------------------------------------------------------------------------------------ clicking


def test_click_leaves_and_back_does_not_return(visit, base_url):
    v = visit("/about/", fresh=True)  # the page visited before ours
    page = v.page
    _neutral(v.context)
    page.goto(base_url + "/signs/")
    _exit_link(page).click()
    expect(page).to_have_url(EXIT_URL)
    expect(page).to_have_title("neutral")
    page.go_back()
    expect(page).to_have_url(base_url + "/about/")  # location.replace: /signs/ is no longer in history
    assert not v.console_errors(), v.console_errors()


def test_exit_link_without_javascript_is_a_plain_link(visit):
    v = visit("/causes/", js=False, fresh=True)
    page = v.page
    _neutral(v.context)
    link = _exit_link(page)
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", EXIT_URL)
    for _ in range(3):
        page.keyboard.press("Shift")  # no script: nothing happens
    expect(page).to_have_url(re.compile(r"/causes/$"))
    link.click()
    expect(page).to_have_url(EXIT_URL)


# ------------------------------------------------------------------------------------------ keyboard


def test_shift_three_times_exits_and_announces_the_presses_left(visit, base_url):
    v = visit("/about/", fresh=True)
    page = v.page
    _neutral(v.context)
    page.goto(base_url + "/causes/")
    status = page.locator(EXIT_STATUS)
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 2 more times", re.I))
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 1 more time\b", re.I))
    page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)
    page.go_back()
    expect(page).to_have_url(base_url + "/about/")


def test_shift_twice_then_another_key_does_not_exit(visit):
    v = visit("/causes/", fresh=True)
    page = v.page
    _neutral(v.context)
    status = page.locator(EXIT_STATUS)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 1 more time\b", re.I))
    page.keyboard.press("a")
    page.keyboard.press("Shift")  # the count restarted: 2 more presses needed
    expect(status).to_have_text(re.compile(r"press 2 more times", re.I))
    # Shift held down with another key (typing a capital letter) does not count either.
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift+B")
    page.keyboard.press("Shift+C")
    page.wait_for_timeout(250)
    assert page.url.endswith("/causes/"), f"left the page: {page.url}"
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bexiting\b"))


def test_status_does_not_keep_a_stale_count_after_another_key(visit):
    """After Shift, Shift and another key the count is reset: the status must not still say '1 more time'."""
    v = visit("/causes/")
    page = v.page
    status = page.locator(EXIT_STATUS)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 1 more time\b", re.I))
    page.keyboard.press("a")
    expect(status).not_to_have_text(re.compile(r"more time", re.I), timeout=2000)


def test_shift_presses_time_out_after_five_seconds(visit):
    v = visit("/causes/", fresh=True)
    page = v.page
    _neutral(v.context)
    page.clock.install()  # fake timers from the next load on
    page.reload()
    status = page.locator(EXIT_STATUS)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 1 more time\b", re.I))
    page.clock.fast_forward(5100)
    page.keyboard.press("Shift")
    expect(status).to_have_text(re.compile(r"press 2 more times", re.I))
    assert page.url.endswith("/causes/")
