"""What the link check tells an editor about links that would publish broken (editor review, main @ 41f4544):
addresses without https://, pages without .md, links into another language's folder, images outside assets/."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.errors import SourceLocation
from feelagain.links import check_links, links_with_lines
from feelagain.markup import Converter

LOC = SourceLocation(PurePosixPath("content/causes.md"))
SPANISH = SourceLocation(PurePosixPath("content/es/causas.md"))
ENGLISH_PAGES = {"causes": frozenset(), "signs": frozenset({"stress"}), "grief": frozenset()}
SPANISH_PAGES = {"causas": frozenset(), "senales": frozenset(), "duelo": frozenset()}


def errors_for(md: str, loc: SourceLocation = LOC, **extra) -> list[str]:
    spanish = loc == SPANISH
    rendered = Converter().convert(md, loc, "es/causas/" if spanish else "causes/", 11,
                                   lang_prefix="es/" if spanish else "")
    anchors = SPANISH_PAGES if spanish else ENGLISH_PAGES
    slug = "causas" if spanish else "causes"
    return [str(e) for e in check_links(slug, loc, links_with_lines(rendered.links, md, 11), anchors, **extra)]


@pytest.mark.parametrize(("href", "fix"), [
    ("www.nhs.uk", "did you mean https://www.nhs.uk? A web address starts with https://"),
    ("nhs.uk/conditions/grief/", "did you mean https://nhs.uk/conditions/grief/? A web address starts with https://"),
    ("signs", "did you mean signs.md? Link to a page by its file name"),
    ("../signs/", "did you mean signs.md? Link to a page by its file name"),
    ("sings", "did you mean signs.md? Link to a page by its file name"),
    ("signs.html#stress", "did you mean signs.md? Link to a page by its file name"),
    ("notes.txt", "link to a page by its file name (e.g. causes.md), or write a web address in full, starting with "
                  "https://"),
])
def test_a_link_that_is_neither_a_page_nor_a_web_address_is_an_error(href, fix):
    assert errors_for(f"Intro.\n\nSee [grief]({href}).\n") == [
        f"content/causes.md:13: link to {href} is not a page or a web address — {fix}"]


@pytest.mark.parametrize(("href", "fix"), [
    ("../grief/index.html", "did you mean grief.md? Link to a page by its file name"),
    ("../faq/", "did you mean faq.md? Link to a page by its file name"),  # named like a language's home
    ("../es/print/index.html", "link to a page by its file name (e.g. causes.md), or write a web address in full, "
                               "starting with https://"),  # never "did you mean index.md?"
])
def test_a_pages_address_is_told_its_file_and_a_generated_pages_never_index_md(href, fix):
    anchors = {**ENGLISH_PAGES, "index": frozenset(), "faq": frozenset()}
    rendered = Converter().convert(f"See [x]({href}).\n", LOC, "causes/", 11)
    assert [str(e) for e in check_links("causes", LOC, links_with_lines(rendered.links, "", 11), anchors)] == [
        f"content/causes.md:11: link to {href} is not a page or a web address — {fix}"]


@pytest.mark.parametrize(("loc", "href"), [
    (LOC, "../"), (LOC, "../index.html"), (LOC, "../es/"), (LOC, "../sitemap.xml"), (LOC, "../api/pages.json"),
    (LOC, "../api/pages/signs.json"), (LOC, "../print/index.html"), (LOC, "../search/"), (LOC, "../offline/"),
    (LOC, "../embed/"), (LOC, "../embed/signs/"), (SPANISH, "../"), (SPANISH, "../../"), (SPANISH, "../../sitemap.xml"),
    (SPANISH, "../api/crisis.json"), (SPANISH, "../../api/page.schema.json"), (SPANISH, "../print/"),
])
def test_links_to_what_the_build_publishes_are_fine(loc, href):
    assert errors_for(f"See [x]({href}).\n", loc) == []


@pytest.mark.parametrize(("href", "ok"), [("../es/", True), ("../fr/", False), ("../en/", False)])
def test_a_language_home_is_fine_only_for_a_language_the_site_publishes(href, ok):
    """Given the site's language folders, "../fr/" (no French here) and "../en/" (the default language has no
    folder) would publish broken links."""
    said = errors_for(f"See [x]({href}).\n", language_folders=frozenset({"es"}))
    assert said == ([] if ok else [f"content/causes.md:11: link to {href} is not a page or a web address — link to a "
                                   "page by its file name (e.g. causes.md), or write a web address in full, starting "
                                   "with https://"])


def test_a_link_into_another_languages_folder_is_an_error():
    assert errors_for("See [x](es/duelo.md).\n") == [
        "content/causes.md:11: link to es/duelo.md leaves content/: a page links only to pages of its own language "
        "(readers change language with the language menu) — link to the version of that page in content/ by its "
        "file name alone, e.g. [text](page.md)"]
    # Told the site's translations, it names the version to link.
    assert errors_for("See [x](es/duelo.md).\n", translations={"duelo": "grief"}) == [
        "content/causes.md:11: link to es/duelo.md leaves content/: a page links only to pages of its own language "
        "(readers change language with the language menu) — link to grief.md, its version in content/"]


def test_a_spanish_page_linking_an_english_file_name_is_told_about_languages():
    assert errors_for("Mira [x](signs.md).\n", SPANISH) == [
        "content/es/causas.md:11: link to a missing page: signs.md — there is no content/es/signs.md: a page links "
        "only to pages of its own language — link to the version of that page in content/es/"]
    assert errors_for("Mira [x](signs.md).\n", SPANISH, translations={"signs": "senales"}) == [
        "content/es/causas.md:11: link to a missing page: signs.md — signs.md is a page of another language: link "
        "to senales.md, its version in content/es/"]
    assert errors_for("Mira [x](../signs.md).\n", SPANISH)[0].startswith(
        "content/es/causas.md:11: link to ../signs.md leaves content/es/: a page links only to pages of its own "
        "language")


def test_an_english_page_keeps_its_advice_for_a_misspelt_name():
    assert errors_for("See [x](nowhere.md).\n") == [
        "content/causes.md:11: link to a missing page: nowhere.md — check the file name in content/"]


@pytest.mark.parametrize(("src", "problem", "fix"), [
    ("assets/img/lake.png", "image assets/img/lake.png is not in the assets/ folder (read from this page's file, "
     "it is content/assets/img/lake.png)", "../assets/img/lake.png"),
    ("lake.png", "image lake.png is not in the assets/ folder (read from this page's file, it is "
     "content/lake.png)", "../assets/lake.png"),
    ("/assets/img/lake.png", "image path starting with '/' breaks when the site lives in a sub-folder: "
     "/assets/img/lake.png", "../assets/img/lake.png"),
])
def test_an_image_outside_assets_says_how_to_write_its_path(src, problem, fix):
    assert errors_for(f"Intro.\n\n![A calm lake]({src})\n") == [
        f"content/causes.md:13: {problem} — put the file in assets/ and write its path from this page's file: {fix}"]


def test_a_spanish_page_reaches_assets_two_folders_up():
    assert errors_for("![Un lago](../assets/lago.png)\n", SPANISH)[0].endswith(
        "write its path from this page's file: ../../assets/lago.png")


def test_given_the_assets_a_missing_image_is_found_at_validation():
    md = "Intro.\n\n![A calm lake](../assets/img/lake.png)\n"
    assert errors_for(md, assets={"img/lake.png"}) == []
    assert errors_for(md, assets={"img/lake.jpg"}) == [
        'content/causes.md:13: image ../assets/img/lake.png not found: there is no assets/img/lake.png — '
        'did you mean "../assets/img/lake.jpg"?']
    assert errors_for(md) == []  # without them, the writers refuse it (tests/integration/test_catalogue.py)


def test_asset_names_are_what_the_link_check_compares_with(tmp_path):
    from feelagain.assets import asset_names

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "lake.png").write_bytes(b"png")
    (tmp_path / "img" / ".lake.png.swp").write_bytes(b"editor")
    names = asset_names((tmp_path,))
    assert names == {"img/lake.png"}
    assert errors_for("![A calm lake](../assets/img/lake.png)\n", assets=names) == []

    assert errors_for("![A calm lake](../assets/img/lake.jpg)\n", assets=names)[0].endswith(
        'did you mean "../assets/img/lake.png"?')


@pytest.mark.parametrize(("loc", "href", "problem"), [
    (LOC, "../embed/nope/", "there is no page nope in content/ — use the name of a page in content/ (its file name "
                            "without .md)"),
    (LOC, "../api/pages/sings.json", 'there is no page sings in content/ — did you mean "signs"?'),
    (SPANISH, "../embed/signs/", "there is no page signs in content/es/ — use the name of a page in content/es/ "
                                 "(its file name without .md)"),
])
def test_a_pages_embed_or_api_record_must_name_a_page_of_its_language(loc, href, problem):
    """The build makes an embed and an API record for each page and no other: a misspelt name would publish a
    broken link."""
    assert errors_for(f"See [x]({href}).\n", loc) == [f"{loc.path}:11: link to {href}: {problem}"]


@pytest.mark.parametrize(("loc", "href"), [(LOC, "../embed/signs/"), (LOC, "../api/pages/grief.json"),
                                           (SPANISH, "../embed/senales/"), (SPANISH, "../api/pages/duelo.json")])
def test_a_pages_embed_or_api_record_is_fine(loc, href):
    assert errors_for(f"See [x]({href}).\n", loc) == []
