"""Spanish pages speak Spanish: the words the engine writes into a page body (the notes, their back links,
the care cards' spoken labels) come from the page language's catalog, and a changed translation re-renders;
crisis lines mark only their own English words with lang="en", and their hours read naturally.

Builds the bundled site once (in process, into a temporary folder) and reads what Spanish readers get.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.catalog import read_catalog
from tests.support.html import EnglishParts
from tests.support.sites import ROOT

# What the English engine writes into bodies; none of it may reach a Spanish page.
ENGLISH_BODY_WORDS = ("Notes</h2>", ">Note <", "Back to text", "Back to where note", "Urgent advice:",
                      "Non-urgent advice:", "Immediate action required:")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("spanish") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


def spanish_pages(dist: Path) -> list[Path]:
    pages = sorted((dist / "es").rglob("index.html"))
    assert any("/embed/" in p.as_posix() for p in pages), "the Spanish embeds are checked too"
    return pages


def test_no_spanish_page_or_embed_has_the_engines_english_words(dist: Path):
    for path in spanish_pages(dist):
        text = path.read_text(encoding="utf-8")
        found = [w for w in ENGLISH_BODY_WORDS if w in text]
        assert not found, f"{path.relative_to(dist)}: {found}"


def test_spanish_notes_and_care_cards_are_in_spanish(dist: Path):
    noted = [p for p in spanish_pages(dist) if 'id="fa-notes"' in p.read_text(encoding="utf-8")]
    assert len(noted) >= 5  # every Spanish page with a statistic has notes (pages and their embeds)
    for path in noted:
        text = path.read_text(encoding="utf-8")
        assert '<h2 class="footnotes__title" id="fa-notes">Notas</h2>' in text, path
        assert '<span class="visually-hidden">Nota </span>1</a>' in text, path
        assert 'title="Volver a donde se usa la nota 1">Volver al texto</a>' in text, path
    help_page = (dist / "es/obtener-ayuda/index.html").read_text(encoding="utf-8")
    assert '<span class="visually-hidden">Consejo urgente: </span>Busca ayuda hoy si</h3>' in help_page
    assert '<span class="visually-hidden">Se necesita actuar ahora: </span>Si estás en peligro ahora</h3>' in help_page


def test_english_pages_keep_the_english_words(dist: Path):
    causes = (dist / "causes/index.html").read_text(encoding="utf-8")
    assert '<h2 class="footnotes__title" id="fa-notes">Notes</h2>' in causes
    assert 'title="Back to where note 1 is used">Back to text</a>' in causes
    help_page = (dist / "get-help/index.html").read_text(encoding="utf-8")
    assert '<span class="visually-hidden">Urgent advice: </span>Get help today if</h3>' in help_page
    assert not re.search(r"Notas|Volver al texto|Consejo urgente", causes + help_page)


def test_a_changed_translation_renders_the_pages_again(tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copytree(ROOT / "locale", site / "locale")  # the site's own catalogs win over the bundled ones
    out = site / "dist"
    first = build(load_config(site, out))
    assert '<h2 class="footnotes__title" id="fa-notes">Notas</h2>' in (out / "es/causas/index.html").read_text()
    po = site / "locale/es/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    assert text.count('msgstr "Notas"') == 1
    po.write_text(text.replace('msgstr "Notas"', 'msgstr "Fuentes de los datos"'), encoding="utf-8")
    second = build(load_config(site, out))
    assert '<h2 class="footnotes__title" id="fa-notes">Fuentes de los datos</h2>' in (out / "es/causas/index.html").read_text()
    # Only the Spanish bodies were converted again: the English ones still came from the cache.
    english_pages = len(list((ROOT / "content").glob("*.md")))
    assert second.cache_hits == english_pages > 0 and first.cache_hits == 0


def all_pages(dist: Path) -> list[Path]:
    return sorted(dist.rglob("*.html"))


def test_no_page_says_open_before_a_note(dist: Path):
    seen_note = False
    for path in all_pages(dist):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(Open|Horario:) (<span lang=\"en\">)?(Varies|See the website|Depende|Mira el horario)", text), path
        seen_note |= "Varies by helpline.</span>" in text
    assert seen_note  # the notes are still shown, on their own
    help_page = (dist / "get-help/index.html").read_text(encoding="utf-8")
    assert '<span class="line__hours">Open 24/7.</span>' in help_page
    assert '<span class="line__hours">Varies by helpline.</span>' in help_page
    grief = (dist / "grief/index.html").read_text(encoding="utf-8")  # a support line's note
    assert '<span class="line__hours">See the website for opening times.</span>' in grief
    assert '<span class="line__hours">Open Monday to Friday, 10am to 1pm.</span>' in grief


def spanish_labels() -> list[str]:
    """Every translated fragment of the es catalog (placeholders cut out), where it differs from the English."""
    catalog = read_catalog()
    labels = set()
    for message in catalog:
        if not message.id or not isinstance(message.string, str) or message.string == message.id:
            continue
        for fragment in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]+>", message.string):
            fragment = fragment.strip(" .,:;")
            if len(fragment) >= 4:
                labels.add(fragment)
    return sorted(labels)


def test_lang_en_wraps_no_translated_label_on_spanish_pages(dist: Path):
    labels = spanish_labels()
    assert {"Horario", "Llama al", "Notas", "Volver al texto"} <= set(labels)
    english_parts = 0
    for path in spanish_pages(dist):
        parser = EnglishParts()
        parser.feed(path.read_text(encoding="utf-8"))
        english_parts += len(parser.done)
        for text in parser.done:
            found = [label for label in labels if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)]
            assert not found, f"{path.relative_to(dist)}: lang=en around {found} in {text[:80]!r}"
    assert english_parts > 100  # the English-only crisis lines are there, marked


def test_lang_en_parts_of_a_line_are_its_own_words(dist: Path):
    page = (dist / "es/obtener-ayuda/index.html").read_text(encoding="utf-8")
    assert '<p class="line__name" lang="en">Samaritans</p>' in page
    # Their descriptions, hours and emergency notes are translated in crisis.yml: in the page's voice.
    assert '<span class="line__hours">Horario: 24 horas, todos los días.</span>' in page
    assert '<span class="line__hours">Depende de cada línea de ayuda.</span>' in page
    assert '<li><a class="contact" href="tel:116123">Llama al 116 123</a></li>' in page
    assert '<li class="line" lang="en">' not in page


# Words that show a quoted title is Spanish (or a letter only Spanish uses); a title with none of them is not.
SPANISH_WORDS = frozenset("de la el que en y los las del no me te se lo con por un una es su sus al para como o mi "
                          "tu yo nos le les ya si sin sobre esta este eso ese".split())


def _is_spanish(text: str) -> bool:
    return bool(re.search(r"[áéíóúñü¿¡]", text, re.I)) or any(
        w in SPANISH_WORDS for w in re.findall(r"[\w']+", text.lower()))


def test_english_titles_quoted_in_spanish_notes_are_marked_english(dist: Path):
    """WCAG 3.1.2 Language of Parts: a note on a Spanish page quotes its English source's title («Grief and
    bereavement»); a screen reader reads it with the English voice only when it is marked lang="en"."""
    checked = 0
    for path in spanish_pages(dist):
        text = path.read_text(encoding="utf-8")
        start = text.find('<div class="footnotes">')
        if start < 0:
            continue
        notes = text[start:text.index("</div>", start)]
        for inner in re.findall(r"«(.*?)»", notes, re.S):
            words = re.sub(r"<[^>]+>", "", inner)
            if len(re.findall(r"[\w']+", words)) < 2 or _is_spanish(words):
                continue
            checked += 1
            assert re.fullmatch(r'<span lang="en">[^<]*</span>', inner), (
                f"{path.relative_to(dist)}: English title «{words}» in a note is not marked — write "
                f'«<span lang="en">{words}</span>» in the Markdown')
    assert checked >= 15  # the English titles of the Spanish notes (pages and their embeds) were found
