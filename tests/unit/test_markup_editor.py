"""Editors' mistakes the Converter catches at their line (editor review, main @ 41f4544): footnotes without a
note or never used, misspelt block names, callouts whose text is not indented, images and links that would
publish broken, and the table label in the page's language."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.assets import link_assets
from feelagain.errors import BuildError, SourceLocation
from feelagain.markup import Converter, Labels

LOC = SourceLocation(PurePosixPath("content/causes.md"))
SPANISH = SourceLocation(PurePosixPath("content/es/causas.md"))


def render(md: str, loc: SourceLocation = LOC, url: str = "causes/", labels: Labels | None = None):
    return Converter().convert(md, loc, url, 11, lang_prefix="es/" if loc == SPANISH else "",
                               labels=labels or Labels())


def errors(md: str, loc: SourceLocation = LOC) -> list[str]:
    return [str(e) for e in render(md, loc).errors]


# --- footnotes -------------------------------------------------------------------------------------------

def test_a_marker_without_its_note_is_an_error_at_the_marker():
    md = "Intro.\n\nMost got better.[^goodwin]\n\nMore text.\n"
    assert errors(md) == ['content/causes.md:13: footnote [^goodwin] has no note — add a line "[^goodwin]: …" '
                          "with its source, or fix the name"]
    # and nothing else complains about it: the Notes list's links are not checked twice
    assert [link for link in render(md).links if link.kind == "anchor"] == []


def test_a_misspelt_marker_names_the_note_and_the_unused_note_its_own_line():
    md = "Intro.\n\nMost got better.[^godwin]\n\n[^goodwin]: Goodwin (2017).\n"
    assert errors(md) == [
        'content/causes.md:13: footnote [^godwin] has no note — did you mean [^goodwin]? Or add a line '
        '"[^godwin]: …" with its source, or fix the name',
        "content/causes.md:15: note [^goodwin] is never used — put [^goodwin] right after the figure it supports, "
        "or delete the note"]
    assert [link for link in render(md).links if link.kind == "anchor"] == []  # no "#fnref-goodwin" error


def test_matching_footnotes_and_code_that_shows_a_marker_are_fine():
    md = ("One.[^a] Two.[^b]\n\n    Indented.[^a]\n\nWrite `[^x]` after a figure.\n\n```text\n[^y] in code\n```\n\n"
          "[^a]: Source A.\n[^b]: Source B, see [^a] too.\n")
    assert errors(md) == []


def test_a_marker_with_a_colon_after_it_mid_line_is_a_marker():
    out = render("One study[^a]: most people improved.\n\n[^a]: Source.\n")
    assert out.errors == () and 'href="#fn-a"' in out.body_html  # Python-Markdown makes it a reference too


def test_a_line_with_fences_inside_it_opens_no_code_block():
    md = "Intro[^a].\n\n```code``` is inline.\n\nMore[^b].\n\n[^a]: S.\n[^b]: T.\n"
    assert errors(md) == []
    assert "<code>code</code> is inline" in render(md).body_html


@pytest.mark.parametrize("indent", [" ", "  ", "   "])
def test_an_indented_fence_is_not_a_code_block_and_hides_nothing_from_the_checks(indent):
    out = render(f"Intro[^a].\n\n{indent}```\n!!! tip\n{indent}```\n\n[^a]: S.\n")
    assert [str(e) for e in out.errors] == [
        "content/causes.md:14: callout has no text — indent its text by four spaces on the lines under the !!! line"]
    assert "<pre>" not in out.body_html  # Python-Markdown does not make it a code block either


def test_a_fence_closes_only_at_the_same_fence_alone_on_its_line():
    md = "Intro.\n\n```text\n[^y]\n````\n``` more\nMore[^z].\n```\n"
    assert errors(md) == []
    md = "Intro.\n\n```text\n[^y]\n````\nMore[^z].\n```\n"  # a longer fence does not close it
    assert errors(md) == []
    assert "More[^z]." in render(md).body_html


def test_a_marker_in_an_indented_code_block_is_not_a_marker():
    md = "Intro.\n\n    Type [^1] after a figure.\n\nMore.\n"
    assert errors(md) == []
    assert "<pre><code>Type [^1]" in render(md).body_html


@pytest.mark.parametrize("opener", ["- An item.", "1. An item.", "!!! tip", "[^b]: Note B."])
def test_indented_lines_under_a_list_item_callout_or_note_are_theirs_not_code(opener):
    md = f"Intro[^b].\n\n{opener}\n\n    More text.[^a]\n\n[^a]: S.\n" + ("" if "[^b]:" in opener else "[^b]: B.\n")
    assert errors(md) == []


# --- fenced blocks ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "meant"), [("crisis-directry", "crisis-directory"), ("Checklist", "checklist"),
                                             ("support-line", "support-lines"), ("~~~ Crisis-Directory", "")])
def test_a_misspelt_block_name_is_an_error_not_a_code_block(name, meant):
    fence, name = ("~~~", name[4:]) if name.startswith("~~~ ") else ("```", name)
    meant = meant or name.lower()
    md = f"Intro.\n\n{fence}{name}\ntopic: grief\n{fence}\n"
    assert errors(md) == [f"content/causes.md:13: unknown block '{name}' — did you mean {meant}? "
                          f"Write the line as ```{meant}"]


def test_a_line_that_starts_with_inline_code_is_not_a_misspelt_block():
    """ "```checklists``` are lists you tick." is inline code in a paragraph, not a fence: no block name to check."""
    assert errors("Intro.\n\n```checklists``` are lists you tick.\n") == []


def test_a_fence_closed_with_a_tab_after_it_ends_the_block_for_the_footnote_check():
    """Python-Markdown expands tabs before it looks for fences: "```\t" closes the block, so a marker after it is
    a marker, and its note is used. (The converter expands tabs before these checks read the lines: this guards
    that order.)"""
    md = "Intro.\n\n```\ncode\n```\t\n\nOne study found this.[^a]\n\n```\nmore\n```\n\n[^a]: A source.\n"
    assert errors(md) == []


@pytest.mark.parametrize("info", ["", "text", "yaml", "markdown"])
def test_plain_code_blocks_still_work(info):
    out = render(f"Intro.\n\n```{info}\n!!! tip\nkey: value [^x]\n```\n")
    assert out.errors == ()
    assert "<pre><code" in out.body_html and "key: value [^x]" in out.body_html


# --- callouts --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("after", ["Write it down.\n", "\nWrite it down.\n", "", "\n\n"])
def test_a_callout_without_indented_text_is_an_error(after):
    assert errors(f'Intro.\n\n!!! tip "Try"\n{after}') == [
        "content/causes.md:13: callout has no text — indent its text by four spaces on the lines under the !!! line"]


def test_a_callout_with_its_text_after_a_blank_line_is_fine():
    out = render('Intro.\n\n!!! tip "Try"\n\n    Write it down.\n')
    assert out.errors == ()
    assert '<h3 class="callout__title">Try</h3><p>Write it down.</p>' in out.body_html


# --- the table label -------------------------------------------------------------------------------------

def test_the_table_label_speaks_the_pages_language():
    from feelagain.i18n import PROJECT_ROOT, translations

    spanish = Labels.translated(translations(PROJECT_ROOT, "es").gettext)
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert 'aria-label="Tabla (se desplaza de lado)"' in render(table, SPANISH, "es/causas/", spanish).body_html
    assert 'aria-label="Table (scrolls sideways)"' in render(table).body_html


# --- images ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("loc", "url", "src", "published"), [
    (LOC, "causes/", "../assets/img/lake.png", "../assets/img/lake.png"),
    (SourceLocation(PurePosixPath("content/index.md")), "", "../assets/img/lake.png", "assets/img/lake.png"),
    (SPANISH, "es/causas/", "../../assets/img/lake.png", "../../assets/img/lake.png"),
    (LOC, "causes/", "./../assets/lake%20blue.png", "../assets/lake%20blue.png"),
])
def test_an_image_is_written_from_the_pages_file_into_assets(loc, url, src, published):
    out = render(f"Intro.\n\n![A calm lake]({src})\n", loc, url)
    assert f'<img alt="A calm lake" src="{published}"' in out.body_html
    assert [(link.kind, link.slug, link.line) for link in out.links] == [
        ("image", published.split("assets/", 1)[1].replace("%20", " "), 13)]


@pytest.mark.parametrize("src", ["assets/img/lake.png", "lake.png", "../../assets/lake.png", "/assets/img/lake.png"])
def test_an_image_outside_assets_has_no_asset(src):
    out = render(f"![A calm lake]({src})\n")
    assert [(link.kind, link.slug) for link in out.links] == [("image", None)]


def test_the_writers_put_in_the_fingerprinted_name_or_refuse_a_missing_image():
    out = render("Intro.\n\n![A calm lake](../assets/img/lake.png)\n\n[Leaflet](../assets/leaflet.pdf)\n")
    dests = {"img/lake.png": PurePosixPath("assets/lake.0123abcd.png"),
             "leaflet.pdf": PurePosixPath("assets/leaflet.89abcdef.pdf")}
    html = link_assets(out.body_html, out.links, dests, LOC.path)
    assert 'src="../assets/lake.0123abcd.png"' in html and 'href="../assets/leaflet.89abcdef.pdf"' in html
    with pytest.raises(BuildError) as missing:
        link_assets(out.body_html, out.links, {"img/lake.jpg": PurePosixPath("assets/lake.0123abcd.jpg")}, LOC.path)
    assert str(missing.value) == ('content/causes.md:13: image ../assets/img/lake.png not found: there is no '
                                  'assets/img/lake.png — did you mean "../assets/img/lake.jpg"?')


@pytest.mark.parametrize(("src", "name", "dest", "published"), [
    ("../assets/img/a%23b.svg", "img/a#b.svg", "assets/a#b.0123abcd.svg", "../assets/a%23b.0123abcd.svg"),
    ("../assets/lake%20view.svg", "lake view.svg", "assets/lake view.0123abcd.svg",
     "../assets/lake%20view.0123abcd.svg"),
    ('<img alt="x" src="../assets/what%3F.svg">', "what?.svg", "assets/what?.0123abcd.svg",
     "../assets/what%3F.0123abcd.svg"),
    ("../assets/100%25.svg", "100%.svg", "assets/100%.0123abcd.svg", "../assets/100%25.0123abcd.svg"),
])
def test_an_asset_named_with_a_hash_space_or_percent_is_published_percent_encoded(src, name, dest, published):
    out = render(f"Intro.\n\n![x]({src})\n" if src.startswith("..") else f"Intro.\n\n{src}\n")
    assert [link.slug for link in out.links] == [name]
    html = link_assets(out.body_html, out.links, {name: PurePosixPath(dest)}, LOC.path)
    assert f'src="{published}"' in html


# --- links -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("href", "kind"), [("www.nhs.uk", "not-a-page"), ("signs", "not-a-page"),
                                            ("es/duelo.md", "other-language"), ("../causes.md", "other-language"),
                                            ("./signs.md", "page")])
def test_links_that_are_not_a_page_of_this_language_are_marked(href, kind):
    assert [link.kind for link in render(f"[x]({href})\n").links] == [kind]


def test_a_spanish_page_linking_up_to_the_english_folder_is_another_language():
    assert [link.kind for link in render("[x](../signs.md) [y](senales.md)\n", SPANISH, "es/causas/").links] == [
        "other-language", "page"]


@pytest.mark.parametrize(("loc", "url", "href"), [(LOC, "causes/", "../search/"), (LOC, "causes/", "../print/"),
                                                  (SPANISH, "es/causas/", "../search/")])
def test_a_link_to_a_page_the_build_makes_still_works(loc, url, href):
    out = render(f"[x]({href})\n", loc, url)
    assert [link.kind for link in out.links] == ["asset"] and f'href="{href}"' in out.body_html


def test_a_link_to_another_languages_search_page_is_not_a_page():
    assert [link.kind for link in render("[x](../es/search/)\n").links] == ["not-a-page"]


@pytest.mark.parametrize("before", ["## Typing notes\n", "Some text.\n\n***\n", "A title\n-------\n",
                                    "1) not a list in Markdown\n\n"])
def test_a_marker_in_indented_code_after_a_heading_or_rule_is_code(before):
    """Python-Markdown makes an indented line code right after a heading or a rule, and "1)" starts no list:
    a marker shown there as code is not a footnote (no false "has no note")."""
    md = f"Intro.\n\n{before}    In code, write [^1] after a figure.\n"
    assert "<pre><code>" in render(md).body_html
    assert errors(md) == []
