#!/usr/bin/env python3
"""Full-page screenshots of every page (sitemap + 404) at 375 and 1280 px, light and dark.

    python bench/screenshots.py                    # build into a temp dir, shoot into bench/screenshots/
    python bench/screenshots.py --out /tmp/shots --only / /causes/
    FEELAGAIN_DIST=/tmp/site python bench/screenshots.py

Uses Debian chromium (/usr/bin/chromium or CHROMIUM_PATH) through Playwright, served by the strict-CSP test
server. Prints the path of each PNG. bench/screenshots/ is git-ignored.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # bench/ uses the tests' shared helpers (tests/support/)

from tests.support import sitebuild

WIDTHS = (375, 1280)
SCHEMES = ("light", "dark")
NOT_FOUND_PATH = "/this-page-does-not-exist"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "screenshots")
    parser.add_argument("--only", nargs="*", help="only these page paths, e.g. / /causes/ (404 for the 404 page)")
    args = parser.parse_args(argv)

    chrome = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not os.path.isfile(chrome):
        print(f"chromium not found at {chrome}: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="feelagain-shots-") as tmp:
        site = sitebuild.site_dir_from_env() or sitebuild.build_bundled_site(Path(tmp) / "site")
        pages = [(p.strip("/").replace("/", "-") or "home", p) for p in sitebuild.sitemap_paths(site)]
        pages.append(("404", NOT_FOUND_PATH))
        if args.only:
            pages = [(name, p) for name, p in pages if p in args.only or name in args.only]
        count = 0
        with sitebuild.StrictCSPServer(site) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chrome)
            for width in WIDTHS:
                for scheme in SCHEMES:
                    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
                    context.route("**/*", lambda route: route.continue_()
                                  if route.request.url.startswith(server.url) or route.request.url.startswith("data:")
                                  else route.abort())
                    page = context.new_page()
                    for name, path in pages:
                        page.goto(server.url + path, wait_until="networkidle")
                        target = args.out / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target)
                        count += 1
                    context.close()
            browser.close()
    print(f"{count} screenshot(s) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
