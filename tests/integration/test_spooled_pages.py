"""Pages that grow with the site are spooled to disk as they are made: the print page (a section at a time,
byte for byte what the whole-page way makes) and the embed guide (its safety parts checked as it goes)."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from feelagain import pages as pages_module
from feelagain import printbook
from feelagain.config import load_config
from feelagain.errors import BuildError, BuildFailed
from feelagain.markup import Body
from feelagain.model import Site
from feelagain.pages import PageRenderer
from feelagain.pipeline import build
from feelagain.spool import Spooled
from tests.support.sites import snapshot

ROOT = Path(__file__).resolve().parents[2]
PRINT = "print/index.html"
PRINT_ES = "es/print/index.html"  # each other language has its own printed guide, made the same way


def bundled_copy(folder: Path) -> Path:
    shutil.copytree(ROOT / "content", folder / "content")
    return folder


@pytest.fixture
def whole_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the print pages made the whole way (in memory) rather than a section at a time."""
    calls: list[int] = []
    whole = printbook.whole_print_page

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return whole(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(printbook, "whole_print_page", counting)
    return calls


def made_the_whole_way(site: Site, bodies: Mapping[str, Body], pages: PageRenderer,
                       store: printbook.SectionStore | None = None, salt: str = "",
                       spool_dir: Path | None = None, extra: Mapping[str, object] | None = None,
                       body_key: object = None) -> Spooled:
    spooled = Spooled(spool_dir)
    spooled.write(printbook.whole_print_page(site, bodies, pages, store, salt, extra))
    return spooled


def test_the_spooled_print_page_equals_the_whole_page_on_the_bundled_site(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          whole_calls: list[int]):
    streamed = bundled_copy(tmp_path / "streamed")
    build(load_config(streamed))
    assert whole_calls == []  # the bundled print.html is filled a section at a time
    whole = bundled_copy(tmp_path / "whole")
    monkeypatch.setattr(printbook, "print_page", made_the_whole_way)
    build(load_config(whole))
    got, expected = snapshot(streamed / "dist"), snapshot(whole / "dist")
    assert got[PRINT] == expected[PRINT]
    assert got[PRINT_ES] == expected[PRINT_ES]
    assert got[PRINT].count(b'class="print-section"') == len(list((ROOT / "content").glob("*.md")))
    assert got[PRINT_ES].count(b'class="print-section"') == len(list((ROOT / "content" / "es").glob("*.md")))
    assert got == expected


def test_a_second_build_takes_the_sections_from_the_cache_and_writes_the_same_page(tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch):
    site = bundled_copy(tmp_path / "site")
    build(load_config(site))
    first = (site / "dist" / PRINT).read_bytes()
    made: list[str] = []
    localise = printbook.localise
    monkeypatch.setattr(printbook, "localise", lambda html, slug, targets: made.append(slug) or localise(html, slug, targets))
    (site / "dist" / PRINT).unlink()  # so the print page is made again, not kept as it was
    build(load_config(site))
    assert made == []
    assert (site / "dist" / PRINT).read_bytes() == first


def test_no_cache_makes_every_section_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site = bundled_copy(tmp_path / "site")
    build(load_config(site))
    made: list[str] = []
    localise = printbook.localise
    monkeypatch.setattr(printbook, "localise", lambda html, slug, targets: made.append(slug) or localise(html, slug, targets))
    shutil.rmtree(site / "dist")
    build(load_config(site), use_cache=False)
    # Every section of every language's printed guide.
    assert sorted(made) == sorted(p.stem for p in (site / "content").glob("**/*.md"))


def test_a_print_template_that_shows_bodies_its_own_way_is_filled_whole(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch,
                                                                        whole_calls: list[int]):
    """A site's own print.html that puts each body in the contents list (not the articles) still gets them."""
    site = bundled_copy(tmp_path / "site")
    own = (ROOT / "templates" / "print.html").read_text(encoding="utf-8").replace(
        "{%- for article in articles %}\n{{ article }}\n{%- endfor %}",
        "{%- for s in sections %}\n<div class=\"own\">{{ s.body }}</div>\n{%- endfor %}")
    assert "for article in articles" not in own
    (site / "templates").mkdir()
    (site / "templates" / "print.html").write_text(own, encoding="utf-8")
    build(load_config(site))
    assert whole_calls == [1, 1]  # the English and the Spanish guide
    html = (site / "dist" / PRINT).read_text(encoding="utf-8")
    assert printbook.BODY_STAND_IN not in html and "feelagain:print-section" not in html
    assert html.count('<div class="own">') == len(list((site / "content").glob("*.md")))
    assert "class=\"print-section\"" not in html
    whole = bundled_copy(tmp_path / "whole")
    shutil.copytree(site / "templates", whole / "templates")
    monkeypatch.setattr(printbook, "print_page", made_the_whole_way)
    build(load_config(whole))
    assert (whole / "dist" / PRINT).read_text(encoding="utf-8") == html
    spanish = (site / "dist" / PRINT_ES).read_text(encoding="utf-8")
    assert spanish.count('<div class="own">') == len(list((site / "content" / "es").glob("*.md")))
    assert (whole / "dist" / PRINT_ES).read_text(encoding="utf-8") == spanish


def test_spooled_keeps_digest_size_and_bytes(tmp_path: Path):
    spooled = Spooled(tmp_path)
    parts = [b"<p>", "café ".encode() * 100_000, b"</p>"]
    for part in parts:
        spooled.write(part)
    data = b"".join(parts)
    assert spooled.size == len(data)
    assert spooled.digest == hashlib.sha256(data).hexdigest()
    assert spooled.read() == data
    same, other, shorter = tmp_path / "same", tmp_path / "other", tmp_path / "shorter"
    with open(same, "wb") as handle:
        spooled.copy_to(handle)
    assert same.read_bytes() == data
    other.write_bytes(data[:-2] + b"p!")
    shorter.write_bytes(data[:-1])
    assert spooled.same_as(same)
    assert not spooled.same_as(other)
    assert not spooled.same_as(shorter)
    assert not spooled.same_as(tmp_path / "missing")
    assert set(tmp_path.iterdir()) == {same, other, shorter}  # the spool itself has no name on disk
    spooled.close()


def renderer(tmp_path: Path) -> PageRenderer:
    from feelagain.crisis import load_crisis
    from feelagain.discover import read_sources
    from feelagain.errors import Problems
    from feelagain.pipeline import order_site, parse_pages
    from tests.support.sites import TODAY, default_files, write_files

    write_files(tmp_path, default_files())
    config = load_config(tmp_path)
    problems = Problems()
    crisis = load_crisis(tmp_path, config.default_region, None, problems, TODAY)
    assert crisis is not None
    site = order_site(config, parse_pages(read_sources(config.content_dir, problems, "content"), problems), problems)
    return PageRenderer(config, site, crisis, {})


PARTS = ['<div class="crisis" data-crisis>', '<a href="#" data-exit-link>', '<main id="main">']  # MUST_HAVE's order


@pytest.mark.parametrize("cut", [0, 1, 5, 7, 12, 20, 28, 29])
def test_finish_into_finds_a_part_cut_between_two_blocks(tmp_path: Path, cut: int, monkeypatch: pytest.MonkeyPatch):
    pages = renderer(tmp_path)
    part = PARTS[0]
    assert cut < len(part)
    filler = "<p>" + "x" * (pages_module.BLOCK - 3 - cut)  # the first block ends after the part's first `cut` characters
    pieces = [filler, part[:cut], part[cut:], "<p>" + "y" * 3 * pages_module.BLOCK, PARTS[1], PARTS[2]]
    spooled = Spooled(tmp_path)
    pages.finish_into("page.html", pieces, spooled)
    assert spooled.read() == "".join(pieces).encode()
    spooled.close()
    if cut > 1:  # the same pieces with one character of overlap: the cut part is missed, so the cut is real
        monkeypatch.setattr(pages_module, "OVERLAP", 1)
        with pytest.raises(BuildError, match="no crisis help block"):
            pages.finish_into("page.html", pieces, Spooled(tmp_path))


@pytest.mark.parametrize("left_out", range(3))
def test_finish_into_names_a_missing_part(tmp_path: Path, left_out: int):
    pages = renderer(tmp_path)
    pieces = ["<p>" + "x" * pages_module.BLOCK] + [part for index, part in enumerate(PARTS) if index != left_out]
    with pytest.raises(BuildError) as caught:
        pages.finish_into("page.html", pieces, Spooled(tmp_path))
    what = [w for w, _ in pages_module.MUST_HAVE][left_out]
    assert f"have {what}" in str(caught.value) and str(caught.value).startswith("templates/base.html")


def test_the_spooled_embed_guide_lists_every_page(tmp_path: Path):
    site = bundled_copy(tmp_path / "site")
    build(load_config(site))
    guide = (site / "dist" / "embed" / "index.html").read_text(encoding="utf-8")
    slugs = sorted(p.stem for p in (site / "content").glob("*.md"))
    spanish = list((site / "content" / "es").glob("*.md"))
    assert guide.count('class="embed-item"') == len(slugs) + len(spanish)
    for slug in slugs:
        assert f'id="embed-{slug}"' in guide
    assert guide.endswith("</html>\n")


def test_an_embed_guide_without_the_safety_parts_stops_the_build(tmp_path: Path):
    site = bundled_copy(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "embed-index.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head><body>'
        "{% for e in embeds %}<p>{{ e.title }}</p>{% endfor %}</body></html>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(load_config(site))
    message = str(caught.value.errors[0])
    assert message.startswith("templates/embed-index.html: pages made with it have no crisis help block")
    assert not (site / "dist").exists()


def test_the_printed_sources_name_every_doi(tmp_path: Path):
    """A source known by its DOI alone keeps it on paper: the printed guide shows the DOI and links it."""
    import yaml

    site = bundled_copy(tmp_path / "site")
    build(load_config(site))
    html = (site / "dist" / PRINT).read_text(encoding="utf-8")
    dois = []
    for path in sorted((site / "content").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        dois += [src["doi"] for src in meta.get("sources", []) if src.get("doi")]
    assert dois  # the bundled pages cite papers by DOI
    for doi in dois:
        assert f'DOI: <a class="print-url" href="https://doi.org/{doi}">{doi}</a>' in html


@pytest.mark.parametrize("chunk", [1, 7, 1 << 20])
def test_spool_text_writes_the_utf8_of_every_part_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           chunk: int):
    from feelagain import spool

    monkeypatch.setattr(spool, "CHUNK", chunk)  # batches of every size, down to one part each
    parts = ["<url>", "señales/", "", "ü" * 5, "</url>\n"] * 3
    spooled = spool.spool_text(iter(parts), tmp_path)
    assert spooled.read() == "".join(parts).encode()
    assert spooled.digest == hashlib.sha256("".join(parts).encode()).hexdigest()


def test_spool_text_deletes_its_file_when_the_parts_fail(tmp_path: Path):
    from feelagain import spool

    def parts():
        yield "x" * 10
        raise ValueError("a template problem")

    before = set(tmp_path.iterdir())
    made: list[Spooled] = []
    real = spool.Spooled

    def recording(folder: Path | None = None) -> Spooled:
        made.append(real(folder))
        return made[-1]
    spool.Spooled = recording  # type: ignore[misc]
    try:
        with pytest.raises(ValueError, match="a template problem"):
            spool.spool_text(parts(), tmp_path)
    finally:
        spool.Spooled = real  # type: ignore[misc]
    assert made and made[0].file.closed
    assert set(tmp_path.iterdir()) == before


def test_the_spooled_listings_equal_the_files_made_in_memory(tmp_path: Path):
    from feelagain import embed, headers

    site_dir = bundled_copy(tmp_path / "site")
    build(load_config(site_dir))
    out = site_dir / "dist"
    config = load_config(site_dir)
    sitemap = (out / "sitemap.xml").read_bytes()
    header_file = (out / "_headers").read_bytes()
    # The in-memory _headers, from what the sitemap lists: every page URL of every language.
    urls = [loc.decode().removeprefix(config.base_url) for loc in re.findall(rb"<loc>([^<]*)</loc>", sitemap)]
    assert "es/causas/" in urls and "embed/" in urls and "es/embed/" in urls
    assert sitemap.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset') and sitemap.endswith(b"</urlset>\n")
    # The embed guides (embed/, es/embed/) have rules of their own, not a page's.
    assert header_file == headers.netlify_headers(config, [u for u in urls if u not in ("embed/", "es/embed/")])
    assert header_file.count(b"\n/es/causas/\n") == 1
    for name, folder in (("api/pages.json", ROOT / "content"), ("es/api/pages.json", ROOT / "content" / "es")):
        index = (out / name).read_bytes()
        assert index == embed.to_json(json.loads(index))  # json.dumps's own layout, byte for byte
        assert len(json.loads(index)["pages"]) == len(list(folder.glob("*.md")))
