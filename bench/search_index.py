#!/usr/bin/env python3
"""Pagefind index size and indexing time: the bundled site and synthetic corpora (bench/corpus.py).

``python bench/search_index.py [--sizes 1000]`` builds each site into a temporary folder and prints the
Pagefind version, the pages indexed, the size of dist/pagefind/ (all files, and what a first search fetches:
loader + WebAssembly + entry + meta) and how long Pagefind took on its own.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import make_corpus

from feelagain import search
from feelagain.config import load_config
from feelagain.pipeline import build


def measure(label: str, site: Path, out: Path) -> dict:
    build(load_config(site, out), use_cache=False)
    bundle = out / search.BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    files = [p for p in bundle.rglob("*") if p.is_file()]
    first = [bundle / "pagefind.js", bundle / "pagefind-entry.json", *bundle.glob("wasm.en.pagefind"),
             *bundle.glob("pagefind.*.pf_meta")]
    started = time.perf_counter()
    search.build_index(out)  # again, alone, for its time
    seconds = time.perf_counter() - started
    return {"site": label, "version": entry["version"],
            "pages": sum(lang["page_count"] for lang in entry["languages"].values()),
            "files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "first_search_bytes": sum(p.stat().st_size for p in first if p.is_file()),
            "fragments": len(list((bundle / "fragment").glob("*"))), "index_chunks": len(list((bundle / "index").glob("*"))),
            "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (0 for none)")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="feelagain-search-bench-") as tmp:
        rows.append(measure("bundled", ROOT, Path(tmp) / "bundled"))
        for n in [int(s) for s in args.sizes.split(",") if int(s) > 0]:
            site = make_corpus(n, Path(tmp) / f"corpus-{n}")
            rows.append(measure(f"corpus {n}", site, Path(tmp) / f"out-{n}"))
    print(f"{'site':<12} {'pagefind':>8} {'pages':>6} {'files':>6} {'index KiB':>10} {'1st search KiB':>15} "
          f"{'fragments':>9} {'chunks':>6} {'index s':>8}")
    for r in rows:
        print(f"{r['site']:<12} {r['version']:>8} {r['pages']:>6} {r['files']:>6} {r['bytes'] / 1024:>10.1f} "
              f"{r['first_search_bytes'] / 1024:>15.1f} {r['fragments']:>9} {r['index_chunks']:>6} {r['seconds']:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
