"""The print page keeps each page's section between builds, and never a stale one.

Each rebuild below must equal a cold build, without any cache, of the same input in a fresh folder.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from feelagain import printbook
from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import CHECKLIST, SITE_YML, TODAY, default_files, page, snapshot, write_files


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    files: dict[str, str | bytes | None] = {
        **default_files(),
        "content/signs.md": page("Signs", "Some signs.\n\n```checklist\n" + CHECKLIST + "```\n\n"
                                 "Read about [sleep](causes.md#sleep). You can [get help now](get-help.md).\n"),
        "content/causes.md": page("Causes", "Stress can play a part.\n\n## Sleep\n\nRest helps.\n"),
    }
    files["content/site.yml"] = SITE_YML.replace("nav: [index, get-help]", "nav: [index, signs, causes, get-help]")
    write_files(root, files)
    return root


@pytest.fixture
def sections_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the slug of every print section rendered (not taken from the cache)."""
    made: list[str] = []
    localise = printbook.localise

    def counting(html: str, slug: str, targets: dict[str, str]) -> str:
        made.append(slug)
        return localise(html, slug, targets)
    monkeypatch.setattr(printbook, "localise", counting)
    return made


def assert_equals_cold_build(site: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    shutil.rmtree(cold, ignore_errors=True)
    cache = load_config(site).cache_dir.name
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns("dist", ".dist*", cache))
    assert not (cold / cache).exists()
    build(load_config(cold), today=TODAY, use_cache=False)
    assert snapshot(site / "dist") == snapshot(cold / "dist")


def print_page(site: Path) -> str:
    """Return the built print page of site."""
    return (site / "dist" / "print" / "index.html").read_text()


def replaced(site: Path, name: str, old: str, new: str) -> str:
    """Return the text of the site's file name with old replaced by new."""
    return (site / name).read_text().replace(old, new)


def rebuild_with(site: Path, edits: dict[str, str | bytes | None]) -> str:
    """Build site, write edits (a None value deletes the file), build again; return the print page."""
    build(load_config(site), today=TODAY)
    write_files(site, edits)
    build(load_config(site), today=TODAY)
    return print_page(site)


def test_editing_one_page_renders_only_its_section(site: Path, tmp_path: Path, sections_made: list[str]):
    build(load_config(site), today=TODAY)
    assert sorted(sections_made) == ["causes", "get-help", "index", "signs"]
    sections_made.clear()
    write_files(site, {"content/causes.md": page("Causes", "Poor sleep can play a part.\n\n## Sleep\n\nRest.\n")})
    build(load_config(site), today=TODAY)
    assert sections_made == ["causes"]
    assert "Poor sleep can play a part." in print_page(site)
    assert_equals_cold_build(site, tmp_path)


def test_a_changed_title_reaches_the_print_page(site: Path, tmp_path: Path):
    html = rebuild_with(site, {"content/causes.md": replaced(site, "content/causes.md", "title: Causes",
                                                             "title: What can cause it")})
    assert "What can cause it" in html
    assert_equals_cold_build(site, tmp_path)


def test_a_changed_metadata_field_reaches_the_print_page(site: Path, tmp_path: Path):
    html = rebuild_with(site, {"content/causes.md": replaced(site, "content/causes.md", "reviewed: 2026-11-01",
                                                             "reviewed: 2026-11-20")})
    assert "20 November 2026" in html
    assert_equals_cold_build(site, tmp_path)


def test_a_changed_partial_template_renders_every_section_again(site: Path, tmp_path: Path,
                                                                 sections_made: list[str]):
    build(load_config(site), today=TODAY)
    sections_made.clear()
    bundled = Path(__file__).resolve().parents[2] / "templates" / "partials" / "checklist.html"
    write_files(site, {"templates/partials/checklist.html":
                       "<p>CHECKLIST-MARK</p>\n" + bundled.read_text(encoding="utf-8")})
    build(load_config(site), today=TODAY)
    assert sorted(sections_made) == ["causes", "get-help", "index", "signs"]
    assert "CHECKLIST-MARK" in print_page(site)
    assert_equals_cold_build(site, tmp_path)


def test_a_renamed_page_moves_links_to_it_inside_the_print_page(site: Path, tmp_path: Path):
    html = rebuild_with(site, {"content/causes.md": None,
                               "content/reasons.md": (site / "content" / "causes.md").read_text(),
                               "content/signs.md": replaced(site, "content/signs.md", "causes.md", "reasons.md"),
                               "content/site.yml": replaced(site, "content/site.yml", "causes", "reasons")})
    assert 'href="#reasons--sleep"' in html and "causes" not in html
    assert_equals_cold_build(site, tmp_path)


def test_a_damaged_section_store_is_only_a_miss(site: Path, tmp_path: Path):
    build(load_config(site), today=TODAY)
    store = load_config(site).cache_dir / "print" / "render.sqlite"
    assert store.is_file()
    store.write_bytes(b"not a database" * 100)
    write_files(site, {"content/causes.md": page("Causes", "Changed.\n\n## Sleep\n\nRest.\n")})
    build(load_config(site), today=TODAY)
    assert_equals_cold_build(site, tmp_path)


def test_a_site_section_template_is_used_and_invalidates_kept_sections(site: Path, tmp_path: Path):
    html = rebuild_with(site, {"templates/partials/print-section.html":
                               '<article class="print-section" id="{{ s.anchor }}"><h2>{{ s.title }} SECTION-MARK</h2>'
                               "{{ s.body }}</article>"})
    assert html.count("SECTION-MARK") == 4
    assert_equals_cold_build(site, tmp_path)


def section_order(html: str) -> list[str]:
    """Return the slugs of the print page's sections in order."""
    return re.findall(r'<article class="print-section" id="s-([^"]+)"', html)


def test_a_changed_nav_order_reorders_the_print_page(site: Path, tmp_path: Path, sections_made: list[str]):
    build(load_config(site), today=TODAY)
    assert section_order(print_page(site)) == ["index", "signs", "causes", "get-help"]
    sections_made.clear()
    write_files(site, {"content/site.yml": replaced(site, "content/site.yml", "nav: [index, signs, causes, get-help]",
                                                    "nav: [index, causes, signs, get-help]")})
    build(load_config(site), today=TODAY)
    assert section_order(print_page(site)) == ["index", "causes", "signs", "get-help"]
    assert_equals_cold_build(site, tmp_path)


# A site's own print.html whose contents list shows what it keeps of each page's Body: its headings, and
# whether it has a checklist or the list of every country's crisis lines.
CONTENTS_WITH_HEADINGS = ('<a href="#{{ s.anchor }}">{{ s.title }}</a>'
                          '{% if s.has_checklist %} [CHECKLIST]{% endif %}{% if s.has_directory %} [DIRECTORY]{% endif %}'
                          '{% for t in s.toc %} <i>TOC:{{ t.title }}</i>{% endfor %}')


def test_a_contents_list_that_shows_headings_and_checklists_follows_edits(site: Path, tmp_path: Path,
                                                                          sections_made: list[str]):
    bundled = (Path(__file__).resolve().parents[2] / "templates" / "print.html").read_text(encoding="utf-8")
    old = '<a href="#{{ s.anchor }}">{{ s.title }}</a>'
    assert bundled.count(old) == 1
    write_files(site, {"templates/print.html": bundled.replace(old, CONTENTS_WITH_HEADINGS)})
    build(load_config(site), today=TODAY)
    html = print_page(site)
    assert "<i>TOC:Sleep</i>" in html and "Signs</a> [CHECKLIST]" in html and "Causes</a> [CHECKLIST]" not in html
    sections_made.clear()
    write_files(site, {"content/causes.md": page("Causes", "Stress can play a part.\n\n## Sleep\n\nRest helps.\n\n"
                                                 "## Food\n\nEat well.\n\n```checklist\n" + CHECKLIST + "```\n\n"
                                                 "You can [get help now](get-help.md).\n"),
                       "content/signs.md": replaced(site, "content/signs.md", "```checklist\n" + CHECKLIST + "```\n",
                                                    "")})
    build(load_config(site), today=TODAY)
    assert sorted(sections_made) == ["causes", "signs"]
    html = print_page(site)
    assert "<i>TOC:Food</i>" in html and "Causes</a> [CHECKLIST]" in html and "Signs</a> [CHECKLIST]" not in html
    assert_equals_cold_build(site, tmp_path)


@pytest.fixture
def skeletons_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each time print.html itself is rendered (not taken from the cache), by its contents' titles."""
    made: list[str] = []
    render = printbook._render

    def counting(pages, site, sections, articles, extra=None):  # type: ignore[no-untyped-def]
        made.append(",".join(s.title for s in sections))
        return render(pages, site, sections, articles, extra)
    monkeypatch.setattr(printbook, "_render", counting)
    return made


def test_a_text_edit_keeps_the_guide_around_the_sections(site: Path, tmp_path: Path, skeletons_made: list[str],
                                                          sections_made: list[str]):
    build(load_config(site), today=TODAY)
    assert len(skeletons_made) == 1
    skeletons_made.clear()
    sections_made.clear()
    # New words under the same title and headings: only that page's section is made again.
    write_files(site, {"content/causes.md": page("Causes", "Poor sleep can play a part.\n\n## Sleep\n\nRest.\n")})
    build(load_config(site), today=TODAY)
    assert skeletons_made == [] and sections_made == ["causes"]
    assert "Poor sleep can play a part." in print_page(site)
    assert_equals_cold_build(site, tmp_path)
    skeletons_made.clear()  # the cold build filled it too
    # A new heading shows in what print.html is given (each page's table of contents): it is filled again.
    write_files(site, {"content/causes.md": page("Causes", "Poor sleep.\n\n## Sleep\n\nRest.\n\n## Food\n\nEat.\n")})
    build(load_config(site), today=TODAY)
    assert len(skeletons_made) == 1
    assert_equals_cold_build(site, tmp_path)
