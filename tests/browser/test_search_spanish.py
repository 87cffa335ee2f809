"""Spanish search in Chromium: /es/search/ finds Spanish pages only, pins the Spanish help page, is reached
from the header box of Spanish pages, works from a sub-path and without JavaScript says so in Spanish.

The quality gate (axe at two widths and schemes, CSP, weight, skip link, crisis footer) runs on /es/search/
too, through TOOL_PAGES in conftest.py; vnu checks es/search/index.html with every other built file.
Expected words come from content/es/ and locale/es/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.test_quality import AXE_TAGS, _describe_violations
from tests.browser.test_spanish import es

pytestmark = pytest.mark.browser

WORD = "antidepresivos"  # in content/es/causas.md and four more Spanish pages; never in an English page


def _search(visit, path: str, query: str, *, width: int = 1280, scheme: str = "light"):
    v = visit(f"{path}#q={quote(query)}", width=width, scheme=scheme, wait="networkidle")
    expect(v.page.locator("[data-search-status]")).to_contain_text(f"«{query}»" if path.startswith("/es/")
                                                                   else f"“{query}”", timeout=10_000)
    return v


def _result_paths(v) -> list[str]:
    return v.page.locator(".search-result__title a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")


def test_spanish_query_finds_spanish_pages_only(visit):
    v = _search(visit, "/es/search/", WORD)
    paths = _result_paths(v)
    assert paths, "no results"
    assert all(p.startswith("/es/") for p in paths), paths
    assert any(p.startswith("/es/causas/") for p in paths), paths
    expect(v.page.locator("[data-search-status]")).to_contain_text(re.compile(rf"\d+ resultados? para «{WORD}»"))
    assert not v.csp_violations(), v.csp_violations()
    assert not v.foreign_requests(), v.foreign_requests()
    assert not v.console_errors(), v.console_errors()
    # Pagefind's bundle is the site root's one: the Spanish page loads /pagefind/, not /es/pagefind/.
    assert [u for u in v.requests if u.endswith("/pagefind/pagefind.js") and "/es/" not in u]


def test_english_search_finds_no_spanish_pages(visit):
    v = _search(visit, "/search/", "antidepressants")
    paths = _result_paths(v)
    assert paths and not [p for p in paths if p.startswith("/es/")], paths
    english_only = _search(visit, "/search/", WORD)
    assert not [p for p in _result_paths(english_only) if p.startswith("/es/")]


# The words of the Spanish pages themselves, plurals and first-person forms, and a word typed without its
# accent or with a combining one: the help page comes first for all of them.
@pytest.mark.parametrize("query", ["suicidio", "crisis", "autolesión", "ayuda", "pensamientos suicidas", "autolesiones",
                                   "autolesion", "autolesio\u0301n", "quiero quitarme la vida", "hacerme daño"])
def test_crisis_words_put_the_spanish_help_page_first(visit, query):
    v = _search(visit, "/es/search/", query)
    paths = _result_paths(v)
    assert paths and paths[0] == "/es/obtener-ayuda/", paths
    assert paths.count("/es/obtener-ayuda/") == 1, paths
    expect(v.page.locator(".search-result").first).to_have_class(re.compile("search-result--pinned"))


def test_header_box_on_a_spanish_page_goes_to_the_spanish_search(visit):
    v = visit("/es/causas/", wait="networkidle")
    box = v.page.get_by_role("search").get_by_role("searchbox")
    expect(box).to_have_accessible_name(es("Search the guide"))
    box.focus()
    v.page.keyboard.type(WORD)
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(re.compile(rf"/es/search/#q={WORD}$"))
    expect(v.page.locator("[data-search-status]")).to_contain_text(f"«{WORD}»", timeout=10_000)
    assert _result_paths(v) and all(p.startswith("/es/") for p in _result_paths(v))
    assert not v.csp_violations(), v.csp_violations()


def test_spanish_search_page_links_to_the_spanish_help_page(visit):
    v = visit("/es/search/")
    expect(v.page.locator("h1")).to_have_text(es("Search"))
    link = v.page.locator(".search-help a")
    link.click()
    v.page.wait_for_url(re.compile(r"/es/obtener-ayuda/$"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_spanish_results_are_axe_clean_at_375px(visit, axe_source, scheme):
    v = _search(visit, "/es/search/", "suicidio", width=375, scheme=scheme)
    assert v.page.locator(".search-result").count() >= 2
    violations = v.run_axe(axe_source, AXE_TAGS)
    assert not violations, _describe_violations(violations)


def test_spanish_search_works_from_a_sub_path(browser, sub_path_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(sub_path_server.url + f"/guide/es/search/#q={WORD}")
        expect(page.locator("[data-search-status]")).to_contain_text(f"«{WORD}»", timeout=10_000)
        paths = page.locator(".search-result__title a").evaluate_all("els => els.map(a => new URL(a.href).pathname)")
        assert paths and all(p.startswith("/guide/es/") for p in paths), paths
    finally:
        context.close()


def test_spanish_search_without_javascript_says_so_in_spanish(visit):
    v = visit("/es/search/", js=False)
    nojs = v.page.locator("[data-search-nojs]")
    expect(nojs).to_be_visible()
    expect(nojs).to_contain_text(es("Search needs JavaScript, which is turned off or blocked in your browser."))
    # The contents of the Spanish printed guide, then the first Spanish page.
    hrefs = nojs.get_by_role("link").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == ["../../es/print/#contents", "../../es/"], hrefs
    nojs.get_by_role("link").first.click()
    v.page.wait_for_url(re.compile(r"/es/print/#contents$"))
    expect(v.page.locator("#contents-title")).to_have_text(es("Contents"))
