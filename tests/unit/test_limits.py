"""Input limits (issue #13, item 7): the pre-check adds up what Python-Markdown would do, and real pages pass."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.errors import SourceLocation
from feelagain.frontmatter import split
from feelagain.limits import MAX_BRACKET_WORK, bracket_work, check_body
from tests.support.sites import ROOT

LOC = SourceLocation(PurePosixPath("content/x.md"))


def test_closed_links_cost_their_own_length():
    assert bracket_work("See [the NHS](https://www.nhs.uk/) page.") == len("[the NHS") + len("(https://www.nhs.uk/")
    assert bracket_work("(a plain aside) and [x]") == 2  # a '(' that follows no ']' is not a link target


def test_open_brackets_cost_the_rest_of_the_paragraph():
    assert bracket_work("[" * 4) == 4 + 3 + 2 + 1
    assert bracket_work("[](" * 3) == 1 * 3 + (7 + 4 + 1)
    assert bracket_work(r"\[" * 1000) == 0  # escaped brackets are text to Python-Markdown too


def test_nested_closed_brackets_are_quadratic_too():
    n = 1000
    assert bracket_work("[" * n + "]" * n) == sum(2 * k + 1 for k in range(n))
    assert bracket_work("[" * n + "]" * n) > MAX_BRACKET_WORK


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*.md")), ids=lambda p: p.name)
def test_every_real_page_is_within_the_limits(path):
    text = path.read_text(encoding="utf-8")
    _, body, first = split(text, LOC)
    assert check_body(body, LOC, first) == []


def test_errors_point_at_the_paragraph_that_goes_over():
    body = "Intro.\n\nFine [link](x.md).\n\n\n" + "[" * 1000 + "\n"
    (err,) = check_body(body, LOC, 11)
    assert err.location.line == 16
    assert err.problem == "too many '[' and '(' nested or left open in one paragraph"
