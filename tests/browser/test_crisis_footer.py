"""Issue #5: the crisis footer and the "Get help now" link on every page, with and without JavaScript.

Regions and numbers come from content/crisis.yml; the region choice is kept for the visit (sessionStorage)
and on the device only while "Remember on this device" is ticked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import interface_string

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
_SITE = yaml.safe_load((REPO / "content" / "site.yml").read_text(encoding="utf-8"))
_CRISIS = yaml.safe_load((REPO / "content" / "crisis.yml").read_text(encoding="utf-8"))
DEFAULT = _SITE["default_region"]
HELP_PATH = "/" + _SITE.get("help_page", "get-help") + "/"
REGIONS = [r["code"] for r in _CRISIS["regions"]]
STORAGE_KEY = "feelagain:region"
# Pages in another language (issue #18) show that language's default region and link its own help page.
_LANGUAGES = _SITE.get("languages") or [{"code": _SITE.get("language", "en")}]
FIRST_LANGUAGE = _LANGUAGES[0]["code"]
LANGUAGE = {lang["code"]: lang for lang in _LANGUAGES}


def _expected(lang: str) -> tuple[str, str]:
    """(default region, help page path) for pages in lang."""
    entry = LANGUAGE.get(lang, {})
    if lang == FIRST_LANGUAGE or not entry:
        return entry.get("default_region", DEFAULT), HELP_PATH
    return (entry.get("default_region", DEFAULT),
            f"/{lang}/" + entry.get("help_page", _SITE.get("help_page", "get-help")) + "/")
CRISIS = "section[data-crisis]"


def _region(page, code: str):
    return page.locator(CRISIS).locator(f"[data-region='{code}']")


FOOTER_FACTS_JS = """
(words) => {
  const vis = (el) => !!el && el.checkVisibility();
  const crisis = document.querySelectorAll('section[data-crisis]');
  const box = crisis[0];
  if (!box) return {count: 0};
  const tel = [...box.querySelectorAll('a[href^="tel:"]')];
  const more = [...box.querySelectorAll('a')].find((a) => a.textContent.trim() === words.more);
  const header = document.querySelector('header');
  const help = header && [...header.querySelectorAll('a')].find((a) => a.textContent.trim() === words.help);
  const select = box.querySelector('select');
  const remember = box.querySelector('[data-crisis-remember]');
  return {
    count: crisis.length,
    inFooter: !!box.closest('footer'),
    visible: vis(box),
    tel: tel.length, telVisible: tel.some(vis),
    moreHref: more ? more.href : null, moreVisible: vis(more),
    regions: Object.fromEntries([...box.querySelectorAll('[data-region]')].map((b) => [b.dataset.region, vis(b)])),
    switchVisible: vis(box.querySelector('[data-crisis-switch]')),
    selectValue: select ? select.value : null,
    rememberChecked: remember ? remember.checked : null,
    helpHref: help ? help.href : null, helpVisible: vis(help),
  };
}
"""


def _check_footer(page, *, js: bool) -> None:
    lang = page.evaluate("document.documentElement.lang")
    default, help_path = _expected(lang)
    f = page.evaluate(FOOTER_FACTS_JS, {"more": interface_string(lang, "All crisis lines by country"),
                                        "help": interface_string(lang, "Get help now")})
    assert f["count"] == 1, f"expected one crisis block, found {f['count']}"
    assert f["inFooter"], "the crisis block is not in a footer"
    assert f["visible"], "the crisis block is not visible"
    assert f["tel"] >= 1 and f["telVisible"], "no visible tel: link in the crisis block"
    assert f["moreHref"] and f["moreVisible"], "no visible 'All crisis lines by country' link"
    assert urlsplit(f["moreHref"]).path == help_path, f["moreHref"]
    # The default region is shown, the others are hidden.
    assert sorted(f["regions"]) == sorted(REGIONS), f["regions"]
    shown = [code for code, visible in f["regions"].items() if visible]
    assert shown == [default], f"regions shown: {shown}, expected only {default}"
    if js:
        assert f["switchVisible"], "the region switcher is not shown with JavaScript"
        assert f["selectValue"] == default
        assert f["rememberChecked"] is False
    else:
        assert not f["switchVisible"], "the region switcher (a JS-only control) is shown without JavaScript"
    # "Get help now" in the header.
    assert f["helpHref"] and f["helpVisible"], "no visible 'Get help now' link in the header"
    assert urlsplit(f["helpHref"]).path == help_path, f["helpHref"]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_crisis_footer_and_help_link_on_every_page(visit, page_case, js):
    v = visit(page_case, js=js)
    _check_footer(v.page, js=js)


def test_region_switch_shows_the_chosen_region_for_this_visit_only(visit):
    assert "us" in REGIONS
    v = visit("/causes/", fresh=True)
    page = v.page
    us, default = _region(page, "us"), _region(page, DEFAULT)
    page.locator(CRISIS).get_by_label("Show help for").select_option("us")
    expect(us).to_be_visible()
    expect(us).to_contain_text("988")
    assert us.locator("a[href='tel:988']").count() >= 1
    expect(default).to_be_hidden()
    for code in REGIONS:
        if code != "us":
            expect(_region(page, code)).to_be_hidden()
    # Kept for this visit only (issue #12): sessionStorage, which dies with the tab; nothing on the device.
    assert page.evaluate(f"() => [localStorage.length, sessionStorage.length, sessionStorage.getItem('{STORAGE_KEY}')]") \
        == [0, 1, "us"]
    assert v.context.cookies() == []
    page.reload()
    expect(us).to_be_visible()
    expect(default).to_be_hidden()
    # Another tab is another visit: the default region.
    other = v.context.new_page()
    other.goto(page.url)
    expect(_region(other, DEFAULT)).to_be_visible()
    expect(other.locator(CRISIS).get_by_label("Show help for")).to_have_value(DEFAULT)
    other.close()
    assert not v.console_errors() and not v.csp_violations()


def test_remember_on_this_device_stores_and_forgets_the_region(visit, base_url):
    v = visit("/causes/", fresh=True)
    page = v.page
    crisis = page.locator(CRISIS)
    select, remember = crisis.get_by_label("Show help for"), crisis.get_by_label("Remember on this device")
    select.select_option("us")
    remember.check()
    assert page.evaluate(f"() => localStorage.getItem('{STORAGE_KEY}')") == "us"
    # Changing the region while ticked updates the stored choice.
    select.select_option("ie")
    assert page.evaluate(f"() => localStorage.getItem('{STORAGE_KEY}')") == "ie"
    select.select_option("us")
    assert page.evaluate("() => Object.keys(localStorage)") == [STORAGE_KEY]
    # A reload (and another page) shows the remembered region.
    page.reload()
    expect(_region(page, "us")).to_be_visible()
    expect(_region(page, DEFAULT)).to_be_hidden()
    expect(select).to_have_value("us")
    expect(remember).to_be_checked()
    page.goto(base_url + "/signs/")
    expect(_region(page, "us")).to_be_visible()
    expect(remember).to_be_checked()
    # Unticking removes it from the device; the choice still holds for this visit (this tab).
    remember.uncheck()
    assert page.evaluate("() => localStorage.length") == 0
    page.reload()
    expect(_region(page, "us")).to_be_visible()
    expect(remember).not_to_be_checked()
    other = v.context.new_page()
    other.goto(base_url + "/signs/")
    expect(_region(other, DEFAULT)).to_be_visible()
    expect(_region(other, "us")).to_be_hidden()
    other.close()
    assert v.context.cookies() == []
    assert not v.console_errors() and not v.csp_violations()


def test_region_switch_is_keyboard_operable_without_focus_jumps(visit):
    v = visit("/", fresh=True)
    page = v.page
    select = page.locator(CRISIS).get_by_label("Show help for")
    select.focus()
    select.select_option("us")
    expect(_region(page, "us")).to_be_visible()
    expect(select).to_be_focused()
    remember = page.locator(CRISIS).get_by_label("Remember on this device")
    remember.focus()
    page.keyboard.press("Space")
    expect(remember).to_be_checked()
    expect(remember).to_be_focused()
    remember.uncheck()
    assert page.evaluate("() => localStorage.length") == 0


def test_a_chosen_region_is_announced_with_its_emergency_line(visit):
    """The lines change below the picker, away from focus (WCAG 4.1.3): a status says which region now shows
    and its emergency line, on the reader's own choice only, never when the page opens."""
    v = visit("/causes/", fresh=True)
    page = v.page
    crisis = page.locator(CRISIS)
    status = crisis.get_by_role("status")
    expect(status).to_have_count(1)
    expect(status).to_have_text("")
    crisis.get_by_label("Show help for").select_option("us")
    us = _region(page, "us")
    name = us.locator("h3").inner_text().strip()
    emergency = us.locator(".crisis__emergency").inner_text().strip()
    expect(status).to_have_text(f"{name}: {emergency}")
    assert "911" in emergency
    crisis.get_by_label("Show help for").select_option(DEFAULT)
    expect(status).to_contain_text(_region(page, DEFAULT).locator("h3").inner_text().strip())
    assert not v.console_errors() and not v.csp_violations()


def test_every_region_has_a_way_to_call_or_visit(visit):
    """Each region, once chosen, shows at least one contact link (tel:, sms:, https: or mailto:),
    and a tel: link when it has an emergency number."""
    v = visit("/get-help/")
    page = v.page
    select = page.locator(CRISIS).get_by_label("Show help for")
    for region in _CRISIS["regions"]:
        code = region["code"]
        select.select_option(code)
        block = _region(page, code)
        expect(block).to_be_visible()
        hrefs = block.evaluate("b => [...b.querySelectorAll('a')].map((a) => a.getAttribute('href') || '')")
        assert any(re.match(r"(tel:|sms:|https:|mailto:)", h) for h in hrefs), f"{code}: no contact links ({hrefs})"
        if region.get("emergency"):
            assert any(h.startswith("tel:") for h in hrefs), f"{code}: no tel: link"
        shown = page.locator(CRISIS).evaluate(
            "c => [...c.querySelectorAll('[data-region]')].filter((b) => b.checkVisibility())"
            ".map((b) => b.dataset.region)"
        )
        assert shown == [code], f"after choosing {code}, regions shown: {shown}"
