"""Site search (Pagefind) in Chromium: results, pinned help, the no-JS path, CSP, accessibility and weight."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.test_quality import AXE_TAGS, _describe_violations
from tests.support import sitebuild

pytestmark = pytest.mark.browser


def _search(visit, query: str, *, width: int = 1280, scheme: str = "light", fresh: bool = False):
    # The query goes in the fragment, as the header box and the search page write it: never sent to the server.
    v = visit("/search/#q=" + quote(query), width=width, scheme=scheme, wait="networkidle", fresh=fresh)
    expect(v.page.locator("[data-search-status]")).to_contain_text("for “", timeout=10_000)
    return v


def _result_hrefs(v) -> list[str]:
    return v.page.locator(".search-result__title a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")


def test_query_finds_the_right_page_first_with_marked_terms(visit):
    # "alexithymia" is the subject of one page; Pagefind must rank that page first.
    v = _search(visit, "alexithymia")
    hrefs = _result_hrefs(v)
    assert hrefs, "no results"
    assert hrefs[0].startswith("/numbness-vs-alexithymia/"), hrefs
    first = v.page.locator(".search-result").first
    expect(first.locator("mark").first).to_be_visible()
    assert "alexithymia" in first.locator("mark").first.inner_text().lower()
    expect(v.page.locator("[data-search-status]")).to_have_attribute("aria-live", "polite")
    expect(v.page.locator("[data-search-status]")).to_contain_text(re.compile(r"\d+ results? for “alexithymia”"))
    assert not v.csp_violations(), v.csp_violations()
    assert not v.foreign_requests(), v.foreign_requests()


def test_results_show_section_heading_and_link_to_it(visit):
    v = _search(visit, "sleep")
    sections = v.page.locator(".search-result__section")
    assert sections.count() >= 1, "no result names the section it matched in"
    link = v.page.locator(".search-result").filter(has=sections.first).locator("a").first
    assert "#" in (link.get_attribute("href") or ""), "a section result should link to its heading"


@pytest.mark.parametrize("query", ["crisis", "suicide", "help now", "helpline", "suicidal thoughts", "I want to kill myself"])
def test_crisis_queries_put_get_help_first(visit, query):
    v = _search(visit, query)
    hrefs = _result_hrefs(v)
    assert hrefs and hrefs[0] == "/get-help/", hrefs
    assert hrefs.count("/get-help/") == 1, f"get-help listed twice: {hrefs}"


def test_ordinary_query_is_not_pinned(visit):
    v = _search(visit, "alexithymia")
    assert v.page.locator(".search-result--pinned").count() == 0


def test_footer_and_nav_are_not_indexed(visit):
    # "Samaritans" appears in the crisis footer of every page; indexing it would make every page match.
    # Only pages whose own text names Samaritans may match, and those are a few of the pages.
    v = _search(visit, "Samaritans")
    hrefs = _result_hrefs(v)
    assert hrefs, "no page matched, though the help page names Samaritans in its text"
    pages = v.page.locator("nav a").evaluate_all("els => new Set(els.map(a => new URL(a.href).pathname)).size")
    assert len(hrefs) < pages / 2, f"footer text seems indexed: {hrefs}"
    for href in hrefs:
        own = visit(href).page.evaluate("""() => {
            const body = document.querySelector('[data-pagefind-body]').cloneNode(true);
            body.querySelectorAll('[data-pagefind-ignore]').forEach(el => el.remove());
            return body.textContent; }""")
        assert "Samaritans" in own, f"{href} matched, but only its footer names Samaritans"


def test_header_box_submits_to_search_page_keyboard_only(visit):
    v = visit("/causes/", wait="networkidle")
    box = v.page.get_by_role("search").get_by_role("searchbox")
    box.focus()
    v.page.keyboard.type("numb")
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(re.compile(r"/search/#q=numb$"))
    expect(v.page.locator("[data-search-status]")).to_contain_text("for “numb”", timeout=10_000)
    assert v.page.locator(".search-result").count() >= 1
    v.page.keyboard.press("Tab")  # from the page's own search box onwards: results are reachable by Tab
    assert not v.csp_violations(), v.csp_violations()


def test_search_page_without_javascript_says_so_and_links_to_contents(visit):
    v = visit("/search/", js=False)
    nojs = v.page.locator("[data-search-nojs]")
    expect(nojs).to_be_visible()
    expect(nojs).to_contain_text("Search needs JavaScript")
    href = nojs.get_by_role("link").first.get_attribute("href")
    assert href == "../print/#contents", href
    # The form is there, but its box has no name: a submit without JavaScript cannot carry the words.
    assert v.page.locator("form[role=search][method=get] input[type=search]").count() == 1
    assert v.page.locator("form[role=search] input[name]").count() == 0


def test_pagefind_loads_only_when_used(visit):
    v = visit("/search/", wait="networkidle", fresh=True)
    assert not [u for u in v.requests if "/pagefind/" in u], "Pagefind loaded before any search"
    v.page.get_by_label("Words to search for").fill("sleep")
    v.page.get_by_label("Words to search for").press("Enter")
    expect(v.page.locator("[data-search-status]")).to_contain_text("for “sleep”", timeout=10_000)
    assert [u for u in v.requests if u.endswith("/pagefind/pagefind.js")]
    assert not v.csp_violations(), v.csp_violations()
    assert not v.console_errors(), v.console_errors()


def test_other_pages_load_no_search_code(visit, site_pages):
    for case in site_pages:
        if case.path in ("/search/", "/es/search/"):
            continue
        v = visit(case, wait="networkidle")
        loaded = [u for u in v.requests if "pagefind" in u or "/search." in u]
        assert not loaded, f"{case.path} loads search code: {loaded}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_results_are_axe_clean_at_375px(visit, axe_source, scheme):
    v = _search(visit, "crisis", width=375, scheme=scheme)
    assert v.page.locator(".search-result").count() >= 2
    violations = v.run_axe(axe_source, AXE_TAGS)
    assert not violations, _describe_violations(violations)


def test_search_works_from_a_sub_path(browser, sub_path_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(sub_path_server.url + "/guide/search/#q=alexithymia")
        expect(page.locator("[data-search-status]")).to_contain_text("for “alexithymia”", timeout=10_000)
        first = page.locator(".search-result__title a").first.evaluate("a => new URL(a.href).pathname")
        assert first.startswith("/guide/numbness-vs-alexithymia/"), first
    finally:
        context.close()


def test_pinned_data_comes_from_site_yml(built_site: Path):
    html = (built_site / "search" / "index.html").read_text(encoding="utf-8")
    match = re.search(r"data-pinned='([^']*)'", html)
    assert match, "search page has no pinned data"
    pinned = json.loads(match.group(1))
    assert any("crisis" in p["terms"] and p["url"] == "../get-help/" for p in pinned), pinned


# ------------------------------------------------------------------------------ privacy of the words


# The reviewer's example: what a reader in crisis may type. No path or file name of the site holds these words.
WORDS = "I want to kill myself"
SECRET = ("kill", "myself")


class _RecordingHandler(sitebuild._StrictHandler):
    """The test server's handler, noting each request target as the server receives it (its access log)."""

    def send_head(self):
        self.server.targets.append(self.path)  # type: ignore[attr-defined]
        return super().send_head()


@pytest.fixture
def recording_server(built_site: Path):
    """A strict-CSP server like site_server that keeps every request target it received."""
    def handler(*args, **kwargs):
        return _RecordingHandler(*args, directory=str(built_site), **kwargs)

    httpd = sitebuild._QuietServer(("127.0.0.1", 0), handler)
    httpd.targets = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _origin(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _leaks(server) -> list[str]:
    return [t for t in server.targets if any(word in t.lower() for word in SECRET)]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_header_box_never_sends_the_words_to_the_server(browser, recording_server, js):
    context = browser.new_context(java_script_enabled=js)
    try:
        page = context.new_page()
        page.goto(_origin(recording_server) + "/causes/", wait_until="networkidle")
        box = page.get_by_role("search").get_by_role("searchbox")
        box.fill(WORDS)
        box.press("Enter")
        if js:
            page.wait_for_url(re.compile(r"/search/#q=I%20want%20to%20kill%20myself$"))
            expect(page.locator("[data-search-status]")).to_contain_text(f"for “{WORDS}”", timeout=10_000)
            first = page.locator(".search-result__title a").first.evaluate("a => new URL(a.href).pathname")
            assert first == "/get-help/", first
            expect(page.get_by_label("Words to search for")).to_have_value(WORDS)
            # Back to the page the reader came from, Forward to the same search again.
            page.go_back()
            page.wait_for_url(re.compile(r"/causes/$"))
            page.go_forward()
            page.wait_for_url(re.compile(r"/search/#q="))
            expect(page.locator("[data-search-status]")).to_contain_text(f"for “{WORDS}”", timeout=10_000)
        else:
            # Search cannot run without JavaScript: the search page opens, says so and links to every page.
            page.wait_for_url(re.compile(r"/search/\??$"))
            expect(page.locator("[data-search-nojs]")).to_be_visible()
            expect(page.locator("[data-search-nojs]")).to_contain_text("Search needs JavaScript")
        page.wait_for_load_state("networkidle")
        assert [t for t in recording_server.targets if t.startswith("/search/")], recording_server.targets
        assert not _leaks(recording_server), f"the server received the words: {_leaks(recording_server)}"
    finally:
        context.close()


def test_search_page_keeps_each_search_in_history_without_sending_it(browser, recording_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(_origin(recording_server) + "/search/", wait_until="networkidle")
        status = page.locator("[data-search-status]")
        field = page.get_by_label("Words to search for")
        field.fill("sleep")
        field.press("Enter")
        expect(status).to_contain_text("for “sleep”", timeout=10_000)
        assert page.url.endswith("/search/#q=sleep"), page.url
        field.fill(WORDS)
        field.press("Enter")
        expect(status).to_contain_text(f"for “{WORDS}”", timeout=10_000)
        assert "?" not in page.url, page.url
        page.go_back()  # the earlier search: its words and its results
        expect(status).to_contain_text("for “sleep”", timeout=10_000)
        expect(field).to_have_value("sleep")
        page.go_back()  # the search page as it opened
        expect(status).to_have_text("")
        expect(field).to_have_value("")
        expect(page.locator("[data-search-results]")).to_be_hidden()
        page.go_forward()
        expect(status).to_contain_text("for “sleep”", timeout=10_000)
        page.go_forward()
        expect(status).to_contain_text(f"for “{WORDS}”", timeout=10_000)
        expect(page.locator(".search-result").first).to_have_class(re.compile("search-result--pinned"))
        page.reload(wait_until="networkidle")  # a reload keeps the search, still without sending it
        expect(status).to_contain_text(f"for “{WORDS}”", timeout=10_000)
        page.wait_for_load_state("networkidle")
        assert not _leaks(recording_server), f"the server received the words: {_leaks(recording_server)}"
    finally:
        context.close()


def test_an_old_query_string_link_is_read_once_then_dropped(visit):
    v = visit("/search/?q=alexithymia", wait="networkidle")
    expect(v.page.locator("[data-search-status]")).to_contain_text("for “alexithymia”", timeout=10_000)
    assert _result_hrefs(v)[0].startswith("/numbness-vs-alexithymia/"), _result_hrefs(v)
    # The history entry no longer holds ?q=: Back, Forward or Reload do not send the words again.
    assert v.page.url.endswith("/search/#q=alexithymia"), v.page.url
    assert v.page.evaluate("() => location.search") == ""


def test_the_skip_link_keeps_the_search(visit):
    """A move within the page (the skip link's #main) changes the fragment; it is not a new search, so the box
    and the results must stay (keyboard and screen-reader readers use it first)."""
    v = _search(visit, "numb", fresh=True)
    before = _result_hrefs(v)
    assert before
    v.page.keyboard.press("Tab")
    expect(v.page.locator(":focus")).to_have_attribute("href", re.compile(r"#main$"))
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(re.compile(r"#main$"))
    v.page.wait_for_timeout(300)  # popstate and any search it started
    expect(v.page.locator("input[type=search]")).to_have_value("numb")
    assert _result_hrefs(v) == before
