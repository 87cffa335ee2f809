"""Issue #12: support lines in crisis.yml, the ```crisis-directory and ```support-lines blocks."""
from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from feelagain.crisis import load_crisis
from feelagain.errors import Problems, SourceLocation
from feelagain.markup import CRISIS_MARK, Converter, CrisisBlock
from tests.support.sites import CRISIS_YML

TODAY = datetime.date(2026, 11, 25)
SUPPORT = """\
    support:
      - name: Cruse Bereavement Support
        topic: grief
        description: Support after someone dies.
        hours: Weekdays
        verified_on: 2026-11-20
        source: https://www.cruse.org.uk
        contacts:
          - {kind: call, number: "0808 808 1677"}
"""


def load(make_site, text: str):
    problems = Problems()
    crisis = load_crisis(make_site({"content/crisis.yml": text}), "uk", 9, problems, TODAY)
    return crisis, [str(e) for e in problems.errors]


def render(md: str):
    return Converter().convert(md, SourceLocation(PurePosixPath("content/get-help.md")), "get-help/", 10)


# --- schema ------------------------------------------------------------------------------------------

def test_support_lines_are_read_with_their_topic_and_kept_apart(make_site):
    crisis, errors = load(make_site, CRISIS_YML + SUPPORT)
    assert errors == []
    uk = crisis.region("uk")
    assert [line.name for line in uk.lines] == ["Samaritans"]  # the footer's lines: support is not among them
    assert [(line.name, line.topic) for line in uk.support] == [("Cruse Bereavement Support", "grief")]
    assert uk.support_for("grief") == uk.support and uk.support_for("substance") == ()
    assert uk.support[0].contacts[0].href == "tel:08088081677"


def test_numbers_cover_emergency_crisis_and_support_lines(make_site):
    crisis, _ = load(make_site, CRISIS_YML + SUPPORT)
    assert crisis.numbers() == frozenset({"999", "116123", "08088081677"})


def test_support_line_without_topic_names_its_line(make_site):
    _, errors = load(make_site, CRISIS_YML + SUPPORT.replace("        topic: grief\n", ""))
    assert errors == ['content/crisis.yml:18: "topic" is missing from a support line of uk — '
                      'add "topic: …" (what it helps with: grief or substance)']


def test_unknown_topic_is_refused_at_its_line(make_site):
    _, errors = load(make_site, CRISIS_YML + SUPPORT.replace("topic: grief", "topic: money"))
    assert errors == ['content/crisis.yml:19: "topic" should be one of grief, substance — '
                      'topic: what it helps with: grief or substance']


def test_support_must_be_a_list(make_site):
    _, errors = load(make_site, CRISIS_YML + "    support: Cruse\n")
    assert errors == ['content/crisis.yml:17: "support" in uk should be a list — '
                      "write each entry on its own line starting with '- '"]


def test_first_contact_prefers_a_call_or_text(make_site):
    text = CRISIS_YML.replace('          - {kind: call, number: "116 123"}',
                              '          - {kind: email, address: jo@samaritans.org}\n'
                              '          - {kind: call, number: "116 123"}')
    crisis, errors = load(make_site, text)
    assert errors == []
    line, contact = crisis.region("uk").first_contact
    assert (line.name, contact.label, contact.href) == ("Samaritans", "Call 116 123", "tel:116123")


# --- blocks ------------------------------------------------------------------------------------------

def test_blocks_become_marks_in_order():
    r = render("Intro.\n\n```crisis-directory\n```\n\nMore.\n\n```support-lines\ntopic: substance\n```\n")
    assert r.errors == ()
    assert r.crisis_blocks == (CrisisBlock("crisis-directory"), CrisisBlock("support-lines", "substance"))
    assert CRISIS_MARK.format(0) in r.body_html and CRISIS_MARK.format(1) in r.body_html
    assert r.body_html.index(CRISIS_MARK.format(0)) < r.body_html.index("More.") < r.body_html.index(CRISIS_MARK.format(1))


def test_directory_takes_no_text():
    r = render("Intro.\n\n```crisis-directory\nuk\n```\n")
    assert [str(e) for e in r.errors] == [
        "content/get-help.md:13: a crisis-directory block takes no text — leave it empty: the lines come from "
        "content/crisis.yml"]
    assert r.crisis_blocks == ()


def test_support_lines_need_a_known_topic():
    r = render("Intro.\n\n```support-lines\ntopic: money\n```\n\n```support-lines\n```\n")
    assert [str(e) for e in r.errors] == [
        'content/get-help.md:13: unknown support topic "money" — use one of: grief, substance',
        "content/get-help.md:16: a support-lines block needs one line: topic: … — write e.g. topic: grief"]


def test_unclosed_block_is_reported_with_its_name():
    r = render("Intro.\n\n```support-lines\ntopic: grief\n")
    assert [str(e) for e in r.errors] == [
        "content/get-help.md:12: the support-lines block is never closed — add a ``` line after it"]
