"""Raw HTML in Markdown is untrusted: clean it with nh3 against an allowlist and say what was removed."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

TAGS = {
    "a", "h1", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
GLOBAL_ATTRS = {"class", "id", "lang", "title", "dir"}
ATTRS = {
    "*": GLOBAL_ATTRS,
    "a": {"href", "hreflang", "rel"},
    "div": {"tabindex", "role", "aria-label"},  # our scrollable table wrapper
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
    "abbr": set(),
}
# The only link schemes a published page may use (Markdown links, raw HTML and the link check all use this).
SAFE_SCHEMES = ("https", "mailto", "tel", "sms")


EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
EXTERNAL_LINK = re.compile(r'(<a href="https://[^"]*")>')


class _Inventory(HTMLParser):
    """Lists the tags, attributes and URLs in a snippet, to compare before and after cleaning."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.add(f"<{tag}>")
        for name, value in attrs:
            if name in ("href", "src"):  # control characters (an encoded tab) shown as \t, never printed raw
                shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], (value or "").strip()[:40])
                self.items.add(f'{name}="{shown}"')
            else:
                self.items.add(f"{name}=")


def _inventory(snippet: str) -> set[str]:
    parser = _Inventory()
    parser.feed(snippet)
    parser.close()
    return parser.items


def clean_html(html: str) -> tuple[str, list[str]]:
    """Return (clean HTML, sorted descriptions of what was removed).

    Run on a whole rendered body, so inline elements split across Markdown's raw-HTML stash stay whole and
    attributes added with {: …} (attr_list) are checked too.
    """
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRS, url_schemes=set(SAFE_SCHEMES), link_rel=None,
                      strip_comments=True, clean_content_tags={"script", "style", "iframe", "object", "embed"})
    if '<a href="https://' in clean:  # links typed as raw HTML get the same rel as Markdown links
        clean = EXTERNAL_LINK.sub(r'\1 rel="noopener noreferrer">', clean)
    if clean == html:
        return clean, []  # the usual case: nothing to compare
    removed = sorted(_inventory(html) - _inventory(clean))
    if removed:
        clean = EMPTY_PARAGRAPH.sub("", clean)
    return clean, removed
