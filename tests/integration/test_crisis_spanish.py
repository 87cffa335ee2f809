"""The crisis help on other languages' pages is in their words: every description, hours and emergency note in
content/crisis.yml has a translation for each of the site's other languages, and the pages show it. Only the
services' own names stay in English (marked lang="en").

Builds the bundled site once (in process, into a temporary folder) and reads what Spanish readers get.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.html import EnglishParts
from tests.support.sites import ROOT

CRISIS: dict[str, Any] = yaml.safe_load((ROOT / "content/crisis.yml").read_text(encoding="utf-8"))
SITE: dict[str, Any] = yaml.safe_load((ROOT / "content/site.yml").read_text(encoding="utf-8"))
OTHER_LANGUAGES = [lang["code"] for lang in SITE["languages"][1:]]


def every_line() -> list[tuple[str, dict[str, Any]]]:
    """(region code, line) for every crisis and support line of the bundled crisis.yml."""
    return [(r["code"], ln) for r in CRISIS["regions"] for ln in r["lines"] + r.get("support", [])]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("crisis-es") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


def test_the_site_has_another_language_to_check():
    assert OTHER_LANGUAGES == ["es"]
    assert len(every_line()) >= 10


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_region_and_line_has_its_words_in_each_language(lang: str):
    missing = []
    for region in CRISIS["regions"]:
        words = region.get("translations", {}).get(lang, {})
        if "name" not in words:
            missing.append(f"region {region['code']}: name")
        if region["emergency"] and region["emergency"].get("note") and "note" not in words:
            missing.append(f"region {region['code']}: emergency note")
    for code, line in every_line():
        if line.get("language") == lang:
            continue  # written in that language already
        words = line.get("translations", {}).get(lang, {})
        missing += [f"{code}: {line['name']}: {field}" for field in ("description", "hours") if field not in words]
    assert missing == []


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_translated_hours_stay_a_time_or_a_note(lang: str):
    # "24/7" shows as "Open 24/7." but "Varies by helpline" on its own: a translation must read the same way.
    for code, line in every_line():
        hours = line.get("translations", {}).get(lang, {}).get("hours")
        if hours is not None:
            assert any(c.isdigit() for c in hours) == any(c.isdigit() for c in line["hours"]), (code, line["name"])


def numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:[ -]\d+)*", text))


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_translations_keep_every_number(lang: str):
    # Same facts: a phone number, keyword number or menu option of the English is in the translation, as written.
    pairs = [(line["description"], line.get("translations", {}).get(lang, {}).get("description"))
             for _, line in every_line()]
    pairs += [(r["emergency"]["note"], r.get("translations", {}).get(lang, {}).get("note"))
              for r in CRISIS["regions"] if r["emergency"] and r["emergency"].get("note")]
    checked = [(english, words) for english, words in pairs if words is not None]
    assert len(checked) >= 15
    for english, words in checked:
        assert numbers(words) == numbers(english), (english, words)


def crisis_html(page: str) -> str:
    """The crisis footer, help buttons and crisis/support directories of a page (where crisis.yml's words go)."""
    parts = re.findall(r'<section class="crisis".*?</section>', page, re.S)
    parts += re.findall(r'<div class="directory.*?</div>', page, re.S)
    parts += re.findall(r'<a class="help-now__button".*?</a>', page, re.S)
    return "\n".join(parts)


def test_spanish_pages_show_no_english_crisis_words_but_service_names(dist: Path):
    names = {line["name"] for _, line in every_line()}
    english_words = [line[field] for _, line in every_line() if line.get("language") is None
                     for field in ("description", "hours")]
    english_words += [r["emergency"]["note"] for r in CRISIS["regions"] if r["emergency"] and r["emergency"].get("note")]
    pages = sorted((dist / "es").rglob("*.html"))
    assert len(pages) >= 20 and any("/embed/" in p.as_posix() for p in pages)
    names_seen = 0
    for path in pages:
        page = path.read_text(encoding="utf-8")
        crisis = crisis_html(page)
        assert 'data-region="eu"' in crisis or "/embed/" in path.as_posix(), path
        parser = EnglishParts()
        parser.feed(crisis)
        others = [text for text in parser.done if text.strip() not in names]
        assert others == [], f"{path.relative_to(dist)}: lang=en around {others}"
        names_seen += len(parser.done)
        # The English words themselves (24/7 only where it would be the hours: it is short enough to be anywhere).
        found = [w for w in english_words if w != "24/7" and w in page]
        assert found == [], f"{path.relative_to(dist)}: {found}"
        assert not re.search(r"Horario: (<span[^>]*>)?24/7|, (<span[^>]*>)?24/7</span>", page), path
    assert names_seen > 100  # the services' names are still there, marked English


def test_the_eu_block_on_a_spanish_page_has_the_spanish_note(dist: Path):
    page = (dist / "es/duelo/index.html").read_text(encoding="utf-8")
    eu = re.search(r'<div class="crisis__region" data-region="eu".*?</div>', page, re.S)
    assert eu, "the footer lists the European Union"
    assert ('<p class="crisis__emergency">Si estás en peligro ahora, llama al <a href="tel:112">112</a>. '
            "Es gratis desde cualquier teléfono en la UE. En algunos países, el teléfono necesita una tarjeta SIM.</p>"
            ) in eu.group(0)
    assert "Unión Europea" in eu.group(0) and "Free from any phone" not in page
    english = (dist / "grief/index.html").read_text(encoding="utf-8")
    assert "112</a>. Free from any phone in the EU. Some countries need a SIM card in the phone.</p>" in english


# Services whose own websites are in English (seen on stored copies of their pages on 2026-11-30). A Spanish page
# that sends a reader to one says so, so nobody in distress lands on a page they cannot read without warning.
ENGLISH_SITES = ("childline.org.uk", "kidshelpline.com.au", "jigsaw.ie", "samaritans.org", "giveusashout.org",
                 "cruse.org.uk")


def test_spanish_pages_say_when_a_service_they_link_is_in_english():
    checked = 0
    for path in sorted((ROOT / "content/es").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for line in body.splitlines():
            if line.startswith("[^"):
                continue  # a footnote names its source; it does not send the reader there for help
            for url in re.findall(r"\]\((https://[^)\s]+)\)", line):
                if any(site in url for site in ENGLISH_SITES):
                    checked += 1
                    assert "inglés" in line, f"{path.name}: {url} is in English — say so: (su web está en inglés)"
    assert checked >= 3
