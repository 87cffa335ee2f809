#!/usr/bin/env python3
"""The floor: the least work any Python-Markdown site generator must do for a corpus, as one process tree.

Read every content/*.md, split off the front matter and load it with PyYAML's C loader, convert the body
with one Python-Markdown instance (toc, tables, fenced_code) reused with reset(), render one small Jinja
template, and write OUT/<slug>/index.html. Work is split over `--processes` processes (default 2, the cores
CI has). No validation, no linting, no second output per page: whatever our engine spends above this is
the cost of its own features.

    python bench/floor.py SITE_DIR OUT_DIR [--processes 2]
"""
from __future__ import annotations

import argparse
import os
import sys
from multiprocessing import get_context
from pathlib import Path

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ meta.title }}</title>
<meta name="description" content="{{ meta.description }}"></head>
<body><main><h1>{{ meta.title }}</h1>
<nav>{{ toc|safe }}</nav>
{{ body|safe }}
</main></body></html>
"""

_STATE: dict = {}


def _setup(out: str) -> None:
    import jinja2
    import markdown

    _STATE["md"] = markdown.Markdown(extensions=["toc", "tables", "fenced_code"])
    _STATE["tpl"] = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    _STATE["out"] = out


def _build(paths: list[str]) -> int:
    import yaml

    md, tpl, out = _STATE["md"], _STATE["tpl"], _STATE["out"]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=loader)
        html = md.reset().convert(body)
        page = tpl.render(meta=meta, body=html, toc=md.toc)  # type: ignore[attr-defined]
        folder = os.path.join(out, os.path.basename(path)[:-3])
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "index.html"), "w", encoding="utf-8") as handle:
            handle.write(page)
    return len(paths)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args(argv)
    paths = sorted(str(p) for p in (a.site / "content").glob("*.md"))
    a.out.mkdir(parents=True, exist_ok=True)
    chunks = [paths[i::a.processes * 4] for i in range(a.processes * 4)]
    with get_context("fork").Pool(a.processes, initializer=_setup, initargs=(str(a.out),)) as pool:
        done = sum(pool.map(_build, chunks))
    print(f"floor: {done} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
