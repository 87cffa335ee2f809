"""Each language's own print page, offline notice, embed guide and content-API index (/es/print/, /es/offline/,
/es/embed/, /es/api/pages.json): in that language's words (from its catalog), paired with the default
language's by hreflang, in the sitemap and _headers like the English ones, for any language in site.yml."""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import jsonschema
import pytest
import yaml

from feelagain.config import load_config
from feelagain.errors import BuildFailed
from feelagain.pipeline import build
from tests.integration.test_host_configs import matching, parse_headers
from tests.support.catalog import es
from tests.support.sites import LANGUAGES, ROOT, SITE_YML, TODAY, default_files, page, write_files

SITE = yaml.safe_load((ROOT / "content" / "site.yml").read_text(encoding="utf-8"))
ES_NAV = next(lang for lang in SITE["languages"] if lang["code"] == "es")["nav"]
BASE = SITE["base_url"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("tools") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


def read(dist: Path, name: str) -> str:
    return (dist / name).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """The words of <main>, without tags, scripts or extra spaces."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main.group(0)))).strip()


def html_lang(html: str) -> str | None:
    match = re.search(r'<html lang="([^"]+)"', html)
    return match.group(1) if match else None


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def plain(msgid: str) -> str:
    """A catalog string as readers see it (tags dropped; %(name)s parts cut off at the first one)."""
    return re.sub(r"<[^>]+>", "", es(msgid)).split("%(")[0].strip()


# ------------------------------------------------------------------------------------------- print page

def test_the_spanish_print_page_has_every_spanish_page_in_nav_order_in_spanish(dist: Path):
    html = read(dist, "es/print/index.html")
    assert html_lang(html) == "es"
    anchors = re.findall(r'<article class="print-section" id="s-([^"]+)"', html)
    assert anchors == ES_NAV
    words = text_of(html)
    for msgid in ("Contents", "Key points", "Sources", "Help lines you can call or text are on the last page.",
                  "The whole guide, from pages last reviewed on or before %(date)s.", "(reviewed %(date)s)",
                  "Page last reviewed:"):
        assert plain(msgid) in words, msgid
    for english in ("Contents", "Key points", "The whole guide", "reviewed on or before", "Page last reviewed",
                    "Help lines you can call"):
        assert english not in words, english
    assert "<title>" + es("%(title)s: the whole guide") % {"title": SITE["title"]} in html
    # Links between the Spanish pages stay inside the guide; the crisis lines are the Spanish ones (988 first).
    assert 'href="#s-obtener-ayuda"' in html or 'href="#obtener-ayuda--' in html
    assert not re.search(r'href="\.\./(causas|senales|obtener-ayuda)/', html)
    footer = html[html.index('id="need-help"'):]
    assert "988" in footer


def test_the_english_print_page_is_unchanged_in_its_pages_and_words(dist: Path):
    html = read(dist, "print/index.html")
    assert html_lang(html) == "en"
    assert "<h2 id=\"contents-title\">Contents</h2>" in html and "The whole guide, from pages" in html
    assert 's-causes' in html and 's-causas' not in html


def test_print_pages_pair_by_hreflang_and_switcher(dist: Path):
    english, spanish = read(dist, "print/index.html"), read(dist, "es/print/index.html")
    expected = {"en": BASE + "print/", "x-default": BASE + "print/", "es": BASE + "es/print/"}
    assert hreflangs(english) == expected and hreflangs(spanish) == expected
    assert '<a href="../es/print/" hreflang="es" lang="es">Español</a>' in english
    assert '<a href="../../print/" hreflang="en" lang="en">English</a>' in spanish


@pytest.mark.parametrize(("page_file", "href"), [
    ("index.html", "print/"), ("about/index.html", "../print/"),
    ("es/index.html", "../es/print/"), ("es/acerca-de/index.html", "../../es/print/"),
])
def test_home_and_about_link_the_whole_guide_in_their_own_language(dist: Path, page_file: str, href: str):
    html = read(dist, page_file)
    text = "Print the whole guide" if not page_file.startswith("es/") else es("Print the whole guide")
    assert f'<p><a href="{href}">{text}</a></p>' in html
    assert (dist / page_file).parent.joinpath(href, "index.html").resolve().is_file()


def test_other_spanish_pages_do_not_link_the_whole_guide(dist: Path):
    assert 'print/">' not in read(dist, "es/causas/index.html").split('class="print-tools"')[1].split("</div>")[0]


def test_the_spanish_search_page_without_javascript_points_to_the_spanish_contents(dist: Path):
    html = read(dist, "es/search/index.html")
    assert 'href="../../es/print/#contents"' in html
    assert 'id="contents"' in read(dist, "es/print/index.html")


# ----------------------------------------------------------------------------------------- offline notice

def test_the_spanish_offline_notice_is_in_spanish_and_links_both_help_pages(dist: Path):
    html = read(dist, "es/offline/index.html")
    assert html_lang(html) == "es"
    assert f"<h1>{es('You are offline')}</h1>" in html
    words = text_of(html)
    assert plain("This page is not saved on this device, and there is no internet connection right now.") in words
    assert "You are offline" not in words and "not saved on this device" not in words
    # Its own help page in the text, the English one named in English (lang="en").
    assert f'<a href="../../es/obtener-ayuda/">{es("Get help now")}</a>' in html
    assert re.search(r'<a href="\.\./\.\./get-help/" lang="en" hreflang="en">[^<]+</a>', html)
    assert 'name="robots" content="noindex"' in html
    assert "988" in html[html.index('id="need-help"'):]


def test_the_worker_keeps_each_notice_and_knows_which_language_gets_which(dist: Path):
    sw = read(dist, "sw.js")
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", sw).group(1))
    assert "offline/" in precache and "es/offline/" in precache
    notices = json.loads(re.search(r"const NOTICES = (\{.*?\});", sw).group(1))
    assert notices == {"es/": "es/offline/"}
    english = read(dist, "offline/index.html")
    assert html_lang(english) == "en" and "<h1>You are offline</h1>" in english
    assert '<a href="../es/offline/" hreflang="es" lang="es">Español</a>' in english


# -------------------------------------------------------------------------------------------- embed guide

def test_the_spanish_embed_guide_lists_the_spanish_pages_with_data_lang(dist: Path):
    html = read(dist, "es/embed/index.html")
    assert html_lang(html) == "es"
    sections = re.findall(r'<section class="embed-item" aria-labelledby="embed-([^"]+)">', html)
    spanish = sorted(p.stem for p in (ROOT / "content" / "es").glob("*.md"))
    assert sorted(sections) == spanish
    for slug in spanish:
        assert f'data-feelagain=&#34;{slug}&#34; data-lang=&#34;es&#34;' in html \
            or f'data-feelagain="{slug}" data-lang="es"' in unescape(html), slug
        assert f'<a href="{slug}/">' in html and (dist / "es" / "embed" / slug / "index.html").is_file()
    # No snippet names a region: each reader's own applies (a region there would outrank it).
    snippets = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", html, re.S)
    assert snippets and not [s for s in snippets if "data-region" in unescape(s)], snippets
    words = text_of(html)
    for msgid in ("How to embed a page", "Rules of use", "Pages you can embed", "Frame only",
                  "Keep the line that says where the page comes from, with its link and review date."):
        assert plain(msgid) in words, msgid
    for english in ("How to embed a page", "Rules of use", "Pages you can embed", "Preview the embedded page"):
        assert english not in words, english
    # The content API it points to is the Spanish one.
    assert 'href="../../es/api/pages.json"' in html and 'href="../../es/api/crisis.json"' in html
    assert 'href="../../api/page.schema.json"' in html


def test_the_english_embed_guide_still_lists_every_language(dist: Path):
    html = read(dist, "embed/index.html")
    assert 'id="embed-signs"' in html and 'id="embed-es-senales"' in html
    assert 'href="../api/pages.json"' in html


def test_embed_guides_pair_and_are_in_the_sitemap_with_alternates(dist: Path):
    expected = {"en": BASE + "embed/", "x-default": BASE + "embed/", "es": BASE + "es/embed/"}
    assert hreflangs(read(dist, "embed/index.html")) == expected
    assert hreflangs(read(dist, "es/embed/index.html")) == expected
    sitemap = read(dist, "sitemap.xml")
    entry = re.search(r"<url><loc>" + re.escape(BASE + "es/embed/") + r"</loc>.*?</url>", sitemap)
    assert entry and 'hreflang="en" href="' + BASE + 'embed/"' in entry.group(0)
    # Every page's footer link goes to its own language's guide.
    assert '<a href="../../es/embed/">' + es("Embed these pages") + "</a>" in read(dist, "es/causas/index.html")
    assert '<a href="../embed/">Embed these pages</a>' in read(dist, "causes/index.html")


# ------------------------------------------------------------------------------------- content-API index

def test_the_spanish_api_index_lists_the_spanish_records_and_their_crisis_file(dist: Path):
    index = json.loads(read(dist, "es/api/pages.json"))
    jsonschema.validate(index, json.loads(read(dist, "api/pages.schema.json")))
    assert index["site"]["language"] == "es"
    slugs = [p["slug"] for p in index["pages"]]
    assert sorted(slugs) == sorted(p.stem for p in (ROOT / "content" / "es").glob("*.md"))
    assert index["crisis_url"] == BASE + "es/api/crisis.json"
    assert index["crisis"] == json.loads(read(dist, "es/api/crisis.json"))
    for entry in index["pages"]:
        assert entry["api_url"] == f"{BASE}es/api/pages/{entry['slug']}.json"
        record = json.loads(read(dist, f"es/api/pages/{entry['slug']}.json"))
        assert record["crisis"]["url"] == index["crisis_url"]
        assert record["url"] == entry["url"] and record["title"] == entry["title"]
    english = json.loads(read(dist, "api/pages.json"))
    assert english["crisis_url"] == BASE + "api/crisis.json" and english["site"]["language"] == "en"
    assert all(p["api_url"].startswith(BASE + "api/pages/") for p in english["pages"])
    assert not (dist / "es" / "api" / "pages.schema.json").exists()  # the schemas are shared, at api/


# ------------------------------------------------------------------------------------------- _headers

@pytest.mark.parametrize("path", ["/es/print/", "/es/offline/", "/es/embed/", "/es/embed/index.html"])
def test_headers_make_each_spanish_tool_page_an_unframeable_page(dist: Path, path: str):
    rules = matching(parse_headers(read(dist, "_headers")), path)
    policies = [r["Content-Security-Policy"] for r in rules if "Content-Security-Policy" in r]
    assert any("frame-ancestors 'none'" in p for p in policies), (path, policies)
    assert any(r.get("X-Frame-Options") == "DENY" for r in rules), path
    assert all("unsafe" not in p for p in policies)


def test_spanish_embeds_stay_framable(dist: Path):
    rules = matching(parse_headers(read(dist, "_headers")), "/es/embed/senales/")
    assert not any(r.get("X-Frame-Options") == "DENY" for r in rules)


# ------------------------------------------------------------------------ any language, reserved names

def _site(root: Path, languages: str, extra: dict[str, str | bytes | None] | None = None) -> Path:
    write_files(root, {**default_files(), "content/site.yml": SITE_YML.replace("language: en\n", "") + languages,
                       "content/es/index.md": page("Inicio", "Hola. Mira la [ayuda](obtener-ayuda.md).\n",
                                                   translation_of="index"),
                       "content/es/obtener-ayuda.md": page("Obtener ayuda", "## Llama\n\nLlama cuando quieras.\n",
                                                           translation_of="get-help"),
                       **(extra or {})})
    return root


FRENCH = LANGUAGES + """\
  - code: fr
    name: Français
    default_region: uk
    help_page: aide
    nav: [index, aide]
"""


def test_every_language_in_site_yml_gets_the_tools_not_only_spanish(tmp_path: Path):
    site = _site(tmp_path / "site", FRENCH, {
        "content/fr/index.md": page("Accueil", "Bonjour. Voir l'[aide](aide.md).\n", translation_of="index"),
        "content/fr/aide.md": page("Aide", "## Appeler\n\nAppelez quand vous voulez.\n", translation_of="get-help")})
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    for code in ("es", "fr"):
        for name in ("print/index.html", "offline/index.html", "embed/index.html"):
            assert html_lang(read(dist, f"{code}/{name}")) == code, (code, name)
        assert json.loads(read(dist, f"{code}/api/pages.json"))["crisis_url"] == f"https://example.org/{code}/api/crisis.json"
    notices = json.loads(re.search(r"const NOTICES = (\{.*?\});", read(dist, "sw.js")).group(1))
    assert notices == {"es/": "es/offline/", "fr/": "fr/offline/"}
    assert set(hreflangs(read(dist, "fr/print/index.html"))) == {"en", "x-default", "es", "fr"}
    assert "/fr/print/\n" in read(dist, "_headers") and "/fr/embed/index.html\n" in read(dist, "_headers")


@pytest.mark.parametrize("slug", ["print", "offline", "search"])
def test_generated_page_names_are_taken_in_every_language(tmp_path: Path, slug: str):
    site = _site(tmp_path / "site", LANGUAGES, {f"content/es/{slug}.md": page("Una página")})
    with pytest.raises(BuildFailed) as caught:
        build(load_config(site), today=TODAY, use_cache=False)
    messages = [str(e) for e in caught.value.errors]
    assert any(m.startswith(f"content/es/{slug}.md") and f"/es/{slug}/" in m for m in messages), messages
