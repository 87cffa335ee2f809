"""Issue #5: the crisis footer and the "Get help now" link on every page, with and without JavaScript.

Regions and numbers come from content/crisis.yml; the region choice is stored only while
"Remember on this device" is ticked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
_SITE = yaml.safe_load((REPO / "content" / "site.yml").read_text(encoding="utf-8"))
_CRISIS = yaml.safe_load((REPO / "content" / "crisis.yml").read_text(encoding="utf-8"))
DEFAULT = _SITE["default_region"]
HELP_PATH = "/" + _SITE.get("help_page", "get-help") + "/"
REGIONS = [r["code"] for r in _CRISIS["regions"]]
STORAGE_KEY = "feelagain:region"
CRISIS = "section[data-crisis]"


def _path_of(page, href: str | None) -> str:
    assert href, "link without href"
    return urlsplit(urljoin(page.url, href)).path


def _region(page, code: str):
    return page.locator(CRISIS).locator(f"[data-region='{code}']")


def _check_footer(page, *, js: bool) -> None:
    crisis = page.locator(CRISIS)
    expect(crisis).to_have_count(1)
    expect(crisis).to_be_visible()
    assert crisis.evaluate("el => !!el.closest('footer')"), "the crisis block is not in a footer"
    tel = crisis.locator("a[href^='tel:']")
    assert tel.count() >= 1, "no tel: link in the crisis block"
    expect(tel.first).to_be_visible()
    more = crisis.get_by_role("link", name="All crisis lines by country")
    expect(more).to_be_visible()
    assert _path_of(page, more.get_attribute("href")) == HELP_PATH
    # The default region is shown, the others are hidden.
    expect(_region(page, DEFAULT)).to_be_visible()
    for code in REGIONS:
        if code != DEFAULT:
            expect(_region(page, code)).to_be_hidden()
    switch = crisis.locator("[data-crisis-switch]")
    if js:
        expect(switch).to_be_visible()
        expect(crisis.get_by_label("Show help for")).to_have_value(DEFAULT)
        expect(crisis.get_by_label("Remember on this device")).not_to_be_checked()
    else:
        expect(switch).to_be_hidden()
    # "Get help now" in the header.
    help_link = page.locator("header").get_by_role("link", name="Get help now")
    expect(help_link).to_be_visible()
    assert _path_of(page, help_link.get_attribute("href")) == HELP_PATH


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_crisis_footer_and_help_link_on_every_page(visit, page_case, js):
    v = visit(page_case, js=js)
    _check_footer(v.page, js=js)


def test_region_switch_shows_the_chosen_region_and_stores_nothing(visit):
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
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    assert v.context.cookies() == []
    # Not remembered: a reload shows the default region again.
    page.reload()
    expect(default).to_be_visible()
    expect(us).to_be_hidden()
    expect(page.locator(CRISIS).get_by_label("Show help for")).to_have_value(DEFAULT)
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
    # Unticking removes it.
    remember.uncheck()
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    page.reload()
    expect(_region(page, DEFAULT)).to_be_visible()
    expect(_region(page, "us")).to_be_hidden()
    expect(remember).not_to_be_checked()
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


@pytest.mark.parametrize("code", REGIONS)
def test_every_region_has_a_way_to_call_or_visit(visit, code):
    """Each region block in the footer has at least one working contact link (tel:, sms:, https: or mailto:)."""
    v = visit("/get-help/")
    page = v.page
    page.locator(CRISIS).get_by_label("Show help for").select_option(code)
    block = _region(page, code)
    expect(block).to_be_visible()
    hrefs = [a.get_attribute("href") or "" for a in block.locator("a").all()]
    assert any(re.match(r"(tel:|sms:|https:|mailto:)", h) for h in hrefs), f"{code}: no contact links ({hrefs})"
    if next(r for r in _CRISIS["regions"] if r["code"] == code).get("emergency"):
        assert any(h.startswith("tel:") for h in hrefs), f"{code}: no tel: link"
