"""The service worker, manifest and offline notice that the build writes."""
from __future__ import annotations

import json
import re
from pathlib import Path

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import TODAY, default_files, page, snapshot, write_files


def _version(dist: Path) -> str:
    match = re.search(r'const VERSION = "([0-9a-f]+)";', (dist / "sw.js").read_text())
    assert match
    return match.group(1)


def test_worker_is_versioned_by_what_it_precaches(tmp_path: Path):
    site = tmp_path / "site"
    write_files(site, {**default_files(), "content/causes.md": page("Causes")})
    build(load_config(site), today=TODAY, use_cache=False)
    first = _version(site / "dist")
    build(load_config(site, tmp_path / "other"), today=TODAY, use_cache=False)
    assert snapshot(site / "dist") == snapshot(tmp_path / "other"), "two builds of the same site differ"
    # A page that is not precached changes: same worker (its cache of visited pages stays).
    write_files(site, {"content/causes.md": page("Causes", "New words here.\n")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") == first
    # The help page changes: a new worker version, so the cache is replaced as a whole.
    write_files(site, {"content/get-help.md": page("Get help now", "## Call\n\nCall a helpline at any time.\n")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") != first
    # A stylesheet changes: new asset names, new version.
    second = _version(site / "dist")
    write_files(site, {"assets/css/site.css": "body{color:#111}\n"})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") != second


def test_manifest_offline_page_and_headers(tmp_path: Path):
    site = tmp_path / "site"
    write_files(site, default_files())
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    manifest = json.loads((dist / "manifest.webmanifest").read_text())
    assert manifest["name"] == "Test Site" and manifest["start_url"] == "get-help/" and manifest["scope"] == "./"
    assert (dist / manifest["icons"][0]["src"]).is_file()
    notice = (dist / "offline" / "index.html").read_text()
    assert "You are offline" in notice and 'id="need-help"' in notice and "116 123" in notice
    assert 'rel="manifest"' in (dist / "index.html").read_text()
    assert "offline." not in (dist / "embed" / "get-help" / "index.html").read_text()
    rules = (dist / "_headers").read_text()
    assert re.search(r"^/sw\.js\n(  .+\n)*  Cache-Control: no-cache$", rules, re.M)
    for path in ("/print/", "/offline/"):
        block = rules.split(f"\n{path}\n", 1)[1].split("\n\n", 1)[0]
        assert "frame-ancestors 'none'" in block and "X-Frame-Options: DENY" in block, path
