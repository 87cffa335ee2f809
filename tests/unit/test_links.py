"""Internal links and anchors are checked across the site, with the Markdown line of each link."""
from __future__ import annotations

from pathlib import PurePosixPath

from feelagain.errors import SourceLocation
from feelagain.links import check_links
from feelagain.markup import Converter

LOC = SourceLocation(PurePosixPath("content/a.md"))
ANCHORS = {"a": frozenset({"intro"}), "causes": frozenset({"stress", "grief"})}


def errors_for(md: str) -> list[str]:
    rendered = Converter().convert(md, LOC, "a/", 6)
    return [str(e) for e in check_links("a", LOC, md, 6, rendered, ANCHORS)]


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
