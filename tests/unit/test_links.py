"""Internal links and anchors are checked across the site, with the Markdown line of each link."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.errors import SourceLocation
from feelagain.links import check_links, links_with_lines
from feelagain.markup import Converter

LOC = SourceLocation(PurePosixPath("content/a.md"))
ANCHORS = {"a": frozenset({"intro"}), "causes": frozenset({"stress", "grief"})}


def errors_for(md: str) -> list[str]:
    rendered = Converter().convert(md, LOC, "a/", 6)
    return [str(e) for e in check_links("a", LOC, links_with_lines(rendered.links, md, 6), ANCHORS)]


def test_good_links_pass():
    assert errors_for("## Intro\n\n[c](causes.md#stress) [self](#intro) [web](https://nhs.uk)\n") == []


def test_missing_page_suggests_a_close_name():
    assert errors_for("Text.\n\nSee [c](cuases.md).\n") == [
        'content/a.md:8: link to a missing page: cuases.md — did you mean "causes"?']


def test_missing_anchor_suggests_a_close_one():
    assert errors_for("See [c](causes.md#stres).\n") == [
        'content/a.md:6: link to a missing anchor: causes.md#stres — did you mean "stress"?']


def test_missing_anchor_on_the_same_page():
    assert errors_for("See [x](#nowhere).\n") == [
        "content/a.md:6: link to a missing anchor: #nowhere — anchors come from headings: '## Stress' → #stress"]


def test_unsafe_scheme_is_an_error():
    assert errors_for("[x](javascript:alert(1))\n")[0].startswith("content/a.md:6: link with an unsafe scheme: javascript:alert(1)")


def test_root_relative_links_would_break_under_a_sub_path():
    assert errors_for("[x](/causes/)\n") == [
        "content/a.md:6: link starting with '/' breaks when the site lives in a sub-folder: /causes/ — "
        "link to the page's file instead, e.g. [text](causes.md)"]


# The unsafe-scheme check lives only here (the linter has no copy): every trick a browser would still follow.
@pytest.mark.parametrize("href", ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)",
                                  "javascript&#58;alert(1)", "data:text/html,hi", "ftp://files.example.org",
                                  "http://example.org"])
def test_unsafe_schemes_are_errors_at_the_link_line(href):
    md = f"Intro.\n\nSee [this]({href}).\n"
    rendered = Converter().convert(md, LOC, "a/", 6)
    errors = check_links("a", LOC, links_with_lines(rendered.links, md, 6), ANCHORS)
    # Python-Markdown expands the tab, so that one link is not found in the text: the body's first line is named.
    line = 6 if "\t" in href else 8
    assert [(e.location.line, e.rule) for e in errors] == [(line, "link-scheme")], [str(e) for e in errors]
    assert errors[0].problem.startswith("link with an unsafe scheme")


def test_protocol_relative_links_are_errors():
    assert errors_for("See [x](//evil.example).\n") == [
        "content/a.md:6: protocol-relative link: //evil.example — write the full address starting with https://"]


@pytest.mark.parametrize("href", ["https://a.example", "mailto:jo@example.org", "tel:116123", "sms:85258?body=SHOUT"])
def test_safe_schemes_pass(href):
    assert errors_for(f"See [x]({href}).\n") == []
