"""Every named region of a built page has a name of its own (axe's landmark-unique, which the WCAG run does not
include): the crisis directory and the support lines each list a country, and a page with both must still tell
"Crisis lines: New Zealand" from "Alcohol and drug support: New Zealand", in every language.

Builds the bundled site once (in process, into a temporary folder). The browser check with axe itself is
tests/browser/test_crisis_landmarks.py.
"""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import ROOT

LANDMARKS = {"section": "region", "nav": "navigation", "aside": "complementary", "form": "form"}


class Names(HTMLParser):
    """Collects (role, aria-label or aria-labelledby) of named landmarks and the text of every element with an id."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.landmarks: list[tuple[str, str | None, str | None]] = []
        self.text: dict[str, list[str]] = {}
        self.open: list[str | None] = []  # the id of each open element (None: none)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in LANDMARKS and (a.get("aria-label") or a.get("aria-labelledby")):
            self.landmarks.append((LANDMARKS[tag], a.get("aria-label"), a.get("aria-labelledby")))
        if tag in self.VOID:
            return
        self.open.append(a.get("id"))
        if a.get("id"):
            self.text[a["id"]] = []

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self.open:
            if ident:
                self.text[ident].append(data)

    def names(self) -> list[tuple[str, str]]:
        """(role, accessible name) of each named landmark; aria-labelledby wins over aria-label, as in browsers."""
        out = []
        for role, label, by in self.landmarks:
            if by:
                label = " ".join("".join(self.text.get(i, [])).strip() for i in by.split())
            out.append((role, " ".join((label or "").split())))
        return out


def landmark_names(path: Path) -> list[tuple[str, str]]:
    parser = Names()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.names()


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("landmarks") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


@pytest.mark.parametrize(("page", "crisis", "substance"), [
    ("get-help/index.html", "Crisis lines: New Zealand", "Alcohol and drug support: New Zealand"),
    ("es/obtener-ayuda/index.html", "Líneas de crisis: Nueva Zelanda", "Apoyo con el alcohol y las drogas: Nueva Zelanda"),
])
def test_the_help_pages_name_each_country_by_kind(dist: Path, page: str, crisis: str, substance: str):
    names = landmark_names(dist / page)
    assert ("region", crisis) in names and ("region", substance) in names


def test_no_built_page_has_two_landmarks_with_one_name(dist: Path):
    # The print pages included: they join every page, each with its own "Key points" and "Sources", which therefore
    # are not named landmarks there (templates/partials/print-section.html).
    pages = sorted(dist.rglob("*.html"))
    assert any(p.parent.name == "print" for p in pages)
    assert len(pages) > 40
    counted = 0
    for path in pages:
        names = landmark_names(path)
        counted += len(names)
        twice = [name for name, n in Counter(names).items() if n > 1]
        assert twice == [], f"{path.relative_to(dist)}: {twice}"
    assert counted > 200
