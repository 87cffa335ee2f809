"""Frozen slots dataclasses that pickle as a call of their class (feelagain/frozen.py) read back equal, and meet
by_fields' conditions: every field an __init__ argument, no __post_init__ to run twice."""
from __future__ import annotations

import dataclasses
import datetime
import pickle
from pathlib import PurePosixPath

import pytest

from feelagain.discover import SourceFile
from feelagain.errors import BuildError, SourceLocation
from feelagain.frozen import by_fields
from feelagain.model import Page
from feelagain.pipeline import Parsed
from feelagain.schema import PageMeta, Source
from feelagain.yamlfile import LineMap

CLASSES = [Page, SourceFile, PageMeta, Source, Parsed]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_each_class_meets_the_conditions_of_by_fields(cls):
    assert cls.__reduce__ is by_fields
    fields = dataclasses.fields(cls)
    assert len(fields) >= 2 and all(f.init and not f.kw_only for f in fields)
    assert tuple(f.name for f in fields) == cls.__match_args__
    assert not hasattr(cls, "__post_init__")


def test_a_parsed_page_reads_back_equal_and_without_dataclasses_setstate():
    meta = PageMeta("Title", "Words.", datetime.date(2026, 1, 2), datetime.date(2027, 1, 2),
                    (Source("NHS", "Numbness", "https://www.nhs.uk/"), Source("WHO", "Report", doi="10.1/x")),
                    nav_title="Short", summary=("One", "Two"), faq=True)
    lines = LineMap(1, {"title": LineMap(2), "sources": LineMap(5, [LineMap(6), LineMap(8)])})
    page = Page(SourceFile(PurePosixPath("content/a.md"), "a", ""), meta, "Body **text**.", 12, lines, "d" * 64, "es/")
    warning = BuildError(SourceLocation(PurePosixPath("content/a.md"), 3), "what", "how", rule="placeholder")
    parsed = Parsed(page, (warning,))
    data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"_dataclass_setstate" not in data
    back = pickle.loads(data)
    assert back.page == page and back.page.meta.sources[1].doi == "10.1/x" and back.page.meta_lines.at("sources", 1) == 8
    assert str(back.warnings[0]) == str(warning)


def test_replaced_changes_the_named_fields_only_and_refuses_unknown_ones():
    from feelagain.frozen import replaced

    source = Source("NHS", "Numbness", "https://www.nhs.uk/", 2024, "10.1/x")
    assert replaced(source, title="Other", year=None) == dataclasses.replace(source, title="Other", year=None)
    assert replaced(source) == source
    with pytest.raises(TypeError, match="no field 'titel'"):
        replaced(source, titel="Other")


def test_childless_line_maps_are_shared_also_after_the_cache():
    """A large site keeps a LineMap per front-matter key, source and key point of every page, nearly all at the
    same few lines: a childless one is one shared object per line number, also when read back from the cache."""
    import pickle

    from feelagain.yamlfile import LineMap, line_leaf

    assert line_leaf(7) is line_leaf(7) and line_leaf(7) == LineMap(7)
    page = LineMap(1, {"title": line_leaf(2), "sources": LineMap(6, [line_leaf(7), line_leaf(8)])})
    again = pickle.loads(pickle.dumps(page))
    assert again == page
    assert again.children["title"] is line_leaf(2)
    assert again.children["sources"].children[1] is line_leaf(8)
    assert pickle.loads(pickle.dumps(LineMap(9))) is line_leaf(9)  # one made without line_leaf comes back shared
