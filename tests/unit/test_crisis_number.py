"""The crisis-number lint rule: page text and tel:/sms: links may show only numbers from content/crisis.yml."""
from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import PurePosixPath

import pytest

from feelagain.lint import LintPage, LintSettings, lint_page

KNOWN = frozenset({"999", "116123", "85258", "988", "131114", "0477131114"})


def page(body: str, links: tuple[tuple[str, int], ...] = (), known: frozenset[str] | None = KNOWN) -> LintPage:
    return LintPage(path=PurePosixPath("content/causes.md"), slug="causes", body_md=body, body_start_line=10,
                    body_html="", sources_count=2, sources_line=5, reviewed=date(2026, 1, 1),
                    next_review=date(2027, 1, 1), reviewed_line=3, next_review_line=4, links=links,
                    known_numbers=known)


def found(p: LintPage) -> list[str]:
    errors, warnings = lint_page(p, LintSettings(min_sources=0), date(2026, 6, 1))
    return [str(e) for e in errors + warnings if e.rule == "crisis-number"]


@pytest.mark.parametrize("text", [
    "In the UK, call 111 and choose option 2.",
    "Call the Samaritans on 0330 094 5717.",
    "Phone +353 1 234 5678 for help.",
    "You can text HOME to 741741 at any time.",
    "In Canada, text CONNECT to 686868.",
    "Dial 112 in an emergency.",
])
def test_a_number_not_in_crisis_yml_fails_with_its_line(text: str) -> None:
    got = found(page(f"Intro line.\n\n{text}\n"))
    assert len(got) == 1, got
    assert got[0].startswith("content/causes.md:12: phone number"), got
    assert "is not in content/crisis.yml" in got[0] and "crisis block" in got[0]


@pytest.mark.parametrize("text", [
    "Call 999 now.",  # in crisis.yml
    "Samaritans: 116 123, free.",
    "Text SHOUT to 85258.",
    "In Australia call 13 11 14 or text 0477 13 11 14.",
    "In 2024, about 1 in 5 people in 130 countries called a helpline.",  # years, counts
    "Studies from 2019-2021 found it on 24/7 shifts; 50% of 2,000 people.",
    "Reviewed on 2026-11-25. See page 312.",
    "Press 1 for veterans.",
])
def test_known_numbers_years_and_statistics_pass(text: str) -> None:
    assert found(page(f"{text}\n")) == []


def test_numbers_in_checklists_and_headings_count_but_code_does_not() -> None:
    body = "## Call 0800 111 222\n\n```checklist\nurgent_message: Call 0800 555 666 now.\n```\n\n```\ncall 0800 777 888\n```\n"
    got = found(page(body))
    assert [g.split(":")[1] for g in got] == ["10", "13"], got


def test_tel_and_sms_links_must_be_crisis_numbers() -> None:
    links = (("tel:999", 11), ("sms:85258?body=SHOUT", 12), ("tel:+44 20 7946 0000", 13), ("sms:60000", 14),
             ("https://example.org/999", 15))
    got = found(page("Text.\n", links))
    assert got == [
        'content/causes.md:13: tel: link "tel:+44 20 7946 0000" is not a number in content/crisis.yml — take the '
        "number out of the text: add it to content/crisis.yml and show it with a crisis block",
        'content/causes.md:14: sms: link "sms:60000" is not a number in content/crisis.yml — take the number out of '
        "the text: add it to content/crisis.yml and show it with a crisis block",
    ]


def test_rule_is_an_error_and_can_be_disabled() -> None:
    p = page("Call 0800 123 4567.\n")
    errors, warnings = lint_page(p, LintSettings(min_sources=0), date(2026, 6, 1))
    assert [e.rule for e in errors] == ["crisis-number"] and not warnings
    errors, _ = lint_page(p, LintSettings(min_sources=0, disabled=frozenset({"crisis-number"})), date(2026, 6, 1))
    assert errors == []


def test_without_known_numbers_the_rule_is_skipped() -> None:
    assert found(dataclasses.replace(page("Call 0800 123 4567.\n"), known_numbers=None)) == []


def test_front_matter_text_the_page_shows_is_checked_too() -> None:
    p = dataclasses.replace(page("Text.\n"), meta_texts=(("Get help", 2), ("Call 0800 123 4567 for help.", 3),
                                                          ("If in danger, call 999.", 6)))
    assert found(p) == ['content/causes.md:3: phone number "0800 123 4567" is not in content/crisis.yml — take the '
                        "number out of the text: add it to content/crisis.yml and show it with a crisis block"]
