#!/usr/bin/env python3
"""Lighthouse scores for every page of a fresh build (a benchmark that prints figures, not a test).

    python bench/lighthouse.py            # build into a temp dir, serve it with the strict-CSP server, run LH
    python bench/lighthouse.py --json out.json
    FEELAGAIN_DIST=/tmp/site python bench/lighthouse.py   # use an already built site

Runs npm lighthouse@12.2.3 (default mobile preset, simulated throttling) on every sitemap page through one Node
process and one Chromium (bench/lh-run.mjs), with CHROME_PATH=/usr/bin/chromium (or CHROMIUM_PATH). About 6 s
per page plus start-up. Prints the four category scores (x100) per page and, for accessibility, best practices
and SEO, the audits that did not pass. Needs `npm ci` first.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # bench/ uses the tests' shared helpers (tests/support/)

from tests.support import sitebuild

CATEGORIES = [("performance", "perf"), ("accessibility", "a11y"), ("best-practices", "best"), ("seo", "seo")]


def _score(value) -> str:
    return "  –" if value is None else f"{round(value * 100):3d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the raw results to this JSON file")
    parser.add_argument("--only", nargs="*", help="only these page paths, e.g. / /causes/")
    args = parser.parse_args(argv)

    node = shutil.which("node")
    if not node:
        print("node not found: apt-get install -y nodejs npm", file=sys.stderr)
        return 2
    if not (sitebuild.NODE_MODULES / "lighthouse").is_dir():
        print(sitebuild.npm_ci_hint(sitebuild.NODE_MODULES / "lighthouse"), file=sys.stderr)
        return 2
    chrome = os.environ.get("CHROMIUM_PATH") or os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
    if not os.path.isfile(chrome):
        print(f"chromium not found at {chrome}: apt-get install -y chromium", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="feelagain-lh-") as tmp:
        site = sitebuild.site_dir_from_env()
        if site is None:
            t = time.perf_counter()
            site = sitebuild.build_bundled_site(Path(tmp) / "site")
            print(f"built the site in {time.perf_counter() - t:.1f} s")
        paths = sitebuild.sitemap_paths(site)
        if args.only:
            paths = [p for p in paths if p in args.only]
        with sitebuild.StrictCSPServer(site) as server:
            urls = [server.url + p for p in paths]
            print(f"Lighthouse 12.2.3 (mobile) on {len(urls)} page(s) …", flush=True)
            t = time.perf_counter()
            proc = subprocess.run(
                [node, str(REPO / "bench" / "lh-run.mjs"), *urls],
                cwd=REPO, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
            )
            elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            print(f"lh-run.mjs failed (exit {proc.returncode}):\n{proc.stderr}", file=sys.stderr)
            return 1
        results = json.loads(proc.stdout.strip().splitlines()[-1])

    width = max(len("page"), *(len(p) for p in paths))
    print(f"\n{'page':<{width}}  " + "  ".join(f"{short:>4}" for _, short in CATEGORIES) + "     s")
    for path, url in zip(paths, urls):
        r = results.get(url, {})
        print(f"{path:<{width}}  " + "  ".join(f"{_score(r.get(cat)):>4}" for cat, _ in CATEGORIES)
              + f"  {r.get('seconds', 0):5.1f}")
    notes = []
    for path, url in zip(paths, urls):
        r = results.get(url, {})
        if r.get("runtimeError"):
            notes.append(f"{path}: runtime error: {r['runtimeError']}")
        if r.get("failed"):
            notes.append(f"{path}: not passed: {', '.join(r['failed'])}")
    if notes:
        print("\n" + "\n".join(notes))
    print(f"\n{len(urls)} page(s) in {elapsed:.1f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({p: results.get(u) for p, u in zip(paths, urls)}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
