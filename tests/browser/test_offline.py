"""Offline help: the service worker keeps the help pages, the assets and a notice with the crisis lines, never
the pages a reader opens; "Leave this site" drops anything beyond that fixed list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.support.sitebuild import REPO_ROOT

pytestmark = pytest.mark.browser

SITE = yaml.safe_load((REPO_ROOT / "content" / "site.yml").read_text(encoding="utf-8"))
WAIT_FOR_WORKER = "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"


def _first_visit(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(WAIT_FOR_WORKER, timeout=10_000)
    return page


def _cached_urls(page) -> dict[str, list[str]]:
    """Every cache of the origin with the paths it holds (as the page sees them)."""
    return page.evaluate("""async () => {
      const out = {};
      for (const name of await caches.keys()) {
        out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
      }
      return out;
    }""")


def _precache(built_site: Path) -> list[str]:
    sw = (built_site / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw).group(1))


def _fixed_paths(built_site: Path, root: str = "/") -> set[str]:
    return {root + path for path in _precache(built_site)}


VISITED = ["/causes/", "/signs/", "/es/senales/", "/es/causas/", "/faq/"]
EXIT_PAGES = re.sub(r"/?$", "/**", SITE["exit_url"])


def test_pages_read_are_not_stored_only_the_fixed_list(browser, site_server, built_site):
    context = browser.new_context()
    try:
        page = _first_visit(context, site_server.url + VISITED[0])
        for path in VISITED[1:]:
            page.goto(site_server.url + path)
            page.wait_for_load_state("networkidle")
        page.wait_for_load_state("networkidle")
        held = _cached_urls(page)
        assert len(held) == 1, held  # one cache, the worker's current version
        urls = set(next(iter(held.values())))
        fixed = _fixed_paths(built_site)
        assert urls == fixed, f"stored beyond the fixed list: {sorted(urls - fixed)}; missing: {sorted(fixed - urls)}"
        for path in VISITED:
            assert path not in urls, f"{path} was stored after being read"
        assert {"/get-help/", "/es/obtener-ayuda/", "/offline/", "/es/offline/"} <= urls
    finally:
        context.close()


def test_help_pages_and_notice_work_offline_read_pages_do_not(browser, site_server):
    context = browser.new_context()
    try:
        page = _first_visit(context, site_server.url + "/causes/")
        page.goto(site_server.url + "/signs/")
        page.wait_for_load_state("networkidle")
        context.set_offline(True)

        page.goto(site_server.url + "/get-help/")  # never opened, but precached at the first visit
        expect(page.locator("h1")).to_have_text(re.compile(r"help", re.I))
        expect(page.locator("#need-help")).to_contain_text("Samaritans")
        expect(page.locator("#need-help")).to_contain_text("116 123")
        expect(page.locator("link[rel=stylesheet]").first).to_have_attribute("href", re.compile(r"site\."))
        assert page.evaluate("() => getComputedStyle(document.body).fontFamily") != "", "stylesheet not served"

        page.goto(site_server.url + "/es/obtener-ayuda/")  # the Spanish help page, precached too
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator("#need-help")).to_contain_text("988")

        # Pages read before are not kept: offline they lead to the notice, with the crisis lines and its stylesheet
        # (also from a page two levels down).
        for path in ("/signs/", "/causes/", "/effects/"):
            page.goto(site_server.url + path)
            expect(page.locator("h1")).to_have_text("You are offline")
            expect(page.locator("#need-help")).to_be_visible()
            expect(page.locator("#need-help")).to_contain_text("116 123")
            assert page.evaluate("() => document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
        # From the notice, both help pages are one tap away.
        page.locator("main").get_by_role("link", name="Obtener ayuda").click()
        expect(page).to_have_url(site_server.url + "/es/obtener-ayuda/")
        expect(page.locator("#need-help")).to_contain_text("988")
        page.goto(site_server.url + "/effects/")
        expect(page).to_have_url(site_server.url + "/offline/")
        page.locator("main").get_by_role("link", name="Get help now").click()
        expect(page).to_have_url(site_server.url + "/get-help/")
        expect(page.locator("#need-help")).to_contain_text("116 123")
    finally:
        context.close()


def test_a_spanish_page_offline_leads_to_the_spanish_notice(browser, site_server):
    """A reader of the Spanish pages gets the notice in Spanish, at /es/offline/, with the Spanish help page and
    the Spanish crisis lines; the English pages still get the English one."""
    from tests.support.catalog import es

    context = browser.new_context()
    try:
        page = _first_visit(context, site_server.url + "/es/causas/")
        page.goto(site_server.url + "/es/senales/")
        page.wait_for_load_state("networkidle")
        context.set_offline(True)
        for path in ("/es/senales/", "/es/causas/", "/es/efectos/", "/es"):
            page.goto(site_server.url + path)
            expect(page).to_have_url(site_server.url + "/es/offline/")
            expect(page.locator("html")).to_have_attribute("lang", "es")
            expect(page.locator("h1")).to_have_text(es("You are offline"))
            expect(page.locator("#need-help")).to_contain_text("988")
            assert page.evaluate("() => document.styleSheets.length && document.styleSheets[0].cssRules.length") > 0
        # Its own help page is the one in its words; the English one is named in English.
        page.locator("main").get_by_role("link", name=es("Get help now"), exact=True).click()
        expect(page).to_have_url(site_server.url + "/es/obtener-ayuda/")
        expect(page.locator("#need-help")).to_contain_text("988")
        page.goto(site_server.url + "/es/recuperacion/")
        english_help = page.locator("main a[lang=en]")
        expect(english_help).to_have_attribute("href", "../../get-help/")
        english_help.click()
        expect(page).to_have_url(site_server.url + "/get-help/")
        page.goto(site_server.url + "/causes/")
        expect(page).to_have_url(site_server.url + "/offline/")
        expect(page.locator("h1")).to_have_text("You are offline")
        # The English notice's language switcher reaches the Spanish notice offline too (it is precached).
        page.locator(".lang-switch").get_by_role("link", name="Español").click()
        expect(page).to_have_url(site_server.url + "/es/offline/")
        expect(page.locator("h1")).to_have_text(es("You are offline"))
    finally:
        context.close()


def test_the_spanish_notice_under_a_sub_path(browser, sub_path_server):
    from tests.support.catalog import es

    server = sub_path_server
    context = browser.new_context()
    try:
        _first_visit(context, server.url + "/guide/es/causas/")
        page = context.pages[0]
        context.set_offline(True)
        page.goto(server.url + "/guide/es/senales/")
        expect(page).to_have_url(server.url + "/guide/es/offline/")
        expect(page.locator("h1")).to_have_text(es("You are offline"))
        page.goto(server.url + "/guide/signs/")
        expect(page).to_have_url(server.url + "/guide/offline/")
    finally:
        context.close()


LEFTOVERS_JS = """async (paths) => {
  // What an older worker left behind: read pages in its own cache, and in the current one.
  const old = await caches.open('feelagain-0123456789abcdef');
  for (const p of paths) await old.put(new URL(p, location.href).href, new Response('read earlier'));
  const current = (await caches.keys()).find((n) => n !== 'feelagain-0123456789abcdef');
  for (const p of paths) await (await caches.open(current)).put(new URL(p, location.href).href, new Response('x'));
  sessionStorage.setItem('feelagain:region', 'au');
}"""


def test_leave_this_site_drops_everything_but_the_fixed_list(browser, site_server, built_site):
    context = browser.new_context()
    context.route(EXIT_PAGES, lambda route: route.fulfill(status=200, body="<title>neutral</title>",
                                                          content_type="text/html"))
    try:
        page = _first_visit(context, site_server.url + "/es/senales/")
        page.evaluate(LEFTOVERS_JS, ["/es/senales/", "/causes/"])
        before = _cached_urls(page)
        assert len(before) == 2 and any("/es/senales/" in v for v in before.values()), before
        page.get_by_role("link", name=re.compile("Salir de este sitio|Leave this site")).click()
        page.wait_for_url(EXIT_PAGES)
        # Back on the site in the same tab (this visit): only the fixed list is left, and no region.
        page.goto(site_server.url + "/offline/")
        page.wait_for_function("async () => (await caches.keys()).length === 1", timeout=10_000)
        page.wait_for_function("""async (n) => (await (await caches.open((await caches.keys())[0])).keys())
                                               .length === n""", arg=len(_precache(built_site)), timeout=10_000)
        held = _cached_urls(page)
        assert set(next(iter(held.values()))) == _fixed_paths(built_site), held
        assert page.evaluate("() => sessionStorage.length") == 0
    finally:
        context.close()


def test_query_strings_are_never_stored(browser, site_server):
    context = browser.new_context()
    try:
        page = _first_visit(context, site_server.url + "/faq/")
        page.goto(site_server.url + "/about/?from=test")
        page.wait_for_load_state("networkidle")
        urls = page.evaluate("""async () => {
          const out = [];
          for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) out.push(r.url);
          return out;
        }""")
        assert urls and not [u for u in urls if "?" in u], urls
        assert not [u for u in urls if "/pagefind/" in u or "/search." in u], urls
    finally:
        context.close()


def test_worker_works_under_a_sub_path(browser, sub_path_server):
    server = sub_path_server
    context = browser.new_context()
    try:
        page = _first_visit(context, server.url + "/guide/causes/")
        scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
        assert scope == server.url + "/guide/"
        context.set_offline(True)
        page.goto(server.url + "/guide/get-help/")
        expect(page.locator("#need-help")).to_contain_text("116 123")
    finally:
        context.close()


def test_embeds_register_no_worker(browser, site_server):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_server.url + "/embed/causes/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
        assert page.locator("script[src*='offline.']").count() == 0
    finally:
        context.close()


def test_worker_version_follows_what_it_caches(built_site: Path):
    sw = (built_site / "sw.js").read_text(encoding="utf-8")
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', sw)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw).group(1))
    assert version
    assert precache[:3] == ["get-help/", "offline/", "manifest.webmanifest"]
    # Each language's configured help page and its offline notice, and no other page.
    help_pages = [lang["code"] + "/" + lang["help_page"] + "/" for lang in SITE["languages"][1:]]
    notices = [lang["code"] + "/offline/" for lang in SITE["languages"][1:]]
    assert help_pages and all(p in precache for p in help_pages), precache
    assert [p for p in precache if p.endswith("/")] == ["get-help/", "offline/", *help_pages, *notices], precache
    for path in precache:
        assert sitebuild_file(built_site, path).is_file(), path
    assert any(p.endswith(".css") for p in precache) and any("crisis." in p for p in precache)
    manifest = json.loads((built_site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "get-help/" and manifest["icons"][0]["type"] == "image/svg+xml"
    assert re.fullmatch(r"#[0-9a-fA-F]{3,8}", manifest["theme_color"])
    assert "fetch(" in sw and "sendBeacon" not in sw and "method: 'POST'" not in sw
    assert "cache.put(" not in sw, "the worker stores what it fetches (pages read)"


def sitebuild_file(site: Path, path: str) -> Path:
    target = site / path
    return target / "index.html" if path.endswith("/") else target
