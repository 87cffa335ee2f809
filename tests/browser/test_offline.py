"""Offline help: the service worker keeps the Get help page, visited pages and a notice with the crisis lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WAIT_FOR_WORKER = "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"


def _first_visit(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(WAIT_FOR_WORKER, timeout=10_000)
    return page


def _kept(page, path: str) -> bool:
    return page.evaluate("""async (p) => {
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        if (await c.match(new URL(p, location.href).href)) return true;
      }
      return false;
    }""", path)


def test_help_visited_pages_and_notice_work_offline(browser, site_server):
    context = browser.new_context()
    try:
        page = _first_visit(context, site_server.url + "/causes/")
        page.wait_for_function("async () => !!(await caches.match(location.origin + '/causes/'))", timeout=10_000)
        page.goto(site_server.url + "/signs/")  # a second visited page, kept as it loads
        page.wait_for_function("async () => !!(await caches.match(location.origin + '/signs/'))", timeout=10_000)
        assert not _kept(page, "/effects/"), "a page nobody opened was stored"
        context.set_offline(True)

        page.goto(site_server.url + "/get-help/")  # never opened, but precached at the first visit
        expect(page.locator("h1")).to_have_text(re.compile(r"help", re.I))
        expect(page.locator("#need-help")).to_contain_text("Samaritans")
        expect(page.locator("#need-help")).to_contain_text("116 123")

        page.goto(site_server.url + "/causes/")
        expect(page.locator("h1")).to_have_text(re.compile(r"cause", re.I))
        page.goto(site_server.url + "/signs/")
        expect(page.locator("h1")).to_have_text(re.compile(r"sign", re.I))
        expect(page.locator("link[rel=stylesheet]").first).to_have_attribute("href", re.compile(r"site\."))
        assert page.evaluate("() => getComputedStyle(document.body).fontFamily") != "", "stylesheet not served"

        page.goto(site_server.url + "/effects/")  # never opened: the offline notice, with the crisis lines
        expect(page.locator("h1")).to_have_text("You are offline")
        expect(page.locator("#need-help")).to_be_visible()
        expect(page.locator("#need-help")).to_contain_text("116 123")
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
    for path in precache:
        assert sitebuild_file(built_site, path).is_file(), path
    assert any(p.endswith(".css") for p in precache) and any("crisis." in p for p in precache)
    manifest = json.loads((built_site / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["start_url"] == "get-help/" and manifest["icons"][0]["type"] == "image/svg+xml"
    assert re.fullmatch(r"#[0-9a-fA-F]{3,8}", manifest["theme_color"])
    assert "fetch(" in sw and "sendBeacon" not in sw and "method: 'POST'" not in sw


def sitebuild_file(site: Path, path: str) -> Path:
    target = site / path
    return target / "index.html" if path.endswith("/") else target
