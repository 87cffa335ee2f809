"""The Pagefind index as part of the atomic build, the search page, its headers and the pinned results."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path, PurePosixPath

import pytest

from feelagain import search, writers
from feelagain.config import load_config
from feelagain.errors import BuildError, BuildFailed, SourceLocation
from feelagain.pipeline import build
from tests.support.forked import cli_in_fork
from tests.support.sites import SITE_YML, TODAY, default_files, page, snapshot, write_files

PINNED = "search:\n  pinned:\n    - terms: [crisis, help now]\n      page: get-help\n"


def make_site(root: Path, site_yml: str = SITE_YML + PINNED) -> Path:
    files = {**default_files(), "content/site.yml": site_yml,
             "content/causes.md": page("Causes", "Stress and poor sleep can play a part.\n\n## Sleep\n\nRest helps.\n")}
    files["content/site.yml"] = files["content/site.yml"].replace("nav: [index, get-help]", "nav: [index, causes, get-help]")
    write_files(root, files)
    return root


CHANGED: dict[str, str | bytes | None] = {"content/causes.md": page("Causes", "Changed text.\n")}


def built_then_changed(tmp_path: Path, use_cache: bool = True) -> tuple[Path, dict[str, bytes]]:
    """Make and build the site, keep a snapshot of dist/, then change causes.md (CHANGED); return both."""
    site = make_site(tmp_path / "site")
    build(load_config(site), today=TODAY, use_cache=use_cache)
    before = snapshot(site / "dist")
    write_files(site, CHANGED)
    return site, before


def test_index_covers_content_pages_only(tmp_path: Path):
    site = make_site(tmp_path / "site")
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    entry = json.loads((dist / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["version"] == "1.5.2"
    # index, causes, get-help: not the search page, the 404 page, the embed guide or the embeds.
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 3
    assert (dist / "pagefind" / "pagefind.js").is_file()
    assert not (dist / "pagefind" / "pagefind-ui.js").exists()
    assert sorted(p.name for p in (dist / "pagefind").glob("wasm.*")) == ["wasm.en.pagefind"]
    search_html = (dist / "search" / "index.html").read_text()
    assert 'method="get"' in search_html and 'name="q"' in search_html
    assert "data-pagefind-body" not in search_html
    assert "data-pagefind-body" in (dist / "causes" / "index.html").read_text()
    assert "data-pagefind-body" not in (dist / "embed" / "causes" / "index.html").read_text()
    assert "search/" not in (dist / "embed" / "causes" / "index.html").read_text()


def test_search_page_alone_allows_webassembly(tmp_path: Path):
    site = make_site(tmp_path / "site")
    build(load_config(site), today=TODAY, use_cache=False)
    rules = (site / "dist" / "_headers").read_text().split("\n\n")
    wasm = [r.split("\n")[0] for r in rules if "wasm-unsafe-eval" in r]
    assert wasm == ["/search/", "/search/index.html"]
    assert "unsafe-inline" not in "".join(rules) and "'unsafe-eval'" not in "".join(rules)


def test_pinned_results_reach_the_search_page(tmp_path: Path):
    site = make_site(tmp_path / "site")
    build(load_config(site), today=TODAY, use_cache=False)
    html = (site / "dist" / "search" / "index.html").read_text()
    pinned = json.loads(re.search(r"data-pinned='([^']*)'", html).group(1))
    assert pinned == [{"terms": ["crisis", "help now"], "title": "Get help now",
                       "description": "About get help now.", "url": "../get-help/"}]


def test_pagefind_failure_stops_the_build_and_keeps_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, before = built_then_changed(tmp_path, use_cache=False)
    monkeypatch.setattr(search, "pagefind_executable", lambda: Path("/bin/false"))
    with pytest.raises(BuildFailed) as caught:
        build(load_config(site), today=TODAY, use_cache=False)
    assert "Pagefind could not build the search index" in str(caught.value.errors[0])
    assert snapshot(site / "dist") == before
    assert not list(site.glob(".dist.tmp-*")), "the temporary build folder was left behind"


@pytest.mark.parametrize("pinned, problem", [
    ("search:\n  pinned:\n    - terms: [crisis]\n      page: nowhere\n", 'pinned page "nowhere" does not exist'),
    ("search:\n  pinned:\n    - terms: crisis\n      page: get-help\n", '"terms" should be a list'),
    ("search:\n  pinned:\n    - {terms: [crisis]}\n", "needs exactly 'terms' and 'page'"),
    ("search:\n  pin: []\n", 'unknown field "pin" in site.yml search'),
])
def test_bad_pinned_config_is_a_clear_error(tmp_path: Path, pinned: str, problem: str):
    site = make_site(tmp_path / "site", SITE_YML + pinned)
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    line = [ln for ln in result.stderr.splitlines() if problem in ln]
    assert line and re.match(r"content/site\.yml:\d+: ", line[0]), result.stderr


def test_normalise_matches_the_script():
    assert search.normalise("  Help   NOW? ") == "help now"
    assert search.normalise("Self-harm") == "self harm"


def test_a_content_page_cannot_take_a_generated_name(tmp_path: Path):
    site = make_site(tmp_path / "site")
    write_files(site, {"content/print.md": page("Print")})
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert 'content/print.md: the page name "print" is taken by the generated /print/ page' in result.stderr


# Pagefind runs in the background while the build makes the print page, the sitemap and the other site-wide
# files. A stand-in executable shows that a failure then still stops the build and leaves dist/ as it was.
FAKE_PAGEFIND = """#!/bin/sh
echo $$ > "{pid_file}"
while [ $# -gt 0 ]; do [ "$1" = "--site" ] && site="$2"; shift; done
mkdir -p "$site/pagefind" && echo half > "$site/pagefind/pagefind.js"
{then}
"""


def fake_pagefind(tmp_path: Path, then: str) -> tuple[Path, Path]:
    """Write a stand-in for Pagefind that records its process id, writes half a bundle, then runs `then`."""
    pid_file = tmp_path / "pagefind.pid"
    script = tmp_path / "fake-pagefind"
    script.write_text(FAKE_PAGEFIND.format(pid_file=pid_file, then=then))
    script.chmod(0o755)
    return script, pid_file


def assert_gone(pid_file: Path) -> None:
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_pagefind_failing_in_the_background_keeps_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, before = built_then_changed(tmp_path)
    script, pid_file = fake_pagefind(tmp_path, 'sleep 0.3; echo "Error: the index broke" >&2; exit 3')
    with monkeypatch.context() as patch:
        patch.setattr(search, "pagefind_executable", lambda: script)
        with pytest.raises(BuildFailed) as caught:
            build(load_config(site), today=TODAY)
    assert str(caught.value.errors[0]).startswith(
        "pagefind: Pagefind could not build the search index: Error: the index broke")
    assert snapshot(site / "dist") == before
    assert not list(site.glob(".dist.tmp-*"))
    # The next build copes with the half-written bundle left in the spare folder.
    build(load_config(site), today=TODAY)
    cold = make_site(tmp_path / "cold")
    write_files(cold, CHANGED)
    build(load_config(cold), today=TODAY, use_cache=False)
    assert snapshot(site / "dist") == snapshot(cold / "dist")


def test_pagefind_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, before = built_then_changed(tmp_path)
    script, pid_file = fake_pagefind(tmp_path, "exec sleep 60")
    monkeypatch.setattr(search, "pagefind_executable", lambda: script)
    monkeypatch.setattr(search, "TIMEOUT", 1)
    started = time.monotonic()
    with pytest.raises(BuildFailed) as caught:
        build(load_config(site), today=TODAY)
    assert time.monotonic() - started < 5  # generous: the budget is one second
    assert "Pagefind could not run (TimeoutExpired" in str(caught.value.errors[0])
    assert_gone(pid_file)
    assert snapshot(site / "dist") == before


def test_a_failure_while_pagefind_runs_stops_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    site, before = built_then_changed(tmp_path)
    script, pid_file = fake_pagefind(tmp_path, "exec sleep 60")
    monkeypatch.setattr(search, "pagefind_executable", lambda: script)

    def broken(*args: object, **kwargs: object) -> bytes:
        deadline = time.monotonic() + 5
        while not pid_file.exists() and time.monotonic() < deadline:  # Pagefind has started
            time.sleep(0.01)
        raise BuildError(SourceLocation(PurePosixPath("templates/print.html"), 3), "broken", "fix it")

    monkeypatch.setattr(writers.printbook, "print_page", broken)
    with pytest.raises(BuildFailed) as caught:
        build(load_config(site), today=TODAY)
    assert str(caught.value.errors[0]).startswith("templates/print.html:3: broken")
    assert_gone(pid_file)
    assert snapshot(site / "dist") == before
