"""WCAG 2.2 AA checks that axe-core cannot make, scripted in Chromium (the manual accessibility review).

- 2.5.3 Label in Name: what a link or button says on screen is part of the name a screen reader and speech
  input use, word for word (a speech user says what they see: "click Previous page").
- 4.1.3 Status Messages: changing the crisis region says which region's lines are now shown, without moving focus.
- 2.4.11 Focus Not Obscured: on a phone the sticky "Leave this site" row never hides the focused control.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import interface_string

pytestmark = pytest.mark.browser

# Each visible link and button: its accessible name and the text a sighted reader sees on it. Text inside a
# visually hidden part (a 1x1 px clipped box, our .visually-hidden) is heard, not seen.
_NAMES_JS = r"""
() => {
  const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  const seen = (node, root) => {
    for (let e = node.parentElement; e; e = e.parentElement) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1) return false;
      if (e === root) break;
    }
    return true;
  };
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, [role=button], summary')) {
    if (!el.checkVisibility() || el.closest('[aria-hidden=true]')) continue;
    let name = el.getAttribute('aria-label');
    const by = el.getAttribute('aria-labelledby');
    if (by) name = by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ');
    if (name == null) name = el.textContent;
    const parts = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) if (seen(n, el)) parts.push(n.textContent);
    const visible = norm(parts.join(''));
    if (visible) out.push({name: norm(name), visible, html: el.outerHTML.slice(0, 160)});
  }
  return out;
}
"""

LABEL_PAGES = ["/", "/signs/", "/causes/", "/get-help/", "/search/", "/print/", "/embed/", "/embed/signs/",
               "/es/", "/es/senales/", "/es/obtener-ayuda/", "/es/embed/senales/"]


@pytest.mark.parametrize("path", LABEL_PAGES)
def test_every_link_and_button_name_contains_its_visible_text(visit, path):
    v = visit(path)
    found = v.page.evaluate(_NAMES_JS)
    assert len(found) >= 5, f"{path}: the check saw only {len(found)} links and buttons"
    bad = [f"  sees {f['visible']!r}, hears {f['name']!r}: {f['html']}" for f in found if f["visible"] not in f["name"]]
    assert not bad, f"{path}: {len(bad)} control(s) whose accessible name does not contain what they show:\n" + \
        "\n".join(bad[:10])


@pytest.mark.parametrize("path", ["/signs/", "/es/senales/"])
def test_pager_links_say_previous_page_and_next_page_on_screen(visit, path):
    v = visit(path)
    lang = v.page.evaluate("document.documentElement.lang")
    for rel, msgid in (("prev", "Previous page"), ("next", "Next page")):
        link = v.page.locator(f"nav.pager a[rel={rel}]")
        label = link.locator(".pager__label")
        want = interface_string(lang, msgid)
        assert label.inner_text().strip() == want, f"{path}: {rel} label shows {label.inner_text()!r}, not {want!r}"
        assert link.evaluate("a => a.textContent.replace(/\\s+/g, ' ').trim()").startswith(want)
