"""The stylesheets as the site serves them (without comments and spare whitespace: feelagain.assets.published)
style every element exactly as the sources in assets/css/ do.

Each page is loaded twice in Chromium: once as built, once with every stylesheet request answered with its
source file. Every element's computed style must be the same, in the light and dark schemes, on a phone and a
desktop, with forced colours and for print.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import REPO_ROOT

pytestmark = pytest.mark.browser

SOURCES = REPO_ROOT / "assets" / "css"
# (colour scheme, width, forced colours, media)
SCREENS = [("light", 1280, "none", "screen"), ("dark", 360, "none", "screen"), ("light", 360, "active", "screen")]
PRINTED = [("light", 1280, "none", "print")]
# Each stylesheet and each kind of page (checklist, crisis directory, search, the printed guide, an embed).
PAGES = {"/signs/": SCREENS + PRINTED, "/get-help/": SCREENS, "/search/": SCREENS[:2], "/print/": PRINTED,
         "/embed/signs/": SCREENS[:2]}
SERVED = re.compile(r"/assets/([a-z-]+)\.[0-9a-f]{8}\.css$")

# Every element's computed style, as {path: "property:value;..."} in property order; custom properties keep the
# spaces they were written with (a minified `--font:a,b` is the same as `--font: a, b`), so their spaces are dropped.
_STYLES_JS = r"""
() => {
  const out = {};
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const i = e.parentElement ? Array.prototype.indexOf.call(e.parentElement.children, e) : 0;
      parts.unshift(e.tagName.toLowerCase() + ':' + i);
    }
    return parts.join('/');
  };
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const cs = getComputedStyle(el, pseudo);
      const parts = [];
      for (let i = 0; i < cs.length; i++) {
        const name = cs[i];
        let value = cs.getPropertyValue(name);
        if (name.startsWith('--')) value = value.replace(/\s+/g, '');
        parts.push(name + ':' + value);
      }
      out[path(el) + (pseudo || '')] = parts.sort().join(';');  // custom properties come in no fixed order
    }
  }
  return out;
}
"""


def _source_for(url: str) -> bytes | None:
    match = SERVED.search(url.split("?")[0])
    if not match:
        return None
    source = SOURCES / f"{match.group(1)}.css"
    return source.read_bytes() if source.is_file() else None


@pytest.fixture(scope="module")
def contexts(browser, site_server):
    """Two contexts: the site as built, and the site with each stylesheet answered by its source."""
    served = browser.new_context()
    sources = browser.new_context()
    swapped: list[str] = []

    def answer(route):
        body = _source_for(route.request.url)
        if body is None:
            route.continue_()
            return
        swapped.append(route.request.url)
        route.fulfill(status=200, body=body, headers={"content-type": "text/css; charset=utf-8"})

    sources.route("**/*.css", answer)
    yield served, sources, swapped
    served.close()
    sources.close()


def test_the_served_stylesheets_are_smaller_than_their_sources(built_site):
    served = sorted((built_site / "assets").glob("*.css"))
    assert {SERVED.search("/assets/" + p.name).group(1) for p in served} >= {"site", "print", "search"}
    for path in served:
        source = (SOURCES / f"{SERVED.search('/assets/' + path.name).group(1)}.css").read_bytes()
        assert b"/*" in source and b"/*" not in path.read_bytes(), f"{path.name} still has comments"
        assert len(path.read_bytes()) < len(source)


@pytest.mark.parametrize("path", PAGES)
def test_every_element_is_styled_as_the_source_stylesheets_style_it(contexts, site_server, path):
    served, sources, swapped = contexts
    page_served, page_sources = served.new_page(), sources.new_page()
    try:
        for scheme, width, forced, media in PAGES[path]:
            styles = []
            for page in (page_served, page_sources):
                page.set_viewport_size({"width": width, "height": 800})
                page.emulate_media(media=media, color_scheme=scheme, forced_colors=forced, reduced_motion="reduce")
                response = page.goto(site_server.url + path, wait_until="load")
                assert response is not None and response.status == 200, path
                styles.append(page.evaluate(_STYLES_JS))
            got, expected = styles
            assert swapped, "no stylesheet was answered with its source: the comparison would prove nothing"
            assert got.keys() == expected.keys(), f"{path}: the two loads built different documents"
            differ = [key for key in got if got[key] != expected[key]]
            assert not differ, (f"{path} ({scheme}, {width} px, forced colours {forced}, {media}): "
                                f"{len(differ)} elements styled differently, e.g. {differ[:3]}")
    finally:
        page_served.close()
        page_sources.close()
