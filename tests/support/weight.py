"""Page weight: a page's HTML plus the CSS and JS it loads, gzip -9 each (tests/browser/test_weight.py checks
the budget; bench/page_weight.py prints the table)."""
from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tests.support import sitebuild

BUDGET = 14 * 1024  # HTML + CSS: what renders the first screen
TOTAL_BUDGET = 20 * 1024  # HTML + CSS + deferred scripts
# /print/ (and each language's, /es/print/) is the whole guide in one file, made to be printed or saved, not read
# on a slow first visit. It grows with the guide, so its budget does too: a fixed part (title page, contents,
# crisis lines, styles) plus a share per section. Anything repeated per section beyond the section's own words
# (a footer, a script, the nav) would break it.
PRINT_BASE_BUDGET = 8 * 1024
PRINT_SECTION_BUDGET = 4 * 1024


def is_print_page(name: str) -> bool:
    """True for a whole-guide print page's test id or bench name ("print", "es/print", "es-print")."""
    return name.replace("-", "/").rpartition("/")[2] == "print"


def budget_for(name: str, sections: int = 0) -> int:
    """Return the first-screen budget of a page by its test id ("print", "es/print", "causes"); a print page's
    budget counts its `sections`."""
    return PRINT_BASE_BUDGET + PRINT_SECTION_BUDGET * sections if is_print_page(name) else BUDGET


class _Refs(HTMLParser):
    """<link rel=stylesheet href> and <script src> of a page, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_weight(site_dir: Path, page_file: str) -> dict[str, Any]:
    """Weights (raw and gzip -9) of a page file and the local CSS/JS it loads."""
    html_path = site_dir / page_file
    data = html_path.read_bytes()
    refs = _Refs()
    refs.feed(data.decode("utf-8", errors="replace"))
    page_url = "http://site.invalid/" + page_file  # resolve relative URLs against the file's own location
    parts = [{"kind": "html", "url": page_file, "raw": len(data), "gzip": _gz(data)}]
    missing = []
    for kind, urls in (("css", refs.css), ("js", refs.js)):
        for url in urls:
            absolute = urlsplit(urljoin(page_url, url))
            if absolute.netloc != "site.invalid":
                missing.append(f"{url} (not on this site)")
                continue
            f = sitebuild.path_to_file(site_dir, absolute.path)
            if not f.is_file():
                missing.append(url)
                continue
            body = f.read_bytes()
            parts.append({"kind": kind, "url": url, "raw": len(body), "gzip": _gz(body)})
    return {"parts": parts, "missing": missing, "total": sum(p["gzip"] for p in parts),
            "render": sum(p["gzip"] for p in parts if p["kind"] != "js"),
            "sections": data.count(b'class="print-section"')}


