"""Small HTML readers the tests share (html.parser, no dependencies)."""
from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Tags(HTMLParser):
    """Every start tag of a fragment with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


class EnglishParts(HTMLParser):
    """Collects the text inside every element marked lang="en" (nested elements included): feed() a page, then
    read `done`."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: does it start an English part?
        self.parts: list[list[str]] = []  # the text of each English part, open ones last
        self.done: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        english = dict(attrs).get("lang") == "en"
        self.stack.append(english)
        if english:
            self.parts.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            return
        if self.stack.pop():
            self.done.append("".join(self.parts.pop()))

    def handle_data(self, data: str) -> None:
        for part in self.parts:
            part.append(data)
