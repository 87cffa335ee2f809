"""Page-weight budget: each page's HTML plus the CSS and JS it loads, gzip -9 each, sum <= 14 KiB.

14 KiB is about what the first round trip of a new TCP connection can carry, so a page within it can render
from the first round trip on a slow connection.
"""

from __future__ import annotations

import gzip
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support import sitebuild

pytestmark = pytest.mark.browser

BUDGET = 14 * 1024
# /print/ is the whole guide in one file, made to be printed or saved, not read on a slow first visit.
BUDGETS = {"print": 48 * 1024}


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


def page_weight(site_dir: Path, page_file: str) -> dict:
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
    return {"parts": parts, "missing": missing, "total": sum(p["gzip"] for p in parts)}


@pytest.fixture(scope="session")
def weights(built_site, site_pages):
    return {case.id: page_weight(built_site, case.file) for case in site_pages}


def test_page_weight_within_14_kib(weights, page_case):
    w = weights[page_case.id]
    assert not w["missing"], f"{page_case.file} loads files the build does not have: {w['missing']}"
    detail = ", ".join(f"{p['kind']} {p['url']} {p['gzip']} B" for p in w["parts"])
    budget = BUDGETS.get(page_case.id, BUDGET)
    assert w["total"] <= budget, (
        f"{page_case.file}: {w['total']} B gzipped > {budget} B budget ({detail})"
    )


def test_print_weight_table(weights, site_pages, capsys):
    rows = []
    for case in site_pages:
        w = weights[case.id]
        by = {k: sum(p["gzip"] for p in w["parts"] if p["kind"] == k) for k in ("html", "css", "js")}
        rows.append((case.id, by["html"], by["css"], by["js"], w["total"]))
    width = max(len("page"), *(len(r[0]) for r in rows))
    lines = [f"{'page':<{width}}  {'html':>6}  {'css':>6}  {'js':>6}  {'total':>6}  budget {BUDGET} B (gzip -9)"]
    for name, h, c, j, t in rows:
        budget = BUDGETS.get(name, BUDGET)
        flag = "" if t <= budget else "  OVER"
        lines.append(f"{name:<{width}}  {h:>6}  {c:>6}  {j:>6}  {t:>6}  {t / budget:5.0%}{flag}")
    with capsys.disabled():
        print("\n\nPage weight, gzip -9 bytes:\n" + "\n".join(lines))
