"""The built checklist: help one tap from every result message, and no answer that a submitted form could carry."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import CHECKLIST, SITE_YML, TODAY, default_files, page, write_files


class _Checklist(HTMLParser):
    """Collects, inside form[data-checklist]: its inputs' attributes, and the links of each result message."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # open elements inside the form (0: outside)
        self.inputs: list[dict[str, str | None]] = []
        self.results: list[list[str]] = []  # per li[data-min]: its links' hrefs
        self.in_result = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and "data-checklist" in found:
            self.depth = 1
            return
        if not self.depth:
            return
        if tag != "input":  # void: never closed
            self.depth += 1
        if tag == "input":
            self.inputs.append(found)
        elif tag == "li" and "data-min" in found:
            self.in_result = True
            self.results.append([])
        elif tag == "a" and self.in_result:
            self.results[-1].append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "li":
            self.in_result = False
        self.depth -= 1


def test_every_result_links_to_the_help_page_and_no_checkbox_has_a_name(tmp_path: Path):
    files = {**default_files(), "content/site.yml": SITE_YML.replace("nav: [index, get-help]", "nav: [index, signs, get-help]"),
             "content/signs.md": page("Signs", f"Tick what fits, or [get help now](get-help.md).\n\n```checklist\n{CHECKLIST}```\n")}
    write_files(tmp_path, files)
    build(load_config(tmp_path), today=TODAY, use_cache=False)
    html = (tmp_path / "dist" / "signs" / "index.html").read_text(encoding="utf-8")
    found = _Checklist()
    found.feed(html)
    assert len(found.inputs) == 2, found.inputs  # the block's two items
    assert all(i.get("type") == "checkbox" for i in found.inputs), found.inputs
    # A named box puts its answer in the URL of a submitted form (and so in the host's log).
    assert not [i for i in found.inputs if "name" in i], found.inputs
    assert len(found.results) == 2, found.results  # one per result message of the block
    for hrefs in found.results:
        assert "https://x.test/get-help/" in [urljoin("https://x.test/signs/", h) for h in hrefs], hrefs
