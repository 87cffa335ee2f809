"""The Pagefind index as part of the atomic build, the search page, its headers and the pinned results."""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path, PurePosixPath

import pytest

from feelagain import search, writers
from feelagain.config import load_config
from feelagain.errors import BuildError, BuildFailed, SourceLocation
from feelagain.pipeline import build
from feelagain.spool import Spooled
from tests.support.forked import cli_in_fork
from tests.support.sites import LANGUAGES, SITE_YML, TODAY, default_files, page, snapshot, write_files

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
    # The search forms' boxes have no name: a submit without JavaScript cannot put the words in a URL.
    assert "data-search-form" in search_html and 'type="search"' in search_html
    causes_html = (dist / "causes" / "index.html").read_text()
    assert "data-search-box" in causes_html
    assert not re.search(r"<input[^>]*\sname=", search_html + causes_html)
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
    # Accents go, whether typed composed or as a letter plus a combining mark, as in search.js.
    assert search.normalise("Autolesión") == search.normalise("autolesio\u0301n") == "autolesion"
    assert search.normalise("Hacerme DAÑO") == "hacerme dano"


def test_a_content_page_cannot_take_a_generated_name(tmp_path: Path):
    site = make_site(tmp_path / "site")
    write_files(site, {"content/print.md": page("Print")})
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert 'content/print.md: the page name "print" is taken by the generated /print/ page' in result.stderr


# Pagefind runs in the background while the build makes the print page, the sitemap and the other site-wide
# files. A stand-in executable shows that a failure then still stops the build and leaves dist/ as it was.
# It writes its pid to a spare file and renames it: a test that sees the pid file sees the whole number.
FAKE_PAGEFIND = """#!/bin/sh
echo $$ > "{pid_file}.tmp" && mv "{pid_file}.tmp" "{pid_file}"
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
    spooled: list[Spooled] = []  # every output made in a temporary file: all closed when the build fails
    made = Spooled.__init__

    def recording(self: Spooled, folder: Path | None = None) -> None:
        made(self, folder)
        spooled.append(self)
    with monkeypatch.context() as patch:
        patch.setattr(search, "pagefind_executable", lambda: script)
        patch.setattr(Spooled, "__init__", recording)
        with pytest.raises(BuildFailed) as caught:
            build(load_config(site), today=TODAY)
    assert str(caught.value.errors[0]).startswith(
        "pagefind: Pagefind could not build the search index: Error: the index broke")
    assert spooled and all(s.file.closed for s in spooled)  # the print page at least (a text edit keeps the listings)
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


# What Pagefind cost: os.wait4 counts the Pagefind process alone, and `build --verbose` prints it when it ran.
INDEX_LINE = re.compile(r"^Search index: Pagefind (\d+\.\d\d) s \((\d+\.\d\d) s CPU, peak (\d+) MiB\)\.$", re.M)


def test_a_build_that_runs_pagefind_reports_its_cost(tmp_path: Path):
    site = make_site(tmp_path / "site")
    first = build(load_config(site), today=TODAY)
    stats = first.index
    assert stats is not None
    # Pagefind runs inside the build, so it cannot take longer than the build; it does some work, and the binary
    # with its index in memory takes more than 1 MiB and (for three pages) far less than 1 GiB.
    assert 0 < stats.wall < first.seconds
    assert stats.cpu > 0
    assert 1024 < stats.peak_rss_kib < 1024 * 1024
    assert build(load_config(site), today=TODAY).index is None  # nothing changed: Pagefind did not run
    write_files(site, {"content/causes.md": page("Causes", "Changed text.\n")})
    assert build(load_config(site), today=TODAY).index is not None


def test_wall_time_ends_when_pagefind_exits_not_when_the_build_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script, _ = fake_pagefind(tmp_path, "sleep 0.2")
    monkeypatch.setattr(search, "pagefind_executable", lambda: script)
    folder = tmp_path / "out"
    folder.mkdir()
    started = time.monotonic()
    run = search.start_index(folder)
    deadline = started + 5
    while run.exited is None and time.monotonic() < deadline:  # the watcher saw it exit
        time.sleep(0.01)
    time.sleep(0.5)  # the build is busy elsewhere: this must not count as Pagefind's time
    waited = time.monotonic() - started
    stats = run.wait()
    assert stats is not None
    assert 0.2 <= stats.wall <= waited - 0.5
    assert run.proc is None and run.stats == stats


def test_verbose_build_prints_the_line_only_when_pagefind_ran(make_site, capsys, monkeypatch: pytest.MonkeyPatch):
    import feelagain.pipeline as pipeline
    from feelagain import entry, fingerprint

    monkeypatch.setattr(fingerprint, "RACY_NS", 0)  # trust files written a moment ago: the fast path may answer
    builds: list[object] = []
    real = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda config, **options: builds.append(config) or real(config, **options))
    site = make_site({"content/causes.md": page("Causes", "Stress and poor sleep can play a part.\n")})

    def run(*args: str) -> str:
        assert entry.run(["build", "--site", str(site), *args]) == 0
        return capsys.readouterr().out

    out = run("--verbose")
    found = INDEX_LINE.findall(out)
    assert len(found) == 1, out
    wall, cpu, peak = (float(x) for x in found[0])
    built = float(re.search(r"Built \d+ pages in (\d+\.\d\d) s", out).group(1))
    assert 0 < wall <= built and cpu > 0 and peak >= 1
    assert out.index("Search index:") < out.index("Built ")
    assert "Search index" not in run("--verbose")  # nothing changed: answered from the record, no Pagefind
    assert len(builds) == 1
    pipeline_out = run("--verbose", "--no-cache")  # a normal build (not the fast path), still nothing to index
    assert len(builds) == 2
    assert "Built " in pipeline_out and "Search index" not in pipeline_out
    write_files(site, {"content/causes.md": page("Causes", "Changed text.\n")})
    plain = run()  # Pagefind runs again, but the normal output stays as it was
    assert "Search index" not in plain and plain.startswith("Built ")


# Pagefind lists the languages of pagefind-entry.json in a different order from run to run; the build sorts them.
ES_BODY = "Puedes sentirte apagado. Es algo común. Casi siempre mejora con el tiempo.\n"


def test_two_language_site_lists_its_languages_sorted(tmp_path: Path):
    site = make_site(tmp_path / "site", SITE_YML.replace("language: en\n", "") + LANGUAGES)
    write_files(site, {
        "content/es/index.md": page("Inicio", ES_BODY, translation_of="index"),
        "content/es/obtener-ayuda.md": page("Obtener ayuda", ES_BODY, translation_of="get-help"),
    })
    build(load_config(site), today=TODAY, use_cache=False)
    text = (site / "dist" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    entry = json.loads(text)
    assert list(entry["languages"]) == ["en", "es"]  # Pagefind's own order is "es" first in about half its runs
    assert sorted(p.name for p in (site / "dist" / "pagefind").glob("wasm.*")) == ["wasm.en.pagefind",
                                                                                  "wasm.es.pagefind"]


def test_entry_languages_are_sorted_and_nothing_else_changes(tmp_path: Path):
    # Seven languages: Pagefind's own order is sorted by chance once in 5,040 runs, so this test sees the shuffle.
    codes = ["pt", "de", "fr", "en", "nl", "es", "it"]
    folders = [tmp_path / "ours", tmp_path / "raw"]
    for folder in folders:
        for code in codes:
            write_files(folder, {f"{code}/index.html": f'<!doctype html><html lang="{code}"><head><title>{code}</title>'
                                                       f'</head><body><main data-pagefind-body><p>Words {code} here.'
                                                       f'</p></main></body></html>'})
    search.build_index(folders[0])
    subprocess.run([str(search.pagefind_executable()), "--site", str(folders[1]), "--glob", search.GLOB,
                    "--output-subdir", search.BUNDLE, "--silent"], check=True, timeout=120)
    ours = (folders[0] / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    raw = (folders[1] / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8")
    assert list(json.loads(ours)["languages"]) == sorted(codes)
    assert json.loads(ours) == json.loads(raw)  # the same entries: only their order differs
    assert len(ours) == len(raw) and ours[-1] == raw[-1] == "}"  # compact, as Pagefind writes it
    assert not (folders[0] / "pagefind" / "pagefind-entry.json.tmp").exists()
