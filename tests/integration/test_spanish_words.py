"""Spanish pages speak Spanish: the words the engine writes into a page body (the notes, their back links,
the care cards' spoken labels) come from the page language's catalog, and a changed translation re-renders.

Builds the bundled site once (in process, into a temporary folder) and reads what Spanish readers get.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
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
