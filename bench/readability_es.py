"""Print the reading ease of every Spanish page as the linter measures it (issue #18).

    .venv/bin/python bench/readability_es.py [content/es/*.md]

Szigriszt-Pazos on the INFLESZ scale (target 65, "bastante fácil"), over the prose the linter grades: paragraphs,
list items and callout titles (not headings, footnotes or the checklist, as for English grades).
"""
from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from feelagain.errors import SourceLocation
from feelagain.frontmatter import parse
from feelagain.lint import readability_es
from feelagain.lint.plaintext import PROSE, scan


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(Path("content/es").glob("*.md"))
    print(f"{'page':28} {'words':>6} {'sent':>5} {'syll':>6} {'w/s':>5} {'Szigriszt':>9}  INFLESZ")
    for path in files:
        _, _, body, line = parse(path.read_text(encoding="utf-8"), SourceLocation(PurePosixPath(path.as_posix())))
        units = [b.text for b in scan(body, line).blocks if b.kind in PROSE]
        words, sentences, syl = readability_es.counts(units)
        ease, _ = readability_es.szigriszt_pazos(units)
        print(f"{path.name:28} {words:>6} {sentences:>5} {syl:>6} {words / sentences:>5.1f} {ease:>9.1f}  "
              f"{readability_es.band(ease)}")


if __name__ == "__main__":
    main(sys.argv[1:])
