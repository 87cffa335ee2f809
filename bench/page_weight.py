"""Print each page's weight: its HTML plus the CSS and JS it loads, gzip -9 bytes, against the budgets.

    .venv/bin/python bench/page_weight.py            # builds the bundled site into a scratch folder
    FEELAGAIN_DIST=dist .venv/bin/python bench/page_weight.py   # or measure a folder already built
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # bench/ uses the tests' shared helpers (tests/support/)

from tests.support import sitebuild
from tests.support.weight import BUDGET, TOTAL_BUDGET, budget_for, page_weight


def table(site_dir: Path) -> str:
    """Return the weight table of every page in the site's sitemap."""
    rows = []
    for path in sitebuild.sitemap_paths(site_dir):
        name = path.strip("/").replace("/", "-") or "home"
        file = sitebuild.path_to_file(site_dir, path).relative_to(site_dir).as_posix()
        w = page_weight(site_dir, file)
        by = {k: sum(p["gzip"] for p in w["parts"] if p["kind"] == k) for k in ("html", "css", "js")}
        rows.append((name, by["html"], by["css"], by["js"], w["total"], w["sections"]))
    width = max(len("page"), *(len(r[0]) for r in rows))
    lines = [f"{'page':<{width}}  {'html':>6}  {'css':>6}  {'js':>6}  {'total':>6}  "
             f"html+css of {BUDGET} B, total of {TOTAL_BUDGET} B (gzip -9)"]
    for name, h, c, j, t, sections in rows:
        budget = budget_for(name, sections)
        flag = "" if h + c <= budget and t <= max(budget, TOTAL_BUDGET) else "  OVER"
        lines.append(f"{name:<{width}}  {h:>6}  {c:>6}  {j:>6}  {t:>6}  {(h + c) / budget:5.0%} "
                     f"{t / max(budget, TOTAL_BUDGET):5.0%}{flag}")
    return "\n".join(lines)


def main() -> int:
    site = sitebuild.site_dir_from_env()
    if site is not None:
        print(table(site))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        print(table(sitebuild.build_bundled_site(Path(tmp) / "site")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
