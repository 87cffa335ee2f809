"""Search in every language: Spanish pages in the Pagefind index, a Spanish search page with its own pinned
results, its CSP rule, and clear errors for a bad Spanish `search:` setting."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from feelagain import headers, search
from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.catalog import es
from tests.support.forked import cli_in_fork
from tests.support.sites import LANGUAGES, ROOT, SITE_YML, TODAY, default_files, page, snapshot, write_files
from tests.unit.test_search_crawl import PATHS


def indexed_urls(bundle: Path) -> set[str]:
    """Return the URL of every page in a Pagefind bundle (each fragment is gzipped 'pagefind_dcd' + JSON)."""
    urls = set()
    for fragment in (bundle / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        urls.add(json.loads(data[len(b"pagefind_dcd"):])["url"])
    return urls


def test_pagefind_indexes_exactly_what_the_crawler_takes(tmp_path: Path):
    # Every path gets a page Pagefind would index; only those the glob takes may be in the bundle.
    for path in PATHS:
        if path.endswith((".html", ".htm")):
            lang = "es" if path.startswith("es/") else "en"
            write_files(tmp_path, {path: f'<!doctype html><html lang="{lang}"><head><title>{path}</title></head>'
                                         f'<body><main data-pagefind-body><p>Words of {path}.</p></main></body></html>'})
    search.build_index(tmp_path, ("es/",))
    crawled = search.crawler(("es/",))
    expected = {"/" + p.removesuffix("index.html") for p in PATHS if crawled(p)}
    assert indexed_urls(tmp_path / search.BUNDLE) == expected
    assert "/es/causas/" in expected and "/es/embed/causas/" not in expected


# --- the bundled site --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The bundled site (content/), built once into a temporary folder."""
    out = tmp_path_factory.mktemp("search-es") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


def test_every_spanish_content_page_is_in_the_spanish_index(dist: Path):
    entry = json.loads((dist / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    spanish = sorted(p.stem for p in (ROOT / "content" / "es").glob("*.md"))
    english = sorted(p.stem for p in (ROOT / "content").glob("*.md"))
    assert entry["languages"]["es"]["page_count"] == len(spanish) > 0
    assert entry["languages"]["en"]["page_count"] == len(english)
    urls = indexed_urls(dist / "pagefind")
    assert {u for u in urls if u.startswith("/es/")} == {"/es/"} | {f"/es/{s}/" for s in spanish if s != "index"}
    assert not [u for u in urls if "embed/" in u or "search/" in u or "print/" in u or "404" in u]


def test_spanish_search_page_speaks_spanish_and_pins_the_help_page(dist: Path):
    html = (dist / "es" / "search" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="es"', html)
    assert f"<title>{es('Search')} – " in html
    for msgid in ("Words to search for", "Search needs JavaScript, which is turned off or blocked in your browser."):
        assert es(msgid) in html, msgid
    assert "Words to search for" not in html and "Search needs JavaScript" not in html
    pinned = json.loads(re.search(r"data-pinned='([^']*)'", html).group(1))
    help_entry = next(p for p in pinned if p["url"].endswith("es/obtener-ayuda/"))
    assert {"suicidio", "suicidas", "crisis", "ayuda", "autolesion", "autolesiones", "emergencia"} <= set(help_entry["terms"])
    assert help_entry["title"] == "Obtener ayuda"
    # The page's form, its "get help" link and the root Pagefind is loaded from.
    assert 'action="../../es/search/"' in html and 'data-root="../../"' in html
    assert re.search(r'<p class="search-help">[^<]*<a href="../../es/obtener-ayuda/">', html), html
    # The English search page stays English, with its own pinned page.
    english = (dist / "search" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in english and "Words to search for" in english and 'data-root="../"' in english
    assert json.loads(re.search(r"data-pinned='([^']*)'", english).group(1))[0]["url"] == "../get-help/"


def test_header_search_box_goes_to_the_page_language_search(dist: Path):
    box = re.compile(r'<form class="site-search" role="search" action="([^"]*)"')
    assert box.findall((dist / "es" / "causas" / "index.html").read_text(encoding="utf-8")) == ["../../es/search/"]
    assert box.findall((dist / "es" / "index.html").read_text(encoding="utf-8")) == ["../es/search/"]
    assert box.findall((dist / "causes" / "index.html").read_text(encoding="utf-8")) == ["../search/"]
    assert box.findall((dist / "es" / "search" / "index.html").read_text(encoding="utf-8")) == []  # has its own


def test_only_the_search_pages_may_run_webassembly(dist: Path):
    rules = (dist / "_headers").read_text(encoding="utf-8").split("\n\n")
    wasm = [r.split("\n")[0] for r in rules if "wasm-unsafe-eval" in r]
    assert wasm == ["/es/search/", "/es/search/index.html", "/search/", "/search/index.html"]
    for rule in rules:
        if rule.split("\n")[0] in wasm:
            assert f"Content-Security-Policy: {headers.SEARCH_CSP}; frame-ancestors 'none'" in rule


def test_search_pages_stay_out_of_the_sitemap_and_the_offline_list(dist: Path):
    sitemap = (dist / "sitemap.xml").read_text(encoding="utf-8")
    assert "/search/" not in sitemap
    worker = (dist / "sw.js").read_text(encoding="utf-8")
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", worker).group(1))
    assert not [p for p in precache if "search" in p], precache


# --- site.yml: a language's own search settings ------------------------------------------------------------

ES_BODY = "Puedes sentirte apagado. Es algo común. Casi siempre mejora con el tiempo.\n"
ES_SEARCH = "    search:\n      pinned:\n        - terms: [crisis, suicidio]\n          page: obtener-ayuda\n"


def spanish_site(root: Path, es_search: str = ES_SEARCH) -> Path:
    site_yml = SITE_YML.replace("language: en\n", "") + LANGUAGES + es_search
    write_files(root, {**default_files(), "content/site.yml": site_yml,
                       "content/es/index.md": page("Inicio", ES_BODY, translation_of="index"),
                       "content/es/obtener-ayuda.md": page("Obtener ayuda", ES_BODY, translation_of="get-help")})
    return root


def test_spanish_pinned_results_are_read_from_the_language_entry(tmp_path: Path):
    site = spanish_site(tmp_path / "site")
    build(load_config(site), today=TODAY, use_cache=False)
    html = (site / "dist" / "es" / "search" / "index.html").read_text(encoding="utf-8")
    pinned = json.loads(re.search(r"data-pinned='([^']*)'", html).group(1))
    assert pinned == [{"terms": ["crisis", "suicidio"], "title": "Obtener ayuda", "description": "About obtener ayuda.",
                       "url": "../../es/obtener-ayuda/"}]
    # The top-level search is the English page's alone.
    english = (site / "dist" / "search" / "index.html").read_text(encoding="utf-8")
    assert json.loads(re.search(r"data-pinned='([^']*)'", english).group(1)) == []


def line_of(site: Path, text: str) -> int:
    lines = (site / "content" / "site.yml").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("es_search, problem, at", [
    ("    search:\n      pinned:\n        - terms: [suicidio]\n          page: get-help\n",
     'pinned page "get-help" does not exist — use the name of a page in content/es/, e.g. obtener-ayuda',
     "- terms: [suicidio]"),
    ("    search:\n      pinned:\n        - terms: suicidio\n          page: obtener-ayuda\n",
     '"terms" should be a list of words or phrases — write pinned: [{terms: [crisis, helpline], page: obtener-ayuda}]',
     "- terms: suicidio"),
    ("    search:\n      pinned: obtener-ayuda\n", '"pinned" should be a list', "pinned: obtener-ayuda"),
    ("    search:\n      pin: []\n", 'unknown field "pin" in the search of language "es"', "pin: []"),
    ("    search: [crisis]\n", '"search" should be a set of \'key: value\' lines', "search: [crisis]"),
])
def test_bad_spanish_pinned_entry_is_a_clear_error(tmp_path: Path, es_search: str, problem: str, at: str):
    site = spanish_site(tmp_path / "site", es_search)
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"content/site.yml:{line_of(site, at)}: {problem}" in result.stderr, result.stderr


def test_the_default_language_entry_may_not_have_its_own_search(tmp_path: Path):
    site = spanish_site(tmp_path / "site", "")
    text = (site / "content" / "site.yml").read_text(encoding="utf-8")
    write_files(site, {"content/site.yml": text.replace("    name: English\n", "    name: English\n    search: {}\n")})
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (f"content/site.yml:{line_of(site, 'search: {}')}: the default language's search settings are the "
            "top-level search — move this search: block to the top level of site.yml") in result.stderr


def test_a_spanish_page_cannot_be_called_search(tmp_path: Path):
    site = spanish_site(tmp_path / "site")
    write_files(site, {"content/es/search.md": page("Buscar", ES_BODY)})
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert 'content/es/search.md: the page name "search" is taken by the generated /es/search/ page' in result.stderr


def test_changing_spanish_pins_rebuilds_its_search_page_like_a_cold_build(tmp_path: Path):
    site = spanish_site(tmp_path / "site")
    build(load_config(site), today=TODAY)
    text = (site / "content" / "site.yml").read_text(encoding="utf-8")
    write_files(site, {"content/site.yml": text.replace("[crisis, suicidio]", "[crisis, suicidio, ayuda]")})
    build(load_config(site), today=TODAY)
    assert '"ayuda"' in (site / "dist" / "es" / "search" / "index.html").read_text(encoding="utf-8")
    cold = spanish_site(tmp_path / "cold")
    write_files(cold, {"content/site.yml": (site / "content" / "site.yml").read_text(encoding="utf-8")})
    build(load_config(cold), today=TODAY, use_cache=False)
    assert snapshot(site / "dist") == snapshot(cold / "dist")


def search_pinned_warnings(site: Path) -> list[str]:
    result = build(load_config(site), today=TODAY, use_cache=False)
    return [str(w) for w in result.warnings if w.rule == "search-pinned"]


def test_a_language_that_pins_nothing_while_the_default_does_is_warned(tmp_path: Path):
    top = "search:\n  pinned:\n    - terms: [crisis]\n      page: get-help\n"
    site = spanish_site(tmp_path / "site", "")
    write_files(site, {"content/site.yml": top + (site / "content" / "site.yml").read_text(encoding="utf-8")})
    assert search_pinned_warnings(site) == [
        f'content/site.yml:{line_of(site, "- code: es")}: language "es" pins no search results, so its search page '
        "does not put its help page first for crisis words as the top-level search does — add search: {pinned: "
        "[{terms: [crisis, …], page: obtener-ayuda}]} to its entry in languages"]
    pinned = spanish_site(tmp_path / "pinned")
    write_files(pinned, {"content/site.yml": top + (pinned / "content" / "site.yml").read_text(encoding="utf-8")})
    assert search_pinned_warnings(pinned) == []
    # A site that pins nothing at all has nothing to lose in one language.
    assert search_pinned_warnings(spanish_site(tmp_path / "none", "")) == []
