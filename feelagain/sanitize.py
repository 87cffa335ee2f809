"""Raw HTML in Markdown is untrusted: clean it with nh3 against an allowlist and say what was removed."""
from __future__ import annotations

from html.parser import HTMLParser

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
GLOBAL_ATTRS = {"class", "id", "lang", "title", "dir"}
ATTRS = {
    "*": GLOBAL_ATTRS,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "abbr": set(),
}
SCHEMES = {"https", "mailto", "tel", "sms"}


class _Inventory(HTMLParser):
    """Lists the tags, attributes and URLs in a snippet, to compare before and after cleaning."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.add(f"<{tag}>")
        for name, value in attrs:
            if name in ("href", "src"):
                self.items.add(f'{name}="{(value or "").strip()[:40]}"')
            elif name != "rel":
                self.items.add(f"{name}=")


def _inventory(snippet: str) -> set[str]:
    parser = _Inventory()
    parser.feed(snippet)
    parser.close()
    return parser.items


def clean_html(snippet: str) -> tuple[str, list[str]]:
    """Return (clean HTML, sorted descriptions of what was removed)."""
    clean = nh3.clean(snippet, tags=TAGS, attributes=ATTRS, url_schemes=SCHEMES,
                      link_rel="noopener noreferrer", strip_comments=True,
                      clean_content_tags={"script", "style"})
    removed = sorted(_inventory(snippet) - _inventory(clean))
    return clean, removed
