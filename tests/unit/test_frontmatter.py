"""Front matter: splitting, YAML errors mapped to file lines, and the schema's checks."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.errors import BuildError, SourceLocation
from feelagain.frontmatter import parse, split
from feelagain.schema import validate_meta

LOC = SourceLocation(PurePosixPath("content/x.md"))


def meta_errors(text: str) -> list[str]:
    raw, lines, _body, _line = parse(text, LOC)
    meta, errors = validate_meta(raw, LOC, lines, text.split("\n"))
    return [str(e) for e in errors]


GOOD = """---
title: Causes
description: Why it happens.
reviewed: 2026-11-01
next_review: 2027-11-01
sources:
  - {publisher: NHS, title: One}
---

Body starts here.
"""


def test_split_returns_body_and_its_file_line():
    meta, body, line = split(GOOD, LOC)
    assert meta.startswith("title: Causes")
    assert body.splitlines()[1] == "Body starts here."
    assert line == 9


def test_valid_front_matter_has_no_errors():
    assert meta_errors(GOOD) == []


@pytest.mark.parametrize("text, expected", [
    ("", "content/x.md:1: the file is empty — start it with front matter: a '---' line, 'title: …' and the other fields, then '---'"),
    ("title: x\n", "content/x.md:1: no front matter found — start the file with a '---' line"),
    ("---\ntitle: x\n", "content/x.md:1: the front matter is never closed — add a '---' line after the last field"),
    ("---\ntitle: x\n\tdescription: y\n---\n", "content/x.md:3: invalid YAML: a tab character is used for indentation — use spaces, not tabs, to indent"),
    ('---\ntitle: "x\ndescription: y\n---\n', "content/x.md:2: invalid YAML: a quote is opened but never closed — check the quotes, colons and indentation on this line and the one above"),
    ("---\ntitle: x\ntitle: y\n---\n", 'content/x.md:3: "title" appears twice — keep one of them; YAML silently keeps only the last'),
    ("---\ntitle: x\nreviewed: 2026-02-30\n---\n", "content/x.md:3: not a real date: day is out of range for month — write an existing date as YYYY-MM-DD"),
])
def test_parse_errors_name_the_file_line(text, expected):
    with pytest.raises(BuildError) as info:
        parse(text, LOC)
    assert str(info.value) == expected


def test_unknown_field_suggests_the_right_one():
    errors = meta_errors(GOOD.replace("title: Causes", "title: Causes\ntitel: Oops"))
    assert 'content/x.md:3: unknown field "titel" in the front matter — did you mean "title"?' in errors


def test_missing_required_field_is_reported():
    errors = meta_errors(GOOD.replace("description: Why it happens.\n", ""))
    assert errors == ['content/x.md:2: "description" is missing from the front matter — add "description: …" '
                      "(one sentence for search results (160 characters at most))"]


def test_wrong_types_are_reported_with_lines():
    text = GOOD.replace("reviewed: 2026-11-01", "reviewed: last week").replace("title: Causes", "title: no")
    errors = meta_errors(text)
    assert errors[0].startswith('content/x.md:2: "title" is a yes/no value, not text')
    assert errors[1].startswith('content/x.md:4: "reviewed" should be a date like 2026-11-25 but is text')


def test_hash_in_an_unquoted_title_is_caught():
    errors = meta_errors(GOOD.replace("title: Causes", "title: Update #2"))
    assert errors == ['content/x.md:2: "title" was cut at " #": YAML read the rest as a comment — '
                      'put the whole value in quotes: title: "Update #2"']


def test_next_review_must_follow_reviewed():
    errors = meta_errors(GOOD.replace("next_review: 2027-11-01", "next_review: 2026-10-01"))
    assert errors == ["content/x.md:5: next_review is not after reviewed — set next_review to a later date than reviewed"]


def test_source_fields_are_checked():
    errors = meta_errors(GOOD.replace("{publisher: NHS, title: One}", "{publisher: NHS, url: http://x}"))
    assert 'content/x.md:7: "url" should be an https:// address — url: an https:// link, only if you have checked it exists' in errors
    assert any('"title" is missing from source 1' in e for e in errors)


def test_a_source_may_have_a_doi_and_a_bad_doi_says_how_to_write_it():
    assert meta_errors(GOOD.replace("{publisher: NHS, title: One}",
                                    "{publisher: BJPsych, title: One, doi: 10.1192/bjp.bp.108.051110}")) == []
    errors = meta_errors(GOOD.replace("{publisher: NHS, title: One}",
                                      "{publisher: BJPsych, title: One, doi: https://doi.org/10.1192/x}"))
    assert errors == ['content/x.md:7: "doi" should be a DOI like 10.1192/bjp.bp.108.051110 — write the bare DOI, '
                      'e.g. doi: 10.1192/bjp.bp.108.051110 (no "doi:" or https://doi.org/ in front)']


def test_a_doi_source_links_to_doi_org():
    from feelagain.schema import Source
    source = Source("BJPsych", "One", doi="10.1192/bjp.bp.108.051110")
    assert source.link == source.doi_url == "https://doi.org/10.1192/bjp.bp.108.051110"
    assert Source("NHS", "Two", url="https://www.nhs.uk/", doi="10.1/x").link == "https://www.nhs.uk/"


BLOCK_SOURCE = GOOD.replace("  - {publisher: NHS, title: One}", """  - publisher: NHS
    title: Feeling numb
    url: https://www.nhs.uk/
  - publisher: OMS
    title: Depresión
    lang: LANG
    url: https://www.who.int/es/""")


@pytest.mark.parametrize("code", ["en", "es", "pt-BR", "zh-Hant", "ast", "es-419"])
def test_a_source_may_say_the_language_of_its_title(code):
    raw, lines, _body, _line = parse(BLOCK_SOURCE.replace("LANG", code), LOC)
    meta, errors = validate_meta(raw, LOC, lines, [])
    assert errors == [] and meta is not None
    assert [s.lang for s in meta.sources] == [None, code]


@pytest.mark.parametrize("value, problem, hint", [
    ("English", '"lang" should be a language code like en or es',
     "write a language code, e.g. lang: en for an English title or lang: es for a Spanish one"),
    ("EN", '"lang" should be a language code like en or es',
     "write a language code, e.g. lang: en for an English title or lang: es for a Spanish one"),
    ("en_GB", '"lang" should be a language code like en or es',
     "write a language code, e.g. lang: en for an English title or lang: es for a Spanish one"),
    ("12", '"lang" should be text but is a number',
     "write a language code, e.g. lang: en for an English title or lang: es for a Spanish one"),
    ("no", '"lang" is a yes/no value, not text', 'put the text in quotes, e.g. lang: "no"'),
])
def test_a_bad_source_language_is_named_at_its_line_with_how_to_write_it(value, problem, hint):
    # line 12 is the second source's "lang:" line (the front matter's line 1 is '---')
    assert meta_errors(BLOCK_SOURCE.replace("LANG", value)) == [f"content/x.md:12: {problem} — {hint}"]


def test_a_source_title_is_marked_only_when_its_language_is_not_the_page_s():
    from feelagain.schema import Source
    english = Source("NHS", "Feeling numb", "https://www.nhs.uk/", lang="en")
    assert english.lang_for("es") == "en"
    assert english.lang_for("en") is None and english.lang_for("EN") is None
    assert Source("NHS", "Feeling numb").lang_for("es") is None  # no language given: nothing is claimed
    assert Source("NIMH", "Título", lang="es").lang_for("en") == "es"


def test_a_text_item_with_a_colon_is_named_at_its_own_line():
    text = GOOD.replace("sources:", 'summary:\n  - Fine.\n  - "Quoted: fine."\n  - Note: it passes.\nsources:')
    assert meta_errors(text) == ['content/x.md:9: "summary" item 3 was read as "name: value" because of the ": " in '
                                 'it — put the text in quotes: - "Note: it passes."']


def test_a_mapping_that_may_be_text_says_to_quote_it_and_a_long_one_is_shortened():
    from feelagain.schema import Field, check_mapping, is_text
    from feelagain.yamlfile import LineMap

    fields = (Field("text", is_text, "the text", required=True),)

    words = "flat " * 30
    _, errors = check_mapping({"Felt": words}, fields, LOC, LineMap(7), "checklist item 1", text_item=True)
    assert [str(e) for e in errors] == [
        f'content/x.md:7: checklist item 1 was read as "name: value" because of the ": " in it — put the text in '
        f'quotes: - "Felt: {"flat " * 14}flat…"']
    # A mapping whose one key is a known field is not text; and without text_item nothing is guessed.
    assert check_mapping({"text": "Felt flat"}, fields, LOC, LineMap(7), "item", text_item=True) == (
        {"text": "Felt flat"}, [])
    _, errors = check_mapping({"Felt": "flat"}, fields, LOC, LineMap(7), "item")
    assert [e.problem for e in errors] == ['unknown field "Felt" in item', '"text" is missing from item']


@pytest.mark.parametrize("word", ["yes", "Off", "no"])
def test_a_yes_no_title_is_quoted_as_written(word):
    assert meta_errors(GOOD.replace("title: Causes", f"title: {word}")) == [
        f'content/x.md:2: "title" is a yes/no value, not text — put the text in quotes, e.g. title: "{word}"']
