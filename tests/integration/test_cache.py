"""The render cache and parallel rendering never change the output, and stale entries are never used."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import feelagain.pipeline as pipeline
from feelagain import workers
from feelagain.config import PROJECT_ROOT, load_config
from tests.support.sites import LANGUAGES, SITE_YML, page, snapshot


def build(site: Path, out: Path, *, use_cache: bool = True) -> pipeline.BuildResult:
    return pipeline.build(load_config(site, out), use_cache=use_cache)


def rebuild_after_replacing(site: Path, out: Path, name: str, old: str, new: str) -> pipeline.BuildResult:
    """Build site into out, replace old with new in the site's file name, build again; return the second build."""
    build(site, out)
    path = site / name
    path.write_text(path.read_text().replace(old, new))
    return build(site, out)


@pytest.fixture
def bigger_site(make_site):
    files = {f"content/p{i:03d}.md": page(f"Page {i}", f"Text of page {i}. See [home](index.md).\n\n## Part {i}\n\nMore.\n")
             for i in range(40)}
    return make_site(files)


def test_cached_and_parallel_builds_equal_a_cold_single_process_build(bigger_site, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 10**9)
    cold = build(bigger_site, tmp_path / "cold", use_cache=False)
    assert cold.cache_hits == 0
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)  # force worker processes
    build(bigger_site, tmp_path / "parallel")
    warm = build(bigger_site, tmp_path / "warm")
    assert warm.cache_hits == cold.pages
    expected = snapshot(tmp_path / "cold")
    assert snapshot(tmp_path / "parallel") == expected
    assert snapshot(tmp_path / "warm") == expected


@pytest.mark.parametrize("parallel", [False, True])
def test_pages_rendered_again_from_cached_front_matter_equal_a_cold_build(bigger_site, tmp_path, monkeypatch,
                                                                         parallel):
    """A new day changes every render key but no source: the front matter comes from the cache, without its
    Markdown, which conversion then takes back from the cache (in worker processes too)."""
    import datetime

    monkeypatch.setattr(pipeline, "RACY_NS", 0)  # the files were written a moment ago
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2 if parallel else 10**9)
    day = datetime.date(2026, 11, 29)
    pipeline.build(load_config(bigger_site, tmp_path / "out"), today=day)
    reads = _count_reads(monkeypatch)
    again = pipeline.build(load_config(bigger_site, tmp_path / "out"), today=day + datetime.timedelta(days=1))
    assert again.cache_hits == 0  # every body rendered again…
    assert reads == []  # …from pages and Markdown the cache gave: no source file was read
    pipeline.build(load_config(bigger_site, tmp_path / "cold"), today=day + datetime.timedelta(days=1), use_cache=False)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")
    assert "Text of page 7." in (tmp_path / "out/p007/index.html").read_text()


@pytest.mark.parametrize("parallel", [False, True])
def test_the_writers_take_each_bodys_key_from_the_store_without_reading_it(bigger_site, tmp_path, monkeypatch,
                                                                          parallel):
    """The body store keeps each Body's render key beside it (converted here, in workers, or from the cache):
    the writers' reuse checks and the guide's key read it there, and it is the Body's own key."""
    import feelagain.writers as writers
    from feelagain.cache import DiskStore

    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2 if parallel else 10**9)
    seen: list[dict[str, tuple[str, str]]] = []
    real = writers.write_site

    def spy(config, site, bodies, *args, **kwargs):
        assert isinstance(bodies, DiskStore)
        seen.append({p.slug: (writers.body_key(bodies, p.slug), bodies[p.slug].key) for p in site.pages})
        return real(config, site, bodies, *args, **kwargs)

    monkeypatch.setattr(pipeline, "write_site", spy)
    build(bigger_site, tmp_path / "out")  # converted
    build(bigger_site, tmp_path / "out")  # every body from the cache
    assert len(seen) == 2 and len(seen[0]) > 40
    for keys in seen:
        assert all(tag == key and len(key) == 64 for tag, key in keys.values())
    assert seen[0] == seen[1]


def test_rebuild_after_editing_one_page_equals_a_cold_build(bigger_site, tmp_path):
    result = rebuild_after_replacing(bigger_site, tmp_path / "out", "content/p007.md", "Text of page 7.",
                                     "Changed words on page 7.")
    assert result.cache_hits == result.pages - 1
    assert "Changed words on page 7." in (tmp_path / "out/p007/index.html").read_text()
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")


def test_an_edit_in_words_the_site_has_is_linted_without_loading_the_hyphenation_dictionary(bigger_site, tmp_path):
    from feelagain.lint import plaintext

    plaintext._COUNTS.clear()
    plaintext.syllables.cache_clear()
    build(bigger_site, tmp_path / "out")  # counts every word and keeps the counts in the cache
    plaintext._COUNTS.clear()  # as a new process would start
    plaintext.syllables.cache_clear()
    plaintext._hyphenator.cache_clear()
    path = bigger_site / "content/p007.md"
    path.write_text(path.read_text().replace("Text of page 7.", "More text of page 12. See page 7."))
    result = build(bigger_site, tmp_path / "out")
    assert result.cache_hits == result.pages - 1
    assert plaintext._hyphenator.cache_info().currsize == 0
    assert "More text of page 12." in (tmp_path / "out/p007/index.html").read_text()
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")


def test_the_syllable_counts_outlive_a_change_to_the_rest_of_the_engine(bigger_site, tmp_path, monkeypatch):
    import feelagain.cache as cache
    from feelagain.lint import plaintext

    build(bigger_site, tmp_path / "out")
    monkeypatch.setattr(cache, "_ENGINE", "another engine")  # every page is converted and linted again…
    plaintext._COUNTS.clear()
    plaintext.syllables.cache_clear()
    plaintext._hyphenator.cache_clear()
    assert build(bigger_site, tmp_path / "out").cache_hits == 0
    assert plaintext._hyphenator.cache_info().currsize == 0  # …with the counts the first build kept


def test_a_changed_template_invalidates_cached_pages(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    templates = site / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>TEMPLATE-MARK</p>{{ page.body }}{% endblock %}')
    build(site, tmp_path / "out")
    assert "TEMPLATE-MARK" in (tmp_path / "out/get-help/index.html").read_text()


def test_a_changed_template_that_is_not_html_reaches_a_cached_build(make_site, tmp_path):
    """templates/sw.js is a template too: an edit to it is in the next build, and a syntax error in it fails."""
    from feelagain.errors import BuildFailed

    site = make_site()
    out = tmp_path / "out"
    build(site, out)
    (site / "templates").mkdir()
    worker = (PROJECT_ROOT / "templates/sw.js").read_text()
    (site / "templates/sw.js").write_text(worker + "// NOTE-MARK\n")
    build(site, out)
    assert "// NOTE-MARK" in (out / "sw.js").read_text()
    before = snapshot(out)
    (site / "templates/sw.js").write_text(worker + "{{ oops(\n")
    with pytest.raises(BuildFailed) as failed:
        build(site, out)
    assert [(e.location.path.as_posix(), e.problem.startswith("template syntax error")) for e in failed.value.errors] \
        == [("templates/sw.js", True)]
    assert snapshot(out) == before


def test_an_editors_swap_and_backup_files_in_templates_are_not_in_the_site_key(make_site, tmp_path):
    """Every template file is in the key of the writers' reuse check (writers.site_fingerprint), but not an
    editor's autosave (.page.html.swp, page.html~, .DS_Store): it would make every page again on each save."""
    from feelagain.templating import Renderer

    site = make_site()
    templates = site / "templates"
    templates.mkdir()
    (templates / "page.html").write_text((PROJECT_ROOT / "templates/page.html").read_text())
    (templates / "sw.js").write_text((PROJECT_ROOT / "templates/sw.js").read_text())

    def own_files() -> list[str]:
        files = Renderer(load_config(site, tmp_path / "out")).source_files()
        return sorted(p.relative_to(templates).as_posix() for p in files if p.is_relative_to(templates))

    assert own_files() == ["page.html", "sw.js"]
    for name in (".page.html.swp", "page.html~", ".DS_Store", "#page.html#", ".git/HEAD"):
        (templates / name).parent.mkdir(parents=True, exist_ok=True)
        (templates / name).write_text("litter")
    assert own_files() == ["page.html", "sw.js"]


def test_a_changed_config_invalidates_cached_pages(make_site, tmp_path):
    rebuild_after_replacing(make_site(), tmp_path / "out", "content/site.yml", "title: Test Site", "title: Renamed Site")
    assert "Renamed Site" in (tmp_path / "out/get-help/index.html").read_text()


def test_a_changed_title_updates_navigation_on_other_pages(make_site, tmp_path):
    rebuild_after_replacing(make_site(), tmp_path / "out", "content/get-help.md", "title: Get help now",
                            "title: Urgent support")
    assert "Urgent support" in (tmp_path / "out/index.html").read_text()


def test_damaged_cache_entries_are_detected_and_rebuilt(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "first")
    import sqlite3

    db = sqlite3.connect(site / ".feelagain-cache/render.sqlite")
    db.execute("UPDATE entries SET value = substr(value, 1, length(value) - 7) || X'00112233445566'")
    db.commit()
    db.close()
    result = build(site, tmp_path / "second")
    assert result.cache_hits == 0
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert build(site, tmp_path / "third").cache_hits == result.pages


def test_deleting_the_cache_is_safe(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    before = snapshot(tmp_path / "out")
    shutil.rmtree(site / ".feelagain-cache")
    build(site, tmp_path / "out")
    assert snapshot(tmp_path / "out") == before


def test_a_cache_file_that_is_not_a_database_is_replaced(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "first")
    (site / ".feelagain-cache/render.sqlite").write_bytes(b"this is not sqlite" * 100)
    for extra in (site / ".feelagain-cache").glob("render.sqlite-*"):
        extra.unlink()
    assert build(site, tmp_path / "second").cache_hits == 0
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert build(site, tmp_path / "third").cache_hits > 0


def _count_reads(monkeypatch) -> list[str]:
    import feelagain.discover as discover

    reads: list[str] = []
    real = discover.read_text_file

    def counting(path, loc):
        reads.append(Path(path).name)
        return real(path, loc)
    monkeypatch.setattr(discover, "read_text_file", counting)
    return reads


def test_unchanged_sources_are_not_read_again(bigger_site, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "RACY_NS", 0)  # the files were written a moment ago
    reads = _count_reads(monkeypatch)
    build(bigger_site, tmp_path / "out")
    assert len(reads) == 42
    reads.clear()
    build(bigger_site, tmp_path / "out")
    assert reads == []
    target = bigger_site / "content/p007.md"
    target.write_text(target.read_text().replace("Text of page 7.", "Longer changed words on page 7."))
    build(bigger_site, tmp_path / "out")
    assert reads == ["p007.md"]
    assert "Longer changed words on page 7." in (tmp_path / "out/p007/index.html").read_text()
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")


def test_pages_with_one_front_matter_layout_share_its_lines_and_keep_their_own(make_site, tmp_path, monkeypatch):
    """Parsed or from the front-matter cache, pages whose front matter has the same layout share one LineMap (a
    large site would keep a copy per page); each page's lines are still those of its own file."""
    files = {f"content/same{i}.md": page(f"Same {i}") for i in range(3)}
    files["content/ordered.md"] = page("Ordered", order="2")  # one more key: sources start a line later
    files["content/points.md"] = page("Points", summary="[One point., Another point.]", aspect="symptoms")
    site = make_site(files)
    monkeypatch.setattr(pipeline, "RACY_NS", 0)  # the files were written a moment ago: cache them anyway
    seen: list[dict] = []
    real = pipeline.for_writing

    def spy(lang_site):
        seen.append({p.slug: p.meta_lines for p in lang_site.pages})
        return real(lang_site)

    monkeypatch.setattr(pipeline, "for_writing", spy)
    build(site, tmp_path / "out")  # parsed
    reads = _count_reads(monkeypatch)
    build(site, tmp_path / "out")  # every page's front matter from the cache
    assert reads == []
    parsed, cached = seen
    assert cached == parsed

    def line_of(slug: str, start: str) -> int:
        text = (site / f"content/{slug}.md").read_text().split("\n")
        return next(i for i, line in enumerate(text, 1) if line.startswith(start))

    for lines in (parsed, cached):
        assert lines["same0"] is lines["same1"] is lines["same2"]
        assert len({id(lines[slug]) for slug in ("same0", "ordered", "points")}) == 3
        for slug in ("same0", "ordered", "points"):
            assert lines[slug].at("title") == line_of(slug, "title:")
            assert lines[slug].at("sources") == line_of(slug, "sources:")
            assert lines[slug].at("sources", 1) == line_of(slug, "  - {publisher: Mind")
        assert lines["points"].at("summary", 1) == line_of("points", "summary:")
        assert lines["points"].at("aspect") == line_of("points", "aspect:")


def test_a_same_size_edit_right_after_a_build_is_seen(bigger_site, tmp_path, monkeypatch):
    """A file changed within one mtime tick of being cached could keep its size and mtime: such recent files
    are never taken from the front-matter cache."""
    reads = _count_reads(monkeypatch)
    build(bigger_site, tmp_path / "out")
    target = bigger_site / "content/p007.md"
    text = target.read_text()
    target.write_text(text.replace("title: Page 7", "title: Page X"))
    assert len(target.read_text()) == len(text)
    reads.clear()
    build(bigger_site, tmp_path / "out")
    assert "p007.md" in reads
    assert "Page X" in (tmp_path / "out/p007/index.html").read_text()


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _change(site: Path, kind: str) -> None:
    from feelagain.config import PROJECT_ROOT

    if kind == "template":  # a site's own page.html: content pages use it (home.html extends it), embeds do not
        (site / "templates").mkdir(exist_ok=True)
        base = (PROJECT_ROOT / "templates/page.html").read_text()
        (site / "templates/page.html").write_text(base.replace("{%- block content %}", "{%- block content %}<!--T-->", 1))
    elif kind == "config":
        config = site / "content/site.yml"
        config.write_text(config.read_text().replace("title: Test Site", "title: Renamed Site"))
    elif kind == "crisis":
        crisis = site / "content/crisis.yml"
        text = crisis.read_text()
        assert "description: " in text
        crisis.write_text(text.replace("description: ", "description: Changed. ", 1))
    else:  # a site's own stylesheet
        (site / "assets/css").mkdir(parents=True, exist_ok=True)
        base = (PROJECT_ROOT / "assets/css/site.css").read_text()
        (site / "assets/css/site.css").write_text(base + "\n.t { color: red; }\n")


@pytest.mark.parametrize("kind", ["template", "config", "crisis", "asset"])
def test_a_changed_site_input_rewrites_exactly_what_depends_on_it(bigger_site, tmp_path, kind):
    """Template, config, crisis lines or an asset change: the output equals a cold build of the new input, the
    pages that show the input changed, and files that do not depend on it are kept (same inode), not rewritten."""
    out = tmp_path / "out"
    build(bigger_site, out)
    build(bigger_site, out)  # now the previous generation waits beside out/ as well
    before = _state(out)
    _change(bigger_site, kind)
    build(bigger_site, out)
    after = _state(out)
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert {k: v[0] for k, v in after.items()} == snapshot(tmp_path / "cold")
    changed = {k for k in after if k not in before or before[k][0] != after[k][0]}
    kept = {k for k in after if k in before and before[k] == after[k]}
    pages = {f"p{i:03d}/index.html" for i in range(40)}
    assert pages <= changed  # every content page shows the changed input
    if kind == "template":
        assert {f"embed/p{i:03d}/index.html" for i in range(40)} <= kept
    if kind in ("template", "crisis", "asset"):  # none of these is in the JSON files for machines
        machine = {k for k in after if k.startswith(("oembed/", "api/pages/"))}
        assert machine and machine <= kept
    if kind == "crisis":  # the API records point to the crisis lines: their file changes, and the index
        assert {"api/crisis.json", "api/pages.json"} <= changed
    if kind == "asset":
        assert any(k.startswith("assets/site.") for k in after.keys() - before.keys())
    assert "robots.txt" in kept


def test_the_crisis_block_is_spliced_per_depth_and_a_sites_own_is_rendered_per_page(make_site, tmp_path):
    from feelagain.config import PROJECT_ROOT

    site = make_site()
    build(site, tmp_path / "out")
    top = (tmp_path / "out/index.html").read_text()
    deep = (tmp_path / "out/get-help/index.html").read_text()
    assert '<a href="get-help/">All crisis lines by country</a>' in top
    assert '<a href="../get-help/">All crisis lines by country</a>' in deep
    own = (PROJECT_ROOT / "templates/partials/crisis.html").read_text().replace(
        '{{ _("All crisis lines by country") }}', "All crisis lines (from {{ page.slug }})")
    assert "(from {{ page.slug }})" in own
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/crisis.html").write_text(own)
    build(site, tmp_path / "out")
    assert "All crisis lines (from index)" in (tmp_path / "out/index.html").read_text()
    assert "All crisis lines (from get-help)" in (tmp_path / "out/get-help/index.html").read_text()


def test_an_edit_to_a_pages_text_keeps_the_listings_and_remakes_the_guide(bigger_site, tmp_path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    """A change to one page's words (not its metadata): the files made from every page's metadata (embed
    guide, API index, sitemap, search page…) are kept as they are, the print page and offline files are made
    again, and the whole output still equals a cold build."""
    from feelagain import writers

    out = tmp_path / "out"
    build(bigger_site, out)
    build(bigger_site, out)
    before = _state(out)
    made: list[str] = []
    for name in ("api_files", "embed_index"):
        monkeypatch.setattr(writers.embed, name, _recorder(made, name, getattr(writers.embed, name)))
    monkeypatch.setattr(writers, "guide_tools", _recorder(made, "guide_tools", writers.guide_tools))
    target = bigger_site / "content/p007.md"
    target.write_text(target.read_text() + "\nOne more plain sentence about rest.\n")
    build(bigger_site, out)
    assert made == ["guide_tools"]
    after = _state(out)
    listings = {"embed/index.html", "api/pages.json", "sitemap.xml", "_headers", "search/index.html", "404.html"}
    assert all(before[k] == after[k] for k in listings)
    assert before["print/index.html"][0] != after["print/index.html"][0]
    assert before["p007/index.html"][0] != after["p007/index.html"][0]
    made.clear()
    target.write_text(target.read_text().replace("title: Page 7", "title: Page Seven"))
    build(bigger_site, out)  # a new title: the listings show it
    assert sorted(made) == ["api_files", "embed_index", "guide_tools"]
    assert "Page Seven" in (out / "embed/index.html").read_text()
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def _recorder(made: list[str], name: str, function):
    def recording(*args, **kwargs):
        made.append(name)
        return function(*args, **kwargs)
    return recording


@pytest.fixture
def two_language_site(make_site):
    """A site in English and Spanish, big enough for worker processes in both languages."""
    es = {f"content/es/p{i:03d}.md": page(f"Página {i}", f"Texto de la página {i}. Mira el [inicio](index.md).\n\n"
                                              f"## Parte {i}\n\nMás.\n") for i in range(20)}
    return make_site({"content/site.yml": SITE_YML.replace("language: en\n", "") + LANGUAGES,
                      **{f"content/p{i:03d}.md": page(f"Page {i}", f"Text of page {i}.\n\n## Part {i}\n\nMore.\n")
                         for i in range(20)},
                      "content/es/index.md": page("Inicio", "Hola. Mira la [ayuda](obtener-ayuda.md).\n",
                                                  translation_of="index"),
                      "content/es/obtener-ayuda.md": page("Obtener ayuda", "## Llama\n\nLlama cuando quieras.\n",
                                                          translation_of="get-help"),
                      **es})


# Each other language's pages made from the whole guide or from every page's metadata.
SPANISH_TOOLS = ("es/print/index.html", "es/offline/index.html", "es/embed/index.html", "es/api/pages.json")


def test_every_languages_tools_are_the_same_cold_cached_and_parallel(two_language_site, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 10**9)
    build(two_language_site, tmp_path / "cold", use_cache=False)
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)  # force worker processes
    build(two_language_site, tmp_path / "parallel")
    build(two_language_site, tmp_path / "warm")  # sections of both printed guides from the cache
    expected = snapshot(tmp_path / "cold")
    assert all(name in expected for name in SPANISH_TOOLS), sorted(expected)
    assert expected["es/print/index.html"].count(b'class="print-section"') == 22
    assert snapshot(tmp_path / "parallel") == expected
    assert snapshot(tmp_path / "warm") == expected


def test_an_edit_to_a_spanish_pages_text_remakes_its_guide_and_keeps_its_listings(two_language_site, tmp_path):
    out = tmp_path / "out"
    build(two_language_site, out)
    before = _state(out)
    target = two_language_site / "content/es/p007.md"
    target.write_text(target.read_text() + "\nUna frase corta más sobre el descanso.\n")
    build(two_language_site, out)
    after = _state(out)
    for name in ("es/embed/index.html", "es/api/pages.json", "embed/index.html", "api/pages.json"):
        assert before[name] == after[name], name
    assert before["es/print/index.html"][0] != after["es/print/index.html"][0]
    assert "Una frase corta más" in (out / "es/print/index.html").read_text()
    assert before["print/index.html"][0] == after["print/index.html"][0]  # the English guide has the same bytes
    build(two_language_site, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")


def _guide_tools_made(site: Path, out: Path) -> list[set[str]]:
    """Build `site` and return, per call of `writers.guide_tools`, the set of files it made."""
    from feelagain import writers

    made: list[set[str]] = []
    guide_tools = writers.guide_tools

    def recording(*args, **kwargs):
        files = guide_tools(*args, **kwargs)
        made.append({dest.as_posix() for dest in files})
        return files
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "guide_tools", recording)
        build(site, out)
    return made


def test_guide_files_names_what_guide_tools_makes_in_every_language(two_language_site, tmp_path):
    from feelagain import writers

    names = {p.as_posix() for p in writers.guide_files(load_config(two_language_site))}
    assert {"es/print/index.html", "es/offline/index.html"} <= names
    assert _guide_tools_made(two_language_site, tmp_path / "out") == [names]


def test_guide_files_names_what_guide_tools_makes(make_site, tmp_path):
    from feelagain import writers

    assert _guide_tools_made(make_site(), tmp_path / "out") == [{p.as_posix() for p in writers.GUIDE_FILES}]


def test_a_changed_catalog_remakes_that_languages_print_sections(two_language_site, tmp_path):
    bundled = (PROJECT_ROOT / "locale/es/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert 'msgstr "Última revisión de la página:"' in bundled
    own = two_language_site / "locale/es/LC_MESSAGES/messages.po"
    own.parent.mkdir(parents=True)
    own.write_text(bundled, encoding="utf-8")
    out = tmp_path / "out"
    build(two_language_site, out)
    english = (out / "print/index.html").read_bytes()
    own.write_text(bundled.replace('msgstr "Última revisión de la página:"', 'msgstr "Revisada el:"'),
                   encoding="utf-8")
    build(two_language_site, out)
    spanish = (out / "es/print/index.html").read_text()
    assert spanish.count("Revisada el:") == 22 and "Última revisión de la página:" not in spanish
    assert (out / "print/index.html").read_bytes() == english
    build(two_language_site, tmp_path / "cold", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "cold")
