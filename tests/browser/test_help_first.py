"""Issue #12: help first on Get help, the reader's region on every page (kept for the visit, guessed from the
time zone, forgotten on "Leave this site"), in Chromium under the strict CSP.

The exit URL is answered locally (nothing leaves the machine). The guess-off test builds a copy of the site with
`guess_region: false` in a temporary folder and serves it like the main build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import yaml
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import _guarded_context
from tests.support.sitebuild import REPO_ROOT, StrictCSPServer

pytestmark = pytest.mark.browser

SITE = yaml.safe_load((REPO_ROOT / "content" / "site.yml").read_text(encoding="utf-8"))
CRISIS = yaml.safe_load((REPO_ROOT / "content" / "crisis.yml").read_text(encoding="utf-8"))
REGIONS = {r["code"]: r for r in CRISIS["regions"]}
DEFAULT = SITE["default_region"]
HELP = "/" + SITE.get("help_page", "get-help") + "/"
KEY = "feelagain:region"
SELECT = "section[data-crisis] [data-crisis-select]"


EXIT_PAGES = re.sub(r"/?$", "/**", SITE["exit_url"])


@contextmanager
def _neutral_context(browser) -> Iterator[BrowserContext]:
    """A guarded UTC browser context where the exit URL is answered locally; closed when the block ends."""
    context = _guarded_context(browser, timezone_id="UTC")
    context.route(EXIT_PAGES,
                  lambda route: route.fulfill(status=200, body="<title>neutral</title>", content_type="text/html"))
    try:
        yield context
    finally:
        context.close()


def _region_chosen(context: BrowserContext, url: str, code: str) -> Page:
    """Open url in a new tab of context, choose the crisis region code in the footer; return the tab."""
    page = context.new_page()
    page.goto(url)
    page.locator(SELECT).select_option(code)
    return page


def _leave_this_site(page: Page) -> None:
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(EXIT_PAGES)


def _digits(number: str) -> str:
    return re.sub(r"[^0-9+]", "", number)


def _shown_region(page) -> str:
    """The region whose footer lines are visible (exactly one)."""
    shown = page.evaluate("""() => [...document.querySelectorAll('[data-crisis] [data-region]')]
                                   .filter((b) => !b.hidden).map((b) => b.dataset.region)""")
    assert len(shown) == 1, shown
    return shown[0]


# ------------------------------------------------------------------------------------------ help first

FIRST_TAP_JS = """
() => {
  const main = document.querySelector('main');
  const taps = [...main.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].filter((a) => a.checkVisibility());
  const box = (a) => { const r = a.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY,
                                                                    height: r.height, width: r.width,
                                                                    text: a.textContent.trim(), href: a.getAttribute('href')}; };
  const explain = main.querySelector('.key-points, .toc, .prose');
  return {taps: taps.map(box), explanation: explain ? explain.getBoundingClientRect().top + scrollY : null};
}
"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_first_tappable_number_is_in_the_first_screen_at_375px(visit, js):
    v = visit(HELP, width=375, height=812, js=js, fresh=True)
    facts = v.page.evaluate(FIRST_TAP_JS)
    region = REGIONS[DEFAULT]
    taps = facts["taps"]
    assert taps, "no visible tel:/sms: link in the page body"
    first, emergency = taps[0], next(t for t in taps if t["href"] == "tel:" + _digits(region["emergency"]["number"]))
    assert first["top"] >= 0 and first["bottom"] < 812, first
    assert emergency["bottom"] < 812, emergency  # "In danger now? Call 999" also in the first screen
    assert first["top"] < facts["explanation"], "the call button must come before any explanation"
    # Big enough to tap, with the number and what it is on the button.
    for tap in (first, emergency):
        assert tap["height"] >= 48 and tap["width"] >= 300, tap
    first_line = region["lines"][0]
    number = next(c["number"] for c in first_line["contacts"] if c["kind"] in ("call", "text"))
    assert number in first["text"] and first_line["name"] in first["text"], first
    assert emergency["text"] == f"In danger now? Call {region['emergency']['number']}", emergency
    assert not v.console_errors() and not v.csp_violations()


def test_get_help_now_in_the_header_leads_to_the_buttons(visit, base_url):
    v = visit("/causes/", width=375, height=812, fresh=True)
    page = v.page
    page.locator(".site-header").get_by_role("link", name="Get help now").click()
    page.wait_for_url(re.compile(r"/get-help/#help-now$"))
    button = page.locator("#help-now a[href^='tel:']").first
    expect(button).to_be_in_viewport()
    expect(page.locator("#help-now")).to_be_in_viewport()


def test_help_buttons_follow_the_region(visit):
    v = visit(HELP, width=375, height=812, fresh=True)
    page = v.page
    for code in ("au", "us", DEFAULT):
        page.locator(SELECT).select_option(code)
        region = REGIONS[code]
        buttons = page.locator("#help-now a:visible")
        expect(page.locator("#help-now [data-help-region]:visible")).to_have_count(1)
        expect(buttons.filter(has_text=f"In danger now? Call {region['emergency']['number']}")).to_have_count(1)
        first_number = next(c["number"] for line in region["lines"] for c in line["contacts"]
                            if c["kind"] in ("call", "text"))
        expect(buttons.first).to_contain_text(first_number)


# ---------------------------------------------------------------------------------- region for the visit


def test_region_chosen_on_one_page_holds_on_the_next_and_exit_forgets_it(browser, base_url):
    with _neutral_context(browser) as context:
        page = _region_chosen(context, base_url + "/causes/", "au")
        assert page.evaluate(f"() => [sessionStorage.getItem('{KEY}'), localStorage.length]") == ["au", 0]
        # Next page, by a link: still Australia, in the footer and in the help page's buttons.
        page.locator("nav").get_by_role("link", name=re.compile("Signs")).first.click()
        page.wait_for_load_state()
        assert _shown_region(page) == "au"
        expect(page.locator(SELECT)).to_have_value("au")
        page.goto(base_url + HELP)
        expect(page.locator("#help-now [data-help-region='au']")).to_be_visible()
        expect(page.locator("#help-now [data-help-region]:visible")).to_have_count(1)
        # Another tab of the same browser is another visit: the default region.
        other = context.new_page()
        other.goto(base_url + "/causes/")
        assert _shown_region(other) == DEFAULT
        other.close()
        # "Leave this site", then back to the site in the same tab: the choice is gone.
        _leave_this_site(page)
        page.goto(base_url + "/causes/")
        assert _shown_region(page) == DEFAULT
        assert page.evaluate("() => [sessionStorage.length, localStorage.length]") == [0, 0]


def test_remembered_region_survives_leave_this_site(browser, base_url):
    with _neutral_context(browser) as context:
        page = _region_chosen(context, base_url + "/causes/", "nz")
        page.get_by_label("Remember on this device").check()
        _leave_this_site(page)
        page.goto(base_url + "/signs/")
        assert _shown_region(page) == "nz"  # the reader asked this device to remember it


# ---------------------------------------------------------------------------------------- time zone


def _first_visit(browser, url: str, timezone: str, requests: list[str] | None = None):
    context = _guarded_context(browser, timezone_id=timezone)
    if requests is not None:
        context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("timezone,expected", [
    ("Australia/Sydney", "au"), ("Europe/Dublin", "ie"), ("America/Toronto", "ca"), ("America/Chicago", "us"),
    ("Pacific/Auckland", "nz"), ("Europe/Berlin", "eu"), ("Europe/London", "uk"),
    # A place the site lists no lines for (Norway is not in the EU): "Other countries", never the default's number.
    ("Asia/Tokyo", "intl"), ("Europe/Oslo", "intl"),
    ("UTC", DEFAULT), ("Etc/GMT+5", DEFAULT),  # not a place: no guess, the default
])
def test_first_visit_guesses_the_region_from_the_time_zone(browser, base_url, timezone, expected):
    assert expected in REGIONS
    requests: list[str] = []
    context, page = _first_visit(browser, base_url + HELP, timezone, requests)
    try:
        assert page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone") == timezone
        assert _shown_region(page) == expected
        expect(page.locator(f"#help-now [data-help-region='{expected}']")).to_be_visible()
        # A guess is not a choice: nothing is stored, and nothing was sent.
        assert page.evaluate("() => [sessionStorage.length, localStorage.length]") == [0, 0]
        assert requests and [u for u in requests if not u.startswith(base_url + "/")] == []
        # An explicit choice beats the guess.
        page.locator(SELECT).select_option("us" if expected != "us" else "uk")
        page.reload()
        assert _shown_region(page) == ("us" if expected != "us" else "uk")
    finally:
        context.close()


# Zones the browser may report by an older IANA name: Chromium gives America/Indianapolis for
# America/Indiana/Indianapolis and America/Louisville for America/Kentucky/Louisville. Readers there must still
# get their own country's lines, not "Other countries".
@pytest.mark.parametrize("timezone,expected", [
    ("America/Indiana/Indianapolis", "us"), ("America/Kentucky/Louisville", "us"), ("America/Indianapolis", "us"),
    ("US/Eastern", "us"), ("America/Montreal", "ca"), ("Canada/Pacific", "ca"), ("GB", "uk"), ("Eire", "ie"),
    ("NZ", "nz"), ("Portugal", "eu"),
])
def test_older_time_zone_names_guess_the_same_region(browser, base_url, timezone, expected):
    assert expected in REGIONS
    context, page = _first_visit(browser, base_url + HELP, timezone)
    try:
        assert _shown_region(page) == expected, page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    finally:
        context.close()


def _lang_setting(code: str, key: str) -> str:
    lang = next(entry for entry in SITE["languages"] if entry["code"] == code)
    return lang.get(key) or SITE[key]


def _emergency(code: str) -> str:
    return REGIONS[code]["emergency"]["number"]


# Readers in a place the site has no lines for: Spanish pages default to the US (988), English ones to the UK
# (999); neither may be the number they are shown.
ES_HELP = "/es/" + _lang_setting("es", "help_page") + "/"
UNLISTED = [
    ("America/Mexico_City", ES_HELP, _lang_setting("es", "default_region")),
    ("America/Bogota", ES_HELP, _lang_setting("es", "default_region")),
    ("America/Argentina/Buenos_Aires", "/es/", _lang_setting("es", "default_region")),
    ("Asia/Kolkata", HELP, DEFAULT),
    ("Asia/Kolkata", "/causes/", DEFAULT),
]


@pytest.mark.parametrize("timezone,path,default", UNLISTED, ids=[f"{t}-{p}" for t, p, _ in UNLISTED])
def test_a_place_with_no_listed_lines_gets_other_countries_not_the_default(browser, base_url, timezone, path,
                                                                           default):
    assert "intl" in REGIONS and REGIONS[default]["emergency"]
    context, page = _first_visit(browser, base_url + path, timezone)
    try:
        assert _shown_region(page) == "intl"
        expect(page.locator(SELECT)).to_have_value("intl")
        footer = page.locator("[data-crisis] [data-region='intl']")
        expect(footer).to_be_visible()
        expect(page.locator(f"[data-crisis] [data-region='{default}']")).to_be_hidden()
        # The footer and the help buttons offer none of the default region's numbers (the help page's full
        # directory lists every country, as it should).
        tels = page.evaluate("""() => [...document.querySelectorAll(
                                         '[data-crisis] a[href^="tel:"], #help-now a[href^="tel:"]')]
                                       .filter((a) => a.checkVisibility()).map((a) => a.getAttribute('href'))""")
        theirs = {"tel:" + _digits(c["number"]) for line in REGIONS[default]["lines"] for c in line["contacts"]
                  if c["kind"] == "call"} | {"tel:" + _digits(_emergency(default))}
        assert not theirs & set(tels), tels
        if page.locator("#help-now").count():
            shown = page.locator("#help-now [data-help-region]:visible")
            expect(shown).to_have_count(1)
            expect(shown).to_have_attribute("data-help-region", "intl")
            primary = shown.locator(".help-now__button").first
            expect(primary).not_to_contain_text(_emergency(default))
            expect(primary).to_have_attribute("href", re.compile(r"^https://findahelpline\.com"))
        assert page.evaluate("() => [sessionStorage.length, localStorage.length]") == [0, 0]
    finally:
        context.close()


@pytest.mark.parametrize("timezone,path,expected", [
    ("Europe/London", HELP, "uk"), ("Europe/London", ES_HELP, "uk"),
    ("America/New_York", HELP, "us"), ("America/New_York", ES_HELP, "us"),
])
def test_a_listed_place_still_gets_its_own_lines(browser, base_url, timezone, path, expected):
    context, page = _first_visit(browser, base_url + path, timezone)
    try:
        assert _shown_region(page) == expected
        expect(page.locator(f"#help-now [data-help-region='{expected}']")).to_be_visible()
        expect(page.locator("#help-now .help-now__button:visible").filter(
            has_text=_emergency(expected))).to_have_count(1)
    finally:
        context.close()


def test_a_remembered_or_visit_choice_beats_the_other_countries_guess(browser, base_url):
    context, page = _first_visit(browser, base_url + ES_HELP, "America/Mexico_City")
    try:
        assert _shown_region(page) == "intl"
        page.locator(SELECT).select_option("us")  # this visit's choice
        page.goto(base_url + "/es/senales/")
        assert _shown_region(page) == "us"
        page.get_by_label(re.compile("Recordar|Remember")).check()
        other = context.new_page()  # another visit, but the device remembers
        other.goto(base_url + ES_HELP)
        assert _shown_region(other) == "us"
    finally:
        context.close()


@pytest.mark.parametrize("query,expected", [("?region=us", "us"), ("?region=uk", "uk"), ("", "intl")])
def test_an_embeds_region_parameter_beats_the_guess(browser, base_url, query, expected):
    """An embed's `region` (the clinic's choice) wins over the device's time zone; without it the embed guesses."""
    context, page = _first_visit(browser, base_url + "/embed/signs/" + query, "Asia/Kolkata")
    try:
        assert _shown_region(page) == expected
    finally:
        context.close()


@pytest.fixture(scope="module")
def no_guess_site(tmp_path_factory):
    """The bundled content built with `guess_region: false`, served with the strict CSP."""
    root = tmp_path_factory.mktemp("noguess")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    config = root / "content" / "site.yml"
    config.write_text(config.read_text(encoding="utf-8") + "guess_region: false\n", encoding="utf-8")
    subprocess.run([sys.executable, "build.py", "build", "--site", str(root)], cwd=REPO_ROOT, check=True,
                   capture_output=True, text=True, timeout=300)
    with StrictCSPServer(root / "dist") as server:
        yield server.url


def test_site_yml_turns_the_guess_off(browser, no_guess_site):
    context, page = _first_visit(browser, no_guess_site + HELP, "Australia/Sydney")
    try:
        assert page.locator("[data-crisis][data-guess-region]").count() == 0
        assert _shown_region(page) == DEFAULT
        expect(page.locator(f"#help-now [data-help-region='{DEFAULT}']")).to_be_visible()
        # The switch still works.
        page.locator(SELECT).select_option("au")
        assert _shown_region(page) == "au"
    finally:
        context.close()


# ------------------------------------------------------------------------ changing country without JavaScript

DIRECTORY = "#crisis-directory"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_without_javascript_change_country_and_all_lines_lead_to_the_list_on_the_help_page(visit, lang):
    from tests.browser.conftest import interface_string

    path = HELP if lang == "en" else ES_HELP
    v = visit(path, js=False, width=375, height=812, fresh=True)
    page = v.page
    directory = page.locator(DIRECTORY)
    expect(directory).to_have_count(1)
    names = [r["name"] if lang == "en" else r.get("translations", {}).get("es", {}).get("name", r["name"])
             for r in CRISIS["regions"]]
    for name in names:  # every country, shown without JavaScript
        expect(directory.get_by_role("heading", name=name, exact=True)).to_be_visible()
    change = page.locator("#help-now").get_by_role("link", name=interface_string(lang, "Change country"))
    expect(change).to_have_count(1)  # only the default region's block is shown
    expect(change).to_have_attribute("href", DIRECTORY)
    change.click()
    expect(page).to_have_url(re.compile(re.escape(path) + DIRECTORY + "$"))
    expect(directory).to_be_in_viewport()
    page.evaluate("() => window.scrollTo(0, 0)")
    more = page.locator("section[data-crisis]").get_by_role(
        "link", name=interface_string(lang, "All crisis lines by country"))
    expect(more).to_have_attribute("href", DIRECTORY)
    more.click()
    expect(directory).to_be_in_viewport()
    # The footer's picker stays hidden without JavaScript: the list is the only way to another country.
    expect(page.locator("[data-crisis-switch]")).to_be_hidden()


def test_with_javascript_change_country_leads_to_the_picker(visit):
    v = visit(HELP, width=375, height=812, fresh=True)
    page = v.page
    change = page.locator("#help-now").get_by_role("link", name="Change country")
    expect(change).to_have_attribute("href", "#need-help")
    change.click()
    expect(page.locator(SELECT)).to_be_in_viewport()
    # Elsewhere the footer still leads to the help page.
    page.goto(v.origin + "/causes/")
    more = page.locator("section[data-crisis]").get_by_role("link", name="All crisis lines by country")
    more.click()
    expect(page).to_have_url(v.origin + HELP)


# ---------------------------------------------------------------------------------------- forced colours


def test_exit_and_crisis_buttons_keep_an_outline_in_forced_colours(browser, base_url):
    """Forced colours (Windows High Contrast) drop backgrounds, so a button drawn by its background alone reads as
    plain text; "Leave this site" and the call buttons must still look like buttons."""
    context = _guarded_context(browser, forced_colors="active")
    try:
        page = context.new_page()
        page.goto(base_url + HELP)
        assert page.evaluate("() => matchMedia('(forced-colors: active)').matches")
        for selector in (".exit__button", ".help-now__button"):
            style = page.locator(selector).first.evaluate(
                "e => { const s = getComputedStyle(e); return [s.borderTopStyle, parseFloat(s.borderTopWidth)]; }")
            assert style[0] == "solid" and style[1] >= 1, (selector, style)
    finally:
        context.close()


# ---------------------------------------------------------------------------------------- blocked storage

# What a browser does where site data is blocked (our embed on a clinic's site in a private window, or "block all
# site data"): merely reading window.localStorage or window.sessionStorage throws.
BLOCK_STORAGE_JS = """
for (const name of ['localStorage', 'sessionStorage']) {
  Object.defineProperty(window, name, {get() { throw new DOMException('Access is denied', 'SecurityError'); }});
}
"""


@pytest.mark.parametrize("path,expected", [(HELP, None), ("/embed/signs/?region=us", "us")])
def test_region_code_runs_where_storage_is_blocked(browser, base_url, path, expected):
    """The region switcher, the host's region and a reader's choice must all work without storage: before, the
    first read of localStorage threw, so an embed showed the default region's numbers whatever the clinic asked."""
    context = _guarded_context(browser, timezone_id="UTC")
    context.add_init_script(BLOCK_STORAGE_JS)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + path)
        assert page.evaluate("() => { try { localStorage; return false; } catch { return true; } }")
        assert _shown_region(page) == (expected or DEFAULT)
        expect(page.locator("[data-crisis-switch]")).to_be_visible()
        other = "nz" if (expected or DEFAULT) != "nz" else "au"
        page.locator(SELECT).select_option(other)
        assert _shown_region(page) == other
        assert errors == []
    finally:
        context.close()
