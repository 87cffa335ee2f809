"""WCAG 2.2 AA checks that axe-core cannot make, scripted in Chromium (the manual accessibility review).

- 2.5.3 Label in Name: what a link or button says on screen is part of the name a screen reader and speech
  input use, word for word (a speech user says what they see: "click Previous page").
- 2.4.11 Focus Not Obscured: on a phone the sticky "Leave this site" row never hides the focused control.
- 1.4.12 Text Spacing: the WCAG spacing overrides lose no text at 320 px.
- 2.5.8 Target Size: the exit, crisis and form controls are a fingertip wide on a phone.
- 2.3.3 / reduced motion: the site's only motion (smooth scrolling, colour transitions) stops when asked.
- 1.3.1 / 2.4.6 headings: one h1 and no skipped level on every page; 2.4.2: every page title is its own.
- Forced colours: the focus ring and a checkbox's tick are still drawn.
Keyboard order, focus rings, the skip link, reflow at 320 px and axe run in test_quality.py.
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



# ------------------------------------------------------------------------------ 2.4.11 focus not obscured

# Where the focused control is, and whether a sticky or fixed box it is not part of (the exit row on a phone) is
# drawn over it, at 9 points of each of its line boxes. `seen`: this control was already visited (a full round).
_FOCUS_COVER_JS = r"""
() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const seen = (window.__qaSeen ||= new WeakSet()).has(a);
  window.__qaSeen.add(a);
  const pinned = (el) => {
    for (let e = el; e; e = e.parentElement) if (['sticky', 'fixed'].includes(getComputedStyle(e).position)) return e;
    return null;
  };
  let covered = 0, outside = 0, by = '';
  for (const r of a.getClientRects()) for (const fx of [0.1, 0.5, 0.9]) for (const fy of [0.1, 0.5, 0.9]) {
    const x = r.left + r.width * fx, y = r.top + r.height * fy;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { outside++; continue; }
    const box = pinned(document.elementFromPoint(x, y));
    if (box && !box.contains(a)) { covered++; by = box.tagName.toLowerCase() + '.' + [...box.classList].join('.'); }
  }
  const what = a.tagName.toLowerCase() + ' ' + (a.textContent || a.id || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return {what, covered, outside, by, seen};
}
"""


@pytest.mark.parametrize("path", ["/signs/", "/es/obtener-ayuda/"])
def test_sticky_exit_row_never_covers_the_focused_control_on_a_phone(visit, path):
    """Shift+Tab from the page's end scrolls each control in at the top of the screen, where the sticky
    "Leave this site" row is (html scroll-padding-top keeps them below it); Tab scrolls them in at the bottom."""
    v = visit(path, width=360, height=740)
    page = v.page
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling: the page is still when measured
    assert page.evaluate("getComputedStyle(document.querySelector('.exit')).position") == "sticky"
    bad, stops = [], 0
    for key in ("Tab", "Shift+Tab"):
        page.evaluate("() => { window.__qaSeen = new WeakSet(); document.activeElement?.blur(); }")
        page.evaluate("end => window.scrollTo(0, end ? document.documentElement.scrollHeight : 0)", key != "Tab")
        for _ in range(300):
            page.keyboard.press(key)
            info = page.evaluate(_FOCUS_COVER_JS)
            if info is None:
                continue
            if info["seen"]:
                break  # round the page once
            stops += 1
            if info["covered"] or info["outside"]:
                bad.append(f"  {key}: {info['what']!r} under {info['by'] or 'the edge of the screen'} "
                           f"({info['covered']} points covered, {info['outside']} off screen)")
    assert stops > 80, f"{path}: only {stops} focus stops seen"
    assert not bad, f"{path} (360x740): focused controls hidden under something:\n" + "\n".join(bad[:10])


# ----------------------------------------------------------------------------------- 1.4.12 text spacing

# The WCAG 1.4.12 spacing, added to the site's own stylesheet through the CSSOM (the strict CSP blocks a new
# <style>). Then: nothing scrolls sideways, and no box that hides its overflow is too small for its text.
_TEXT_SPACING_JS = r"""
() => {
  const sheet = [...document.styleSheets].find((s) => (s.href || '').includes('/assets/'));
  if (!sheet) return {error: 'no site stylesheet'};
  sheet.insertRule('*{line-height:1.5!important;letter-spacing:.12em!important;word-spacing:.16em!important}',
                   sheet.cssRules.length);
  sheet.insertRule('p{margin-bottom:2em!important}', sheet.cssRules.length);
  const applied = getComputedStyle(document.querySelector('main p') || document.body).letterSpacing;
  const clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!el.checkVisibility() || el.closest('.visually-hidden')) continue;
    const s = getComputedStyle(el);
    const hides = (v) => v === 'hidden' || v === 'clip';
    if ((hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1) ||
        (hides(s.overflowX) && el.scrollWidth > el.clientWidth + 1)) {
      clipped.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
                   `(${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
    }
  }
  return {applied, clipped, sw: document.documentElement.scrollWidth, iw: innerWidth};
}
"""


@pytest.mark.parametrize("path", ["/signs/", "/get-help/", "/es/obtener-ayuda/", "/search/", "/embed/signs/"])
def test_wcag_text_spacing_loses_nothing_at_320px(visit, path):
    v = visit(path, width=320, height=640)
    r = v.page.evaluate(_TEXT_SPACING_JS)
    assert "error" not in r, r
    assert r["applied"] not in ("normal", "0px"), f"{path}: the spacing was not applied: {r}"
    assert r["sw"] <= r["iw"], f"{path}: scrolls sideways with WCAG text spacing ({r['sw']} > {r['iw']})"
    assert not r["clipped"], f"{path}: boxes cut their text off with WCAG text spacing: {r['clipped'][:8]}"


# --------------------------------------------------------------------------- 2.5.8 targets on a phone

_TARGETS_JS = r"""
(sel) => [...document.querySelectorAll(sel)].filter((e) => e.checkVisibility()).map((e) => {
  const r = e.getBoundingClientRect();
  return {what: e.className + ' ' + e.textContent.trim().replace(/\s+/g, ' ').slice(0, 40),
          w: Math.round(r.width), h: Math.round(r.height)};
})
"""


@pytest.mark.parametrize("path", ["/get-help/", "/es/obtener-ayuda/", "/signs/"])
def test_exit_and_crisis_buttons_are_big_enough_to_tap_on_a_phone(visit, path):
    """WCAG 2.5.8 asks for 24x24 CSS px; the buttons a reader in crisis needs get 44x44 (a fingertip)."""
    v = visit(path, width=360, height=740)
    found = v.page.evaluate(_TARGETS_JS, ".exit__button, .help-now__button[href], a.contact, .help-link, "
                                         ".check input, select, .lang-switch a")
    assert len(found) >= 5, f"{path}: only {len(found)} buttons found"
    small = [f"  {f['what']!r}: {f['w']}x{f['h']}" for f in found if f["w"] < 44 or f["h"] < 44]
    assert not small, f"{path} (360px): targets smaller than 44x44 CSS px:\n" + "\n".join(small)


# ----------------------------------------------------------------------------------- 2.3.3 reduced motion


def test_reduced_motion_turns_off_smooth_scrolling_and_transitions(visit):
    v = visit("/signs/")
    page = v.page
    styles = "() => [getComputedStyle(document.documentElement).scrollBehavior, " \
             "getComputedStyle(document.querySelector('.exit__button')).transitionDuration]"
    assert page.evaluate(styles) == ["smooth", "0.15s, 0.15s"]  # the motion that reduced motion must remove
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(styles) == ["auto", "0s"]


# ------------------------------------------------------------- 1.3.1 / 2.4.6 headings, 2.4.2 page titles

# axe's heading rules (heading-order, page-has-heading-one) are best-practice, not WCAG tags, so
# test_quality.py does not run them: the outline is checked here.
_HEADINGS_JS = r"""
() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => h.checkVisibility())
  .map((h) => [Number(h.tagName[1]), h.textContent.trim().replace(/\s+/g, ' ').slice(0, 50)])
"""


def test_one_h1_and_no_skipped_heading_level(visit, page_case):
    v = visit(page_case)
    headings = v.page.evaluate(_HEADINGS_JS)
    assert [lvl for lvl, _ in headings].count(1) == 1, f"{page_case.path}: h1s: {[t for lvl, t in headings if lvl == 1]}"
    assert headings[0][0] == 1, f"{page_case.path}: the first heading is h{headings[0][0]} {headings[0][1]!r}"
    skips = [f"h{a[0]} {a[1]!r} → h{b[0]} {b[1]!r}" for a, b in zip(headings, headings[1:]) if b[0] > a[0] + 1]
    assert not skips, f"{page_case.path}: heading levels skipped: {skips}"


def test_page_titles_are_unique_and_name_the_page(visit, site_pages):
    titles: dict[str, list[str]] = {}
    for case in site_pages:
        if "/embed/" in case.path and case.path.rstrip("/").split("/")[-1] != "embed":
            continue  # a page's embed is framed in a clinic's page, which titles the frame; it keeps the page's title
        v = visit(case)
        title = v.page.title()
        h1 = v.page.locator("h1").first.inner_text().strip()
        assert title.strip(), f"{case.path}: empty <title>"
        assert h1.split(":")[0].strip() in title or case.path.strip("/") in ("", "es"), (
            f"{case.path}: the title {title!r} does not name the page ({h1!r})")
        titles.setdefault(title, []).append(case.path)
    same = {t: paths for t, paths in titles.items() if len(paths) > 1}
    assert not same, f"pages with the same title: {same}"


# ------------------------------------------------------------------------------------ forced colours


def test_focus_ring_and_ticks_survive_forced_colours(visit):
    v = visit("/signs/", width=390, height=740)
    page = v.page
    page.emulate_media(forced_colors="active", reduced_motion="reduce")
    box = page.locator(".checklist input[type=checkbox]").first
    box.focus()
    page.keyboard.press("Space")  # ticked by keyboard: the focus ring and the tick are both drawn
    ring = box.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, "
                        "s.outlineColor, e.matches(':focus-visible')]; }")
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2 and ring[3], f"focus ring: {ring}"
    assert "rgba(0, 0, 0, 0)" not in ring[2] and ring[2] != "transparent", f"focus ring: {ring}"
    tick = box.evaluate("e => { const s = getComputedStyle(e, '::before'); return [s.opacity, s.borderRightStyle, "
                        "s.borderRightWidth, s.borderRightColor, getComputedStyle(e).borderTopColor]; }")
    assert tick[0] == "1" and tick[1] == "solid" and float(tick[2].removesuffix("px")) >= 2, f"tick: {tick}"
    assert tick[3] != "rgba(0, 0, 0, 0)" and tick[4] != "rgba(0, 0, 0, 0)", f"tick or box edge invisible: {tick}"
