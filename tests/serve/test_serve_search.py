"""Site search inside the dev server: the Pagefind index is built into the served folder and the search page
gets the one CSP that allows WebAssembly."""
from __future__ import annotations

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
