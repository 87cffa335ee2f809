"""Issue #5: the self-check on /signs/ in Chromium under the strict CSP.

Live tally and messages, crisis box first when an urgent item is ticked, no focus jumps, a readable
no-JavaScript version, the print-only summary, "Clear answers", and privacy (nothing sent or stored).
Expected texts come from the checklist block in content/signs.md, never from the built page.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PAGE = "/signs/"
FORM = "form[data-checklist]"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _load_checklist() -> dict:
    """The checklist block of content/signs.md (the source of truth for every text checked here)."""
    source = (REPO / "content" / "signs.md").read_text(encoding="utf-8")
    match = re.search(r"^```checklist\n(.*?)^```", source, re.S | re.M)
    assert match, "content/signs.md has no ```checklist block"
    data = yaml.safe_load(match.group(1))
    items = [{"text": i, "urgent": False} if isinstance(i, str)
             else {"text": i["text"], "urgent": bool(i.get("urgent"))} for i in data["items"]]
    return {**data, "items": items}


CHECKLIST = _load_checklist()
ITEMS = CHECKLIST["items"]
PLAIN = [i for i, item in enumerate(ITEMS) if not item["urgent"]]
URGENT = [i for i, item in enumerate(ITEMS) if item["urgent"]]
RESULTS = CHECKLIST["results"]
URGENT_MESSAGE = _norm(CHECKLIST["urgent_message"])


def _message_for(n: int) -> str:
    for r in RESULTS:
        if n >= r["min"] and (r.get("max") is None or n <= r["max"]):
            return _norm(r["message"])
    raise AssertionError(f"content/signs.md has no result message for {n} ticked items")


def _box(page, index: int):
    """Checkbox number `index` (0-based), found by its label text from signs.md."""
    return page.locator(FORM).get_by_label(ITEMS[index]["text"], exact=True)


def _status(page):
    return page.locator(FORM).locator("[role=status]")


def _urgent_box(page):
    return page.locator(FORM).locator("[data-checklist-urgent]")


def _tally_and_message(page, n: int, *, message: bool = True, urgent: bool = False) -> None:
    """n = plain items ticked. Urgent items are not in the tally; with one ticked, the urgent message replaces
    every band message (issue #12)."""
    status = _status(page)
    if urgent:
        expect(status).to_contain_text(URGENT_MESSAGE)
        if n:
            expect(status).to_contain_text(f"You also ticked {n} of the other {len(PLAIN)} items")
        else:
            expect(status).not_to_contain_text("You ticked")
            expect(status).not_to_contain_text("You also ticked")
    else:
        expect(status).to_contain_text(f"You ticked {n} of {len(PLAIN)}")
        expect(status).not_to_contain_text(URGENT_MESSAGE)
        if message:
            expect(status).to_contain_text(_message_for(n))
    shown = {_message_for(n)} if message and not urgent else set()
    others = {_message_for(k) for k in range(len(PLAIN) + 1)} - shown
    text = _norm(status.text_content() or "")
    assert not [m for m in others if m in text], f"the live region shows a band message it should not: {text!r}"


@pytest.fixture
def signs(visit):
    """/signs/ with JavaScript, in the shared tab (no stored state: the checklist stores nothing)."""
    v = visit(PAGE)
    form = v.page.locator(FORM)
    expect(form).to_have_count(1)
    expect(form).to_have_class(re.compile(r"\bis-live\b"))  # checklist.js has started
    return v


# ------------------------------------------------------------------------------------- live tally


def test_checklist_content_fixture_is_sane():
    assert PLAIN and URGENT, "signs.md must have plain and urgent items"
    assert len(PLAIN) >= 5, "need at least 5 plain items to test 'several'"


def test_live_region_is_a_polite_status(signs):
    status = _status(signs.page)
    expect(status).to_have_count(1)
    expect(status).to_have_attribute("aria-live", "polite")
    # Before anything is ticked: the tally, but no verdict yet.
    _tally_and_message(signs.page, 0, message=False)


@pytest.mark.parametrize("ticks", [1, 2, 4, 7, len(PLAIN)], ids=lambda n: f"{n}-ticked")
def test_tally_and_message_follow_the_count(signs, ticks):
    page = signs.page
    for i in PLAIN[:ticks]:
        _box(page, i).check()
    _tally_and_message(page, ticks)
    expect(_urgent_box(page)).to_be_hidden()


def test_unticking_everything_gives_the_zero_message(signs):
    page = signs.page
    _box(page, PLAIN[0]).check()
    _tally_and_message(page, 1)
    _box(page, PLAIN[0]).uncheck()
    _tally_and_message(page, 0)


def test_focus_stays_on_the_checkbox_when_ticked_by_keyboard(signs):
    page = signs.page
    for index in (PLAIN[0], URGENT[0], PLAIN[1]):
        box = _box(page, index)
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
        expect(box).to_be_focused()
    _tally_and_message(page, 2, urgent=True)
    expect(_urgent_box(page)).to_be_visible()
    expect(_box(page, PLAIN[1])).to_be_focused()


# ----------------------------------------------------------------------------------- urgent items


# 0: urgent only; 2: with the 1–3 band; 5: with 4–6; 7 and all: with the top band.
@pytest.mark.parametrize("plain_ticks", [0, 2, 5, 7, len(PLAIN)], ids=lambda n: f"urgent+{n}")
def test_urgent_item_shows_crisis_box_first(signs, plain_ticks):
    page = signs.page
    urgent = _urgent_box(page)
    expect(urgent).to_be_hidden()
    for i in PLAIN[:plain_ticks]:
        _box(page, i).check()
    _box(page, URGENT[0]).check()
    expect(urgent).to_be_visible()  # at once, whatever the count
    expect(urgent).to_contain_text(URGENT_MESSAGE)
    assert urgent.locator("a[href^='tel:']").count() >= 1, "the immediate-care box has no tel: crisis line"
    assert "callout--immediate" in (urgent.get_attribute("class") or "")
    # The crisis box comes before the tally and the message in DOM (reading) order.
    before = page.evaluate(
        """form => {
            const u = form.querySelector('[data-checklist-urgent]'), s = form.querySelector('[role=status]');
            return !!(u.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING) && !u.contains(s);
        }""",
        page.locator(FORM).element_handle(),
    )
    assert before, "the crisis box must come before the tally/message"
    # Visually first too: its top is above the live region's top.
    assert urgent.bounding_box()["y"] < _status(page).bounding_box()["y"]
    _tally_and_message(page, plain_ticks, urgent=True)
    # The urgent item is not counted: the status never offers a band message beside it.
    _box(page, URGENT[0]).uncheck()
    expect(urgent).to_be_hidden()
    _tally_and_message(page, plain_ticks)


def test_urgent_only_tick_gets_the_urgent_message_and_no_band_text(signs):
    """Issue #12: ticking only the urgent item used to add the 1–3 band ("Many people feel like this…")."""
    page = signs.page
    _box(page, URGENT[0]).check()
    expect(_urgent_box(page)).to_be_visible()
    status = _norm(_status(page).text_content() or "")
    assert URGENT_MESSAGE in status, status
    assert _message_for(1) not in status and _message_for(0) not in status, status
    assert "You ticked" not in status, status


# -------------------------------------------------------------------------------- clear and print


def test_clear_answers_resets_everything(signs):
    page = signs.page
    for i in PLAIN[:4] + URGENT:
        _box(page, i).check()
    expect(_urgent_box(page)).to_be_visible()
    _tally_and_message(page, 4, urgent=True)
    page.locator(FORM).get_by_role("button", name="Clear answers").click()
    for i in range(len(ITEMS)):
        expect(_box(page, i)).not_to_be_checked()
    expect(_urgent_box(page)).to_be_hidden()
    _tally_and_message(page, 0, message=False)
    expect(_status(page)).not_to_contain_text(URGENT_MESSAGE)


def _today(page) -> tuple[int, str, int]:
    d = page.evaluate("() => { const d = new Date(); return [d.getDate(), d.getMonth(), d.getFullYear()]; }")
    return d[0], MONTHS[d[1]], d[2]


def _check_printout(page, ticked: list[int]) -> None:
    summary = page.locator(".printout")
    expect(summary).to_have_count(1)
    expect(summary).to_be_visible()
    listed = [_norm(t) for t in summary.locator("li").all_text_contents()]
    assert listed == [ITEMS[i]["text"] for i in ticked], f"the summary lists {listed}"
    text = _norm(summary.inner_text())
    day, month, year = _today(page)
    assert re.search(rf"\b{day}\b", text) and month in text and str(year) in text, (
        f"today's date ({day} {month} {year}) is not in the summary: {text!r}"
    )
    assert "not a diagnosis" in text.lower()
    expect(page.locator(".guide-nav")).to_be_hidden()
    expect(page.locator(".exit-bar")).to_be_hidden()
    expect(page.locator(".exit__button")).to_be_hidden()


def test_print_button_gives_a_summary_of_the_ticked_items(signs):
    page = signs.page
    ticked = [PLAIN[1], PLAIN[3]]
    for i in ticked:
        _box(page, i).check()
    expect(page.locator(".printout")).to_be_hidden()  # print-only
    try:
        # Headless Chromium's print() returns at once (beforeprint fires, afterprint does not),
        # which is the state "while the print dialog is open".
        page.locator(FORM).get_by_role("button", name=re.compile("Print")).click()
        page.emulate_media(media="print")
        _check_printout(page, ticked)
        # The urgent item's crisis box is not in the summary unless ticked.
        expect(page.locator(".printout")).not_to_contain_text(ITEMS[URGENT[0]]["text"])
    finally:
        page.emulate_media(media="screen")
        page.evaluate("() => dispatchEvent(new Event('afterprint'))")


def test_browser_print_shows_the_summary_without_the_button(signs):
    """Ctrl+P (or the browser menu) after ticking two items must also give the summary."""
    page = signs.page
    ticked = [PLAIN[0], PLAIN[2]]
    for i in ticked:
        _box(page, i).check()
    try:
        page.emulate_media(media="print")
        _check_printout(page, ticked)
    finally:
        page.emulate_media(media="screen")


# ------------------------------------------------------------------------------------ no JavaScript


def test_without_javascript_all_guidance_is_readable(visit):
    v = visit(PAGE, js=False)
    page = v.page
    form = page.locator(FORM)
    expect(form).to_be_visible()
    for item in ITEMS:
        expect(form.get_by_label(item["text"], exact=True)).to_be_visible()
    guide = form.locator("[data-checklist-guide]")
    expect(guide).to_be_visible()
    for r in RESULTS:
        expect(guide.get_by_text(_norm(r["message"]), exact=False)).to_be_visible()
    urgent = form.locator("[data-checklist-urgent]")
    expect(urgent).to_be_visible()
    expect(urgent).to_contain_text(URGENT_MESSAGE)
    tel = urgent.locator("a[href^='tel:']")
    assert tel.count() >= 1
    expect(tel.first).to_be_visible()
    # No JS-only controls: no buttons at all in the form, no region switcher.
    buttons = form.locator("button")
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_be_hidden()
    expect(page.locator("[data-crisis-switch]")).to_be_hidden()


# ------------------------------------------------------------------------------------- wording


def test_not_a_diagnosis_is_said_and_never_you_have(signs):
    page = signs.page
    form = page.locator(FORM)
    visible = _norm(form.inner_text())
    assert "not a diagnosis" in visible.lower(), "'not a diagnosis' must be visible in the checklist"
    # Every text the checklist can show (guide, urgent box, live messages) avoids "you have".
    everything = [_norm(form.text_content() or "")]
    for i in PLAIN + URGENT:
        _box(page, i).check()
        everything.append(_norm(_status(page).text_content() or ""))
    for text in everything + [_message_for(n) for n in range(len(PLAIN) + 1)] + [URGENT_MESSAGE]:
        assert not re.search(r"\byou have\b", text, re.I), f"diagnostic wording 'you have' in: {text!r}"


# ------------------------------------------------------------------------------------------ privacy


def test_using_the_checklist_sends_and_stores_nothing(visit):
    v = visit(PAGE, wait="networkidle", fresh=True)
    page, context = v.page, v.context
    assert v.requests, "the request recorder saw nothing"
    assert not v.foreign_requests(), v.foreign_requests()
    v.requests.clear()
    v.page_requests.clear()
    for i in PLAIN[:3] + URGENT:
        _box(page, i).check()
    _tally_and_message(page, 3, urgent=True)
    _box(page, PLAIN[0]).uncheck()
    page.locator(FORM).get_by_role("button", name=re.compile("Print")).click()
    page.locator(FORM).get_by_role("button", name="Clear answers").click()
    _tally_and_message(page, 0, message=False)
    page.wait_for_load_state("networkidle")
    # The service worker may still be filling the offline cache from our own origin; the page itself asks for
    # nothing, and nothing at all goes to another origin.
    assert v.page_requests == [], f"the checklist made requests: {v.page_requests}"
    assert not v.foreign_requests(), v.foreign_requests()
    assert context.cookies() == []
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0], f"localStorage/sessionStorage not empty: {storage}"
    assert not v.console_errors(), v.console_errors()
    assert not v.csp_violations(), v.csp_violations()


def test_urgent_box_shows_the_region_the_reader_chose(visit):
    """A reader who chose the United States in the help switcher must not be told to call the UK's 999."""
    v = visit(PAGE, fresh=True)
    page = v.page
    page.locator("[data-crisis]").get_by_label("Show help for").select_option("us")
    _box(page, URGENT[0]).check()
    urgent = _urgent_box(page)
    expect(urgent).to_be_visible()
    tel = urgent.evaluate(
        "u => [...u.querySelectorAll('a[href^=\"tel:\"]')].filter((a) => a.checkVisibility())"
        ".map((a) => a.getAttribute('href'))"
    )
    assert "tel:988" in tel, f"the immediate-help box does not show the chosen region (us): visible tel links {tel}"
    assert "tel:999" not in tel, f"the immediate-help box shows UK numbers to a reader who chose the US: {tel}"


# ------------------------------------------------------------------------------- help one tap away


HELP = {PAGE: "/get-help/", "/es/senales/": "/es/obtener-ayuda/"}  # each language's help page


def _link_paths(locator) -> list[str]:
    return locator.locator("a[href]").evaluate_all("els => els.map(a => new URL(a.href).pathname)")


@pytest.mark.parametrize("path", list(HELP), ids=["en", "es"])
def test_every_result_message_links_to_the_help_page_without_javascript(visit, path):
    v = visit(path, js=False)
    bands = v.page.locator(FORM).locator("[data-checklist-guide] li")
    count = bands.count()
    assert count == len(RESULTS), f"{path}: {count} result messages"
    for i in range(count):
        band = bands.nth(i)
        assert HELP[path] in _link_paths(band), f"{path}, message {i + 1} has no link to the help page"
        expect(band.locator("a[href]").last).to_be_visible()
    # The urgent box still comes first, before the result messages.
    first = v.page.locator(FORM).locator("[data-checklist-urgent], [data-checklist-guide]").first
    expect(first).to_have_attribute("data-checklist-urgent", "")


@pytest.mark.parametrize("ticks", [0, 2, 5, len(PLAIN)], ids=lambda n: f"{n}-ticked")
def test_the_live_message_links_to_the_help_page(signs, ticks):
    page = signs.page
    if ticks == 0:  # the "none ticked" message is said once the reader has changed something
        _box(page, PLAIN[0]).check()
        _box(page, PLAIN[0]).uncheck()
    for i in PLAIN[:ticks]:
        _box(page, i).check()
    _tally_and_message(page, ticks)
    message = _status(page).locator("p").filter(has_text=_message_for(ticks)[:40])
    expect(message).to_have_count(1)
    assert _link_paths(message) == [HELP[PAGE]], _link_paths(message)
    expect(message.locator("a")).to_be_visible()


# ------------------------------------------------------------------------------ answers never sent


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_enter_or_a_submit_sends_no_answers(visit, js):
    v = visit(PAGE, js=js, wait="networkidle")
    page = v.page
    form = page.locator(FORM)
    assert form.locator("input[name]").count() == 0, "a named checkbox would put its answer in a submitted URL"
    for i in PLAIN[:3] + URGENT:
        _box(page, i).check()
    v.requests.clear()
    v.page_requests.clear()
    _box(page, PLAIN[1]).focus()
    page.keyboard.press("Enter")
    # A browser that submits the form anyway (as Enter does in some browsers): the same as a submit button.
    submit = "() => document.querySelector('form[data-checklist]').requestSubmit()"
    if js:
        page.evaluate(submit)
    else:  # nothing stops it: the page loads again, with whatever the form put in the URL
        with page.expect_navigation():
            page.evaluate(submit)
    page.wait_for_load_state("networkidle")
    answers = [u for u in v.requests if re.search(r"[?&][^#]*(cl-|signs-\d)", u)]
    assert not answers, f"answers in a request: {answers}"
    assert urlsplit(page.url).query == "", page.url
    if js:  # the submit was stopped: same page, answers still ticked, nothing requested
        assert urlsplit(page.url).path == PAGE and not v.page_requests, (page.url, v.page_requests)
        expect(_box(page, PLAIN[1])).to_be_checked()
