#!/usr/bin/env python3
"""Print a table of the site's pages: words, reading grade (Flesch-Kincaid, as the linter counts it), sources.

Usage: python bench/content_report.py [SITE_DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feelagain.config import load_config  # noqa: E402
from feelagain.discover import read_sources  # noqa: E402
from feelagain.errors import Problems  # noqa: E402
from feelagain.lint import PROSE, fk_grade, scan  # noqa: E402
from feelagain.pipeline import order_site, parse_pages  # noqa: E402


def main() -> int:
    """Print the table; return 0."""
    site_dir = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    config = load_config(site_dir)
    problems = Problems()
    site = order_site(config, parse_pages(read_sources(config.content_dir, problems), problems), problems)
    print("| page | words | reading grade | sources |")
    print("|---|---:|---:|---:|")
    for page in site.pages:
        text = scan(page.body_md, page.body_start_line)
        sentences = [s for block in text.blocks if block.kind in PROSE for s in block.sentences]
        grade, words = fk_grade(sentences)
        print(f"| {page.source.rel_path} | {words} | {grade:.1f} | {len(page.meta.sources)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
