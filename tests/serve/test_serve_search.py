"""Site search inside the dev server: the search page gets the one CSP that allows WebAssembly, and the Pagefind
index is rebuilt after each reload, in the background, ending with the pages of the last edit."""
from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_search_works_in_the_dev_server(server, site, page) -> None:
    from playwright.sync_api import expect

    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(server.url + "/search/?q=alexithymia")
    assert response is not None and "'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    expect(page.locator("[data-search-status]")).to_contain_text("for “alexithymia”", timeout=15_000)
    first = page.locator(".search-result__title a").first.evaluate("a => new URL(a.href).pathname")
    assert first.startswith("/numbness-vs-alexithymia/"), first
    other = page.goto(server.url + "/causes/")
    assert other is not None and "wasm" not in other.headers["content-security-policy"]
    # No service worker while editing: it could show a stale copy of a page that was just changed.
    assert page.locator("script[src*='offline.']").count() == 0
    assert violations == [], violations
    assert "Traceback" not in server.output


def search_for(server, page, word: str) -> list[str]:
    """Search the preview for word in the browser; return the paths of the results, in order."""
    from playwright.sync_api import expect

    page.goto(server.url + f"/search/?q={word}")
    expect(page.locator("[data-search-status]")).to_contain_text(f"for “{word}”", timeout=15_000)
    return page.locator(".search-result__title a").evaluate_all("links => links.map(a => new URL(a.href).pathname)")


def caught_up(status: dict) -> bool:
    """True when no build runs and the search index shows the pages of the last reload."""
    search = status["search"]
    return not status["building"] and not search["indexing"] and search["generation"] == status["generation"]


def add_sentence(site, sentence: str) -> None:
    """End causes.md with sentence (replacing an earlier one added here)."""
    page = site / "content" / "causes.md"
    original = page.with_suffix(".orig")
    if not original.exists():
        original.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    page.write_text(original.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


def test_the_page_reloads_first_and_the_search_index_catches_up_after(server, site, page) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/causes/")
    server.wait_status(lambda s: s["browsers"] >= 1 and caught_up(s), what="the page on the socket, index ready")
    before = server.status()
    assert before["watching"] in ("events", "polling"), before
    lines_before = len(server.lines)
    add_sentence(site, "Walking beside quinceberry hedges can calm a busy mind.")
    expect(page.locator("main")).to_contain_text("quinceberry hedges", timeout=20_000)
    status = server.wait_status(caught_up, what="the search index of the edit")
    assert status["generation"] == before["generation"] + 1, status
    assert status["search"]["error"] is None
    new = server.lines[lines_before:]
    rebuilt = next(i for i, line in enumerate(new) if line.startswith("Rebuilt in "))
    indexed = next(i for i, line in enumerate(new) if line.startswith("Search index updated in "))
    assert rebuilt < indexed, new  # the reload went out with the build; Pagefind ran afterwards
    assert search_for(server, page, "quinceberry") == ["/causes/"]
    # The snapshot it was built from lives beside the preview, not in it: the served folder has no index.
    preview = site / ".feelagain-cache" / "preview"
    assert not (preview / "pagefind").exists()
    assert "Traceback" not in server.output


def test_two_quick_edits_end_with_an_index_of_the_second(server, site, page) -> None:
    from playwright.sync_api import expect

    page.goto(server.url + "/causes/")
    server.wait_status(lambda s: s["browsers"] >= 1 and caught_up(s), what="the page on the socket, index ready")
    add_sentence(site, "Some people find that plumtrellis gardening helps.")
    expect(page.locator("main")).to_contain_text("plumtrellis", timeout=20_000)
    time.sleep(0.2)  # most often while the first edit is being indexed; the outcome must not depend on it
    add_sentence(site, "Some people find that figlantern gardening helps.")
    expect(page.locator("main")).to_contain_text("figlantern", timeout=20_000)
    server.wait_status(caught_up, what="the search index of the second edit")
    assert search_for(server, page, "figlantern") == ["/causes/"]
    assert search_for(server, page, "plumtrellis") == []  # the first edit's index did not win the race
    assert "Traceback" not in server.output


def test_an_open_search_page_searches_again_once_the_index_has_the_edit(server, site, page) -> None:
    from playwright.sync_api import expect

    notes: list[str] = []
    page.on("console", lambda m: notes.append(m.text) if "Content Security Policy" in m.text else None)
    server.wait_status(caught_up, what="the first index")
    assert search_for(server, page, "glimmerquokka") == []
    server.wait_status(lambda s: s["browsers"] >= 1, what="the search page on the socket")
    add_sentence(site, "A glimmerquokka walk is one way to rest.")
    # Nobody touches the page: the reload, then the guard script's own search once the index caught up.
    expect(page.locator(".search-result__title a")).to_have_count(1, timeout=30_000)
    first = page.locator(".search-result__title a").first.evaluate("a => new URL(a.href).pathname")
    assert first == "/causes/"
    assert caught_up(server.status())
    expect(page.locator("#feelagain-search-note")).to_have_count(0)
    assert notes == [], notes


def test_spanish_search_works_in_the_dev_server_and_follows_an_edit(server, site, page) -> None:
    from playwright.sync_api import expect

    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    server.wait_status(caught_up, what="the first index")
    response = page.goto(server.url + "/es/search/?q=antidepresivos")
    assert response is not None and "'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    expect(page.locator("[data-search-status]")).to_contain_text("«antidepresivos»", timeout=15_000)
    found = page.locator(".search-result__title a").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert found and all(p.startswith("/es/") for p in found), found
    other = page.goto(server.url + "/es/causas/")
    assert other is not None and "wasm" not in other.headers["content-security-policy"]
    # An edit to a Spanish page reaches the Spanish index.
    causas = site / "content" / "es" / "causas.md"
    causas.write_text(causas.read_text(encoding="utf-8").rstrip("\n") + "\n\nUn paseo por el zarzalito ayuda.\n",
                      encoding="utf-8")
    expect(page.locator("main")).to_contain_text("zarzalito", timeout=20_000)
    server.wait_status(caught_up, what="the search index of the Spanish edit")
    page.goto(server.url + "/es/search/?q=zarzalito")
    expect(page.locator("[data-search-status]")).to_contain_text("«zarzalito»", timeout=15_000)
    found = page.locator(".search-result__title a").evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert found == ["/es/causas/"], found
    assert violations == [], violations
    assert "Traceback" not in server.output
