"""A source's title in another language than its page says so (`lang:` in front matter): on the page's Sources
list, in the printed guide and in the content API, so a screen reader reads an English title on a Spanish page
with an English voice. The bundled Spanish pages mark their English titles."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import LANGUAGES, ROOT, SITE_YML, TODAY, default_files, page, write_files

CITE = re.compile(r'<cite(?: lang="([^"]*)")?>([^<]*)</cite>')

EN_SOURCES = """\
sources:
  - publisher: NHS
    title: Feeling numb
    lang: en
    url: https://www.nhs.uk/
  - publisher: OMS
    title: Datos y cifras
    lang: es
    url: https://www.who.int/es/
"""
ES_SOURCES = EN_SOURCES + """\
  - publisher: Revista
    title: Una revisión
    doi: 10.1000/xyz
"""


def cites(html: str) -> dict[str, str | None]:
    """Each <cite>'s title and its lang attribute (None when it has none)."""
    return {title: lang or None for lang, title in CITE.findall(html)}


def with_sources(text: str, sources: str) -> str:
    """Return a page (tests.support.sites.page) with its sources list replaced by sources."""
    return re.sub(r"sources:\n(?:  .*\n)+", lambda _: sources, text)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small English and Spanish site whose help pages name sources in both languages."""
    root = tmp_path_factory.mktemp("sourcelang") / "site"
    write_files(root, {
        **default_files(),
        "content/site.yml": SITE_YML.replace("language: en\n", "") + LANGUAGES,
        "content/get-help.md": with_sources(page("Get help now", "## Call someone\n\nYou can call at any time.\n"),
                                            EN_SOURCES),
        "content/es/index.md": page("Inicio", "Hola. Mira la [ayuda](obtener-ayuda.md).\n", translation_of="index"),
        "content/es/obtener-ayuda.md": with_sources(page("Obtener ayuda", "## Llama\n\nLlama cuando quieras.\n",
                                                         translation_of="get-help"), ES_SOURCES),
    })
    build(load_config(root), today=TODAY, use_cache=False)
    return root / "dist"


def read(dist: Path, name: str) -> str:
    return (dist / name).read_text(encoding="utf-8")


def test_a_spanish_page_marks_only_its_english_titles(dist: Path):
    assert cites(read(dist, "es/obtener-ayuda/index.html")) == {
        "Feeling numb": "en", "Datos y cifras": None, "Una revisión": None}


def test_an_english_page_marks_only_its_spanish_titles(dist: Path):
    assert cites(read(dist, "get-help/index.html")) == {"Feeling numb": None, "Datos y cifras": "es"}


def test_the_printed_guides_mark_the_same_titles(dist: Path):
    # The home pages' sources (Example source one and two, no lang) are in the guides too, unmarked.
    assert cites(read(dist, "es/print/index.html")) == {
        "Feeling numb": "en", "Datos y cifras": None, "Una revisión": None,
        "Example source one": None, "Example source two": None}
    assert cites(read(dist, "print/index.html")) == {
        "Feeling numb": None, "Datos y cifras": "es", "Example source one": None, "Example source two": None}


def test_the_api_record_gives_each_source_s_language_and_its_schema_allows_it(dist: Path):
    record = json.loads(read(dist, "es/api/pages/obtener-ayuda.json"))
    assert [(s["title"], s.get("lang")) for s in record["sources"]] == [
        ("Feeling numb", "en"), ("Datos y cifras", "es"), ("Una revisión", None)]
    schema = json.loads(read(dist, "api/page.schema.json"))
    jsonschema.validate(record, schema)
    record["sources"][0]["lang"] = "English"  # not a language code: the schema says so
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, schema)


# ------------------------------------------------------------------------------------------- the bundled site

@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


# English titles on Spanish pages, and Spanish ones on the same pages (which stay unmarked).
ENGLISH_ON_SPANISH = {
    "es/obtener-ayuda/index.html": ("What to expect", "Find A Helpline"),
    "es/causas/index.html": ("Emotional blunting with antidepressant treatments: a survey among depressed patients",
                             "ICD-11: QD85 Burn-out"),
    "es/acerca-de/index.html": ("Web Content Accessibility Guidelines (WCAG) 2.2",),
}
SPANISH_ON_SPANISH = {
    "es/causas/index.html": ("Trastorno depresivo (depresión). Datos y cifras", "Efectos inmediatos del duelo"),
    "es/acerca-de/index.html": ("Escala INFLESZ",),
}


@pytest.mark.parametrize("name", sorted(ENGLISH_ON_SPANISH))
def test_bundled_spanish_pages_mark_their_english_source_titles(bundled: Path, name: str):
    found = cites(read(bundled, name))
    assert {title: found.get(title, "missing") for title in ENGLISH_ON_SPANISH[name]} == {
        title: "en" for title in ENGLISH_ON_SPANISH[name]}
    assert {title: found.get(title, "missing") for title in SPANISH_ON_SPANISH.get(name, ())} == {
        title: None for title in SPANISH_ON_SPANISH.get(name, ())}


def test_the_bundled_spanish_guide_marks_them_and_the_english_guide_marks_none(bundled: Path):
    spanish = cites(read(bundled, "es/print/index.html"))
    for titles in ENGLISH_ON_SPANISH.values():
        assert all(spanish[t] == "en" for t in titles), titles
    assert spanish["Escala INFLESZ"] is None
    english = read(bundled, "print/index.html")
    assert english.count("<cite") > 20 and "<cite lang" not in english
