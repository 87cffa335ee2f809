#!/usr/bin/env python3
"""Print a table of the site's pages: words, reading grade (Flesch-Kincaid, as the linter counts it), sources,
statistics (how many, and how many carry a footnote) and the words in the meta description.

Usage: python bench/content_report.py [SITE_DIR] [--stats]
  --stats  also list every statistic with its page, line and footnote label
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feelagain.config import load_config
from feelagain.discover import read_sources
from feelagain.errors import Problems
from feelagain.lint.plaintext import PROSE, fk_grade, scan
from feelagain.lint.rules import FOOTNOTE_REF, statistics_in
from feelagain.pipeline import order_site, parse_pages


def main() -> int:
    """Print the table (and, with --stats, the list of statistics); return 0."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    site_dir = Path(args[0]).resolve() if args else Path(__file__).resolve().parent.parent
    config = load_config(site_dir)
    problems = Problems()
    site = order_site(config, parse_pages(read_sources(config.content_dir, problems), problems), problems)
    print("| page | words | reading grade | sources | statistics | with footnote | description words |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    listing: list[str] = []
    totals = [0, 0, 0]
    for page in site.pages:
        text = scan(page.body_md, page.body_start_line)
        sentences = [s for block in text.blocks if block.kind in PROSE for s in block.sentences]
        grade, words = fk_grade(sentences)
        stats = list(statistics_in(text))
        noted = sum(1 for _, _, has_note in stats if has_note)
        totals = [totals[0] + words, totals[1] + len(stats), totals[2] + noted]
        print(f"| {page.source.rel_path} | {words} | {grade:.1f} | {len(page.meta.sources)} | {len(stats)} | {noted} "
              f"| {len(page.meta.description.split())} |")
        lines = dict(text.md_lines)
        for line, stat, _ in stats:
            labels = ", ".join(m.group()[2:-1] for m in FOOTNOTE_REF.finditer(lines.get(line, ""))) or "none"
            listing.append(f"{page.source.rel_path}:{line}: {stat} (footnote: {labels})")
    print(f"| all pages | {totals[0]} | | | {totals[1]} | {totals[2]} | |")
    if "--stats" in sys.argv:
        print()
        print("\n".join(listing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
