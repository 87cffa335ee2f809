"""The ```checklist block: parsed from YAML, checked for coverage, urgency and diagnosing language."""
from __future__ import annotations

from pathlib import PurePosixPath

from feelagain.checklist import parse_checklist
from feelagain.errors import SourceLocation
from tests.support.sites import CHECKLIST

LOC = SourceLocation(PurePosixPath("content/signs.md"))
GOOD = CHECKLIST


def test_good_block_parses():
    checklist, errors = parse_checklist(GOOD, LOC, 10)
    assert errors == []
    assert [i.id for i in checklist.items] == ["checklist-1", "checklist-2"]
    assert [i.urgent for i in checklist.items] == [False, True]


def test_gap_in_result_ranges_is_an_error():
    _, errors = parse_checklist(GOOD.replace("{min: 1, message", "{min: 2, message"), LOC, 10)
    assert [str(e) for e in errors] == ["content/signs.md:17: no message for 1 ticked item(s) — make the min/max "
                                        "ranges of results cover 0 to the number of items once each"]


def test_a_diagnosing_message_is_refused():
    _, errors = parse_checklist(GOOD.replace("Talk to someone you trust.", "You have depression."), LOC, 10)
    assert str(errors[0]).startswith("content/signs.md:19: a checklist message sounds like a diagnosis")


def test_a_checklist_needs_an_urgent_item():
    _, errors = parse_checklist(GOOD.replace("    urgent: true\n", ""), LOC, 10)
    assert str(errors[0]).startswith("content/signs.md:13: no checklist item is marked urgent")


def test_missing_legend():
    _, errors = parse_checklist(GOOD.replace("legend: Over the last two weeks, have you…\n", ""), LOC, 10)
    assert str(errors[0]).startswith('content/signs.md:11: "legend" is missing from the checklist')
