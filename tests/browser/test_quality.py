"""Accessibility, privacy and robustness of every built page (sitemap pages + the 404 page), in Chromium.

Each test opens the page from the local strict-CSP server (tests/support/sitebuild.py) in a fresh browser context that
aborts and records every request to another origin.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import interface_string

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCHEMES = ["light", "dark"]
WIDTHS = [375, 1280]


def _describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])]
        shown = "; ".join(targets[:8]) + (f"; … +{len(targets) - 8} more" if len(targets) > 8 else "")
        lines.append(f"  {v['id']} ({v.get('impact')}): {v.get('help')} — {shown}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- axe-core


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_finds_no_wcag22aa_violations(visit, axe_source, page_case, scheme, width):
    v = visit(page_case, scheme=scheme, width=width)
    violations = v.run_axe(axe_source, AXE_TAGS)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {page_case.path} ({scheme}, {width}px):\n"
        + _describe_violations(violations)
    )


# ------------------------------------------------------------------------------- privacy and hygiene


def test_no_third_party_requests_console_errors_or_csp_violations(visit, page_case):
    v = visit(page_case, wait="networkidle", fresh=True)
    problems = []
    foreign = v.foreign_requests()
    if foreign:
        problems.append("requests to other origins:\n" + "\n".join(f"  {u}" for u in foreign))
    errors = v.console_errors(expected_status=page_case.status)
    if errors:
        problems.append("console errors:\n" + "\n".join(f"  {e}" for e in errors))
    csp = v.csp_violations()
    if csp:
        problems.append("CSP violations:\n" + "\n".join(f"  {c}" for c in csp))
    assert v.requests, "the request recorder saw nothing"
    assert not problems, f"{page_case.path}:\n" + "\n".join(problems)


def test_recorders_catch_a_leak_and_a_csp_violation(visit):
    """Self-test: a third-party image and an inline style must show up, or the test above proves nothing."""
    v = visit("/", fresh=True)
    v.page.evaluate("""() => {
        const img = new Image(); img.src = 'https://tracker.invalid/p.gif'; document.body.append(img);
        const p = document.createElement('p'); p.setAttribute('style', 'color: red'); document.body.append(p);
    }""")
    v.page.wait_for_timeout(300)
    csp = "\n".join(v.csp_violations())
    assert "tracker.invalid" in csp and "style-src" in csp, f"CSP recorder missed the planted violations: {csp!r}"


# ------------------------------------------------------------------------------------------- skip link

_FOCUSED_INFO_JS = """
() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  const cx = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const cy = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(cx, cy);
  return {
    tag: a.tagName.toLowerCase(), href: a.getAttribute('href'), text: (a.textContent || '').trim(),
    width: r.width, height: r.height,
    inViewport: r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
    onTop: !!hit && (hit === a || a.contains(hit)),
  };
}
"""

_SKIP_TARGET_JS = """
(href) => {
  const main = document.querySelector('main, [role="main"]');
  let target = null;
  try { target = document.getElementById(decodeURIComponent(href.slice(1))); } catch (e) {}
  if (!main) return {error: 'the page has no <main> landmark'};
  if (!target) return {error: `no element with id "${href.slice(1)}"`};
  const ok = target === main || main.contains(target) || target.contains(main);
  return {ok, target: target.tagName.toLowerCase() + (target.id ? '#' + target.id : '')};
}
"""

_AFTER_SKIP_JS = """
() => {
  const main = document.querySelector('main, [role="main"]');
  const a = document.activeElement;
  if (!main || !a || a === document.body) return {inMain: false, after: false, hash: location.hash};
  return {
    inMain: a === main || main.contains(a),
    after: !!(main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
    hash: location.hash,
    desc: a.tagName.toLowerCase() + ' ' + (a.textContent || '').trim().slice(0, 40),
  };
}
"""


def test_first_tab_reaches_working_skip_link(visit, page_case):
    v = visit(page_case)
    page = v.page
    page.keyboard.press("Tab")
    info = page.evaluate(_FOCUSED_INFO_JS)
    assert info is not None, f"{page_case.path}: the first Tab focused nothing"
    assert info["tag"] == "a" and (info["href"] or "").startswith("#") and len(info["href"]) > 1, (
        f"{page_case.path}: the first Tab focused <{info['tag']} href={info['href']!r}> {info['text']!r}, "
        "not a skip link (<a href=\"#main\">)"
    )
    target = page.evaluate(_SKIP_TARGET_JS, info["href"])
    assert "error" not in target, f"{page_case.path}: skip link {info['href']}: {target.get('error')}"
    assert target["ok"], f"{page_case.path}: skip link points at {target['target']}, which is not the main landmark"
    assert info["width"] >= 10 and info["height"] >= 10 and info["inViewport"] and info["onTop"], (
        f"{page_case.path}: the focused skip link is not visible: {info}"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("h => location.hash === h", arg=info["href"], timeout=2000)
    after = page.evaluate(_AFTER_SKIP_JS)
    if not after["inMain"]:
        page.keyboard.press("Tab")  # focus stays on the link, but the sequential focus start point moved
        after = page.evaluate(_AFTER_SKIP_JS)
    assert after["inMain"] or after["after"], (
        f"{page_case.path}: after Enter on the skip link, keyboard focus did not move to the main content "
        f"(next Tab reached {after.get('desc')!r})"
    )


# ------------------------------------------------------------------------------------------ focus rings

_FOCUSABLE_JS = r"""
() => {
  const sel = 'a[href], area[href], button, input, select, textarea, summary, iframe, audio[controls], ' +
              'video[controls], [tabindex], [contenteditable=""], [contenteditable="true"]';
  const list = [...document.querySelectorAll(sel)].filter((el) =>
    el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden' && !(el.type === 'hidden'));
  const styleOf = (node) => {
    const s = getComputedStyle(node);
    return {os: s.outlineStyle, ow: s.outlineWidth, oc: s.outlineColor, bs: s.boxShadow};
  };
  window.__qaFocusables = list.map((el) => ({el, before: styleOf(el)}));
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  return list.length;
}
"""

# Focuses every candidate with .focus(), right after a real Tab press: Chromium then keeps :focus-visible
# (keyboard modality) for script-moved focus, so this is what a keyboard user sees, in one round trip.
_FOCUS_RINGS_JS = r"""
() => {
  const transparent = (c) => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);
  const styleOf = (node) => {
    const s = getComputedStyle(node);
    return {os: s.outlineStyle, ow: s.outlineWidth, oc: s.outlineColor, bs: s.boxShadow};
  };
  const hasRing = (st) =>
    (st.os !== 'none' && st.os !== 'hidden' && (parseFloat(st.ow) || 0) >= 2 && !transparent(st.oc)) ||
    (st.bs !== 'none' && st.bs !== '');
  const visible = (node) => {
    const r = node.getBoundingClientRect();
    const s = getComputedStyle(node);
    return r.width >= 1 && r.height >= 1 && s.visibility !== 'hidden' && parseFloat(s.opacity) > 0.05;
  };
  const desc = (node) => {
    let d = node.tagName.toLowerCase();
    if (node.id) d += '#' + node.id;
    else if (node.classList.length) d += '.' + [...node.classList].join('.');
    const href = node.getAttribute('href');
    if (href) d += `[href="${href}"]`;
    const t = (node.textContent || node.value || node.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    return t ? `${d} "${t.slice(0, 40)}"` : d;
  };
  const results = [];
  for (const {el, before} of window.__qaFocusables) {
    el.focus();
    if (document.activeElement !== el) continue;  // not actually focusable
    for (const node of [el, el.parentElement, el.nextElementSibling, ...(el.labels || [])]) {
      for (const anim of (node && node.getAnimations ? node.getAnimations() : [])) anim.finish();
    }
    let node = el, proxy = false;
    if (!visible(el)) {  // e.g. a visually hidden checkbox whose ring is drawn on its label
      const alt = (el.labels && el.labels[0]) || el.nextElementSibling;
      if (alt) { node = alt; proxy = true; }
    }
    const st = styleOf(node);
    const ring = hasRing(st);
    const changed = proxy || JSON.stringify(st) !== JSON.stringify(before);
    results.push({
      desc: desc(el) + (proxy ? ` (ring looked for on ${desc(node)})` : ''),
      visible: visible(node), ring, changed, focusVisible: el.matches(':focus-visible'), style: st,
    });
  }
  return results;
}
"""


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_every_focusable_element_shows_a_focus_ring(visit, page_case, width):
    v = visit(page_case, width=width)
    page = v.page
    count = page.evaluate(_FOCUSABLE_JS)
    assert count, f"{page_case.path}: no focusable element"
    page.keyboard.press("Tab")  # keyboard modality, so script focus below matches :focus-visible
    results = page.evaluate(_FOCUS_RINGS_JS)
    bad = []
    for r in results:
        if not r["visible"]:
            bad.append(f"  {r['desc']}: focused but not visible")
        elif not r["ring"]:
            note = "" if r["focusVisible"] else " (did not match :focus-visible)"
            bad.append(f"  {r['desc']}: no outline >= 2px and no box-shadow{note}: {r['style']}")
        elif not r["changed"]:
            bad.append(f"  {r['desc']}: looks the same focused and unfocused: {r['style']}")
    assert results, f"{page_case.path}: none of the {count} candidates could be focused"
    assert not bad, (
        f"{page_case.path} ({width}px): {len(bad)} of {len(results)} focusable element(s) show no visible "
        "focus ring:\n" + "\n".join(bad)
    )


# --------------------------------------------------------------------------------------- reflow / zoom

_OVERFLOW_JS = """
() => {
  const iw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  const offenders = [];
  if (sw > iw) {
    // Elements sticking out past the right edge, or whose own content does (a long word, a wide table).
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      const s = getComputedStyle(el);
      const contentOut = el.scrollWidth > el.clientWidth + 1 && s.overflowX === 'visible'
                         && r.left + el.scrollWidth > iw + 0.5;
      if (r.right > iw + 0.5 || contentOut) found.push([el, r, contentOut]);
    }
    // Report the innermost ones: they are the cause, their ancestors only inherit the overflow.
    for (const [el, r, contentOut] of found) {
      if (found.some(([other]) => other !== el && el.contains(other))) continue;
      const d = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.classList.length ? '.' + [...el.classList].join('.') : '');
      const t = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
      const how = contentOut ? `content ${el.scrollWidth}px wide in a ${el.clientWidth}px box`
                             : `right edge at ${Math.round(r.right)}px`;
      offenders.push(`${d}${t ? ` "${t}"` : ''} (${how})`);
      if (offenders.length >= 10) break;
    }
  }
  return {sw, iw, offenders};
}
"""


def test_no_horizontal_scroll_at_320px_and_200_percent_text(visit, page_case):
    v = visit(page_case, width=320, height=640)
    v.page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    r = v.page.evaluate(_OVERFLOW_JS)
    assert r["sw"] <= r["iw"], (
        f"{page_case.path}: scrolls horizontally at 320px with 200% text: scrollWidth {r['sw']} > "
        f"innerWidth {r['iw']}; widest elements: " + ", ".join(r["offenders"])
    )


# ------------------------------------------------------------------------------------------ without JS


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_content_navigation_and_crisis_help_visible_without_javascript(visit, page_case, width):
    v = visit(page_case, js=False, width=width)
    page = v.page
    where = f"{page_case.path} ({width}px, JavaScript off)"
    main = page.locator("main, [role=main]").first
    expect(main, f"{where}: main content").to_be_visible()
    assert main.inner_text().strip(), f"{where}: <main> is empty"
    expect(page.locator("h1").first, f"{where}: h1").to_be_visible()

    site_nav = page.locator("nav[aria-label]").first  # the site navigation comes first in the page
    assert page.locator("nav[aria-label]").count(), f"{where}: no <nav aria-label=…>"
    label = site_nav.get_attribute("aria-label")
    expect(site_nav, f"{where}: navigation {label!r}").to_be_visible()
    nav_links = site_nav.locator("a[href]:visible").count()
    assert nav_links >= 2, f"{where}: navigation {label!r} shows {nav_links} visible link(s)"

    # The heading in the page's own language (issue #18), from that language's catalog.
    need_help = interface_string(page.evaluate("document.documentElement.lang"), "Need help now?")
    heading = page.locator("footer").get_by_role("heading", name=re.compile(re.escape(need_help), re.I)).first
    expect(heading, f"{where}: crisis heading {need_help!r} in the footer").to_be_visible()
    section = heading.locator("xpath=ancestor::*[self::section or self::aside or self::div or self::footer][1]")
    links = section.locator("a[href]:visible").count()
    assert links, f"{where}: the 'Need help now?' section shows no contact link"
