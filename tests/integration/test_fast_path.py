"""A `build` with nothing changed answers from the last build's record (feelagain/fingerprint.py), and any
change at all, in the inputs, the options, the date or the output folder, makes a normal build whose output
equals a cold `--no-cache` build.

Builds run in-process through feelagain.entry.run, as `python build.py` runs them; pipeline.build is wrapped
to count the normal builds, so "took the fast path" means "the pipeline did not run".
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import feelagain.pipeline as pipeline
from feelagain import entry, fingerprint
from feelagain.config import PROJECT_ROOT, input_folders
from tests.support.sites import ROOT, page, snapshot

SUMMARY = re.compile(r"Built (\d+) pages in (\d+\.\d\d) s → (.+/)(?: \((\d+) warnings?\))?\n")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Count normal builds; trust files written a moment ago (the racy rule has tests of its own)."""
    calls: list[str] = []
    real = pipeline.build

    def counting(config, **options):
        calls.append(str(config.output_dir))
        return real(config, **options)
    monkeypatch.setattr(pipeline, "build", counting)
    monkeypatch.setattr(fingerprint, "RACY_NS", 0)
    return calls


@pytest.fixture
def site(make_site) -> Path:
    # causes.md has a warning (a heading level 1 in the body), so the saved lines are not empty.
    return make_site({"content/causes.md": page("Causes", "# Causes\n\nShort words.\n"),
                      "content/extra.md": page("Extra", "Some more words here.\n")})


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = entry.run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def record_of(site: Path, out: Path) -> Path:
    return Path(fingerprint.record_path(fingerprint.Options(str(site), str(out))))


def listing(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under folder with its inode, mtime and ctime (to prove nothing touched it)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_ctime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_with_nothing_changed_prints_the_same_lines_and_touches_nothing(site, tmp_path, builds, capsys):
    out = tmp_path / "out"
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    # A --no-cache build is always a normal one; it too leaves a record (and now a spare generation).
    code, stdout, stderr = run(capsys, "build", "--site", str(site), "--out", str(out), "--no-cache")
    assert code == 0 and len(builds) == 2
    assert stderr.startswith("warning: content/causes.md:")
    assert record_of(site, out).is_file()
    before = {"out": listing(out), "spare": listing(tmp_path / ".out.spare"),
              "cache": listing(site / ".feelagain-cache")}
    assert before["spare"] and any(name.startswith("manifest-") for name in before["cache"])

    code2, stdout2, stderr2 = run(capsys, "build", "--site", str(site), "--out", str(out))
    assert code2 == 0
    assert builds == [str(out)] * 2  # no third normal build
    assert stderr2 == stderr
    first, second = SUMMARY.fullmatch(stdout), SUMMARY.fullmatch(stdout2)
    assert first and second
    assert (second[1], second[3], second[4]) == (first[1], first[3], first[4]) == ("4", f"{out}/", "1")
    after = {"out": listing(out), "spare": listing(tmp_path / ".out.spare"),
             "cache": listing(site / ".feelagain-cache")}
    assert after == before


def _copy_locale(site: Path) -> None:
    rel = "locale/es/LC_MESSAGES/messages.po"
    (site / rel).parent.mkdir(parents=True)
    text = (PROJECT_ROOT / rel).read_text(encoding="utf-8")
    (site / rel).write_text(text + '\nmsgid "A string of our own"\nmsgstr "Una cadena nuestra"\n', encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "page edit": lambda site, out: _edit(site / "content/extra.md", "Some more words", "Some other words"),
    "new page": lambda site, out: (site / "content/another.md").write_text(page("Another", "New words.\n")),
    "deleted page": lambda site, out: (site / "content/extra.md").unlink(),
    "site.yml": lambda site, out: _edit(site / "content/site.yml", "title: Test Site", "title: Renamed Site"),
    "crisis.yml": lambda site, out: _edit(site / "content/crisis.yml", "description: ", "description: Changed. "),
    "template": lambda site, out: (site / "templates").mkdir() or (site / "templates/page.html").write_text(
        (PROJECT_ROOT / "templates/page.html").read_text().replace("{%- block content %}", "{%- block content %}<!--T-->", 1)),
    "asset": lambda site, out: (site / "assets/css").mkdir(parents=True) or (site / "assets/css/site.css").write_text(
        (PROJECT_ROOT / "assets/css/site.css").read_text() + "\n.t { color: red; }\n"),
    "locale": lambda site, out: _copy_locale(site),
    "output file changed": lambda site, out: (out / "extra/index.html").write_bytes(
        (out / "extra/index.html").read_bytes() + b"<!-- changed by hand -->"),
    "output file deleted": lambda site, out: (out / "causes/index.html").unlink(),
    "output file added": lambda site, out: (out / "stray.txt").write_text("not ours"),
    "output folder deleted": lambda site, out: shutil.rmtree(out),
}


@pytest.mark.parametrize("kind", CHANGES)
def test_any_change_makes_a_normal_build_equal_to_a_cold_one(site, tmp_path, builds, capsys, kind):
    out = tmp_path / "out"
    args = ("build", "--site", str(site), "--out", str(out))
    assert run(capsys, *args)[0] == 0
    assert run(capsys, *args)[0] == 0
    assert len(builds) == 1  # the second was answered from the record
    CHANGES[kind](site, out)
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and SUMMARY.fullmatch(stdout)
    assert len(builds) == 2, f"a {kind} was not noticed"
    cold = tmp_path / "cold"
    assert run(capsys, "build", "--site", str(site), "--out", str(cold), "--no-cache")[0] == 0
    assert snapshot(out) == snapshot(cold)
    assert run(capsys, *args)[0] == 0
    assert len(builds) == 3  # the --no-cache build; the last one was answered from the new record


def test_a_build_after_an_edit_lists_the_inputs_once_and_its_record_answers_the_next(site, tmp_path, builds, capsys,
                                                                                    monkeypatch):
    out = tmp_path / "out"
    args = ("build", "--site", str(site), "--out", str(out))
    assert run(capsys, *args)[0] == 0
    path = site / "content/extra.md"
    path.write_text(path.read_text().replace("Some more words", "Some other words"))
    listed: list[list[str]] = []
    real = fingerprint.list_folders
    monkeypatch.setattr(fingerprint, "list_folders", lambda folders: listed.append(folders) or real(folders))
    assert run(capsys, *args)[0] == 0 and len(builds) == 2
    inputs = [folders for folders in listed if folders != [os.path.realpath(out)]]
    assert len(inputs) == 1  # the shortcut's listing, which the build then used for its record
    assert run(capsys, *args)[0] == 0 and len(builds) == 2  # answered from that record
    assert "Some other words" in (out / "extra/index.html").read_text()


def test_another_output_folder_is_a_normal_build(site, tmp_path, builds, capsys):
    assert run(capsys, "build", "--site", str(site), "--out", str(tmp_path / "one"))[0] == 0
    code, stdout, _ = run(capsys, "build", "--site", str(site), "--out", str(tmp_path / "two"))
    assert code == 0 and SUMMARY.fullmatch(stdout)[3] == f"{tmp_path / 'two'}/"
    assert builds == [str(tmp_path / "one"), str(tmp_path / "two")]
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_strict_after_a_build_with_warnings_fails_like_a_strict_build(site, tmp_path, builds, capsys):
    out = tmp_path / "out"
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    before = snapshot(out)
    code, stdout, stderr = run(capsys, "build", "--site", str(site), "--out", str(out), "--strict")
    assert code == 1 and stdout == ""
    assert "Build failed: 1 problem;" in stderr and "content/causes.md" in stderr
    assert len(builds) == 2
    assert not record_of(site, out).exists()
    assert run(capsys, "build", "--site", str(site), "--out", str(out), "--strict") == (code, stdout, stderr)
    assert len(builds) == 3  # a failed build leaves no record to answer from
    assert snapshot(out) == before


def test_verbose_and_not_are_answered_separately(site, tmp_path, builds, capsys):
    out = tmp_path / "out"
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    assert run(capsys, "build", "--site", str(site), "--out", str(out), "--verbose")[0] == 0
    assert len(builds) == 2
    assert run(capsys, "build", "--site", str(site), "--out", str(out), "--verbose")[0] == 0
    assert len(builds) == 2


def _fake_datetime(day: datetime.date) -> types.SimpleNamespace:
    class FakeDate(datetime.date):
        @classmethod
        def today(cls) -> datetime.date:
            return day
    return types.SimpleNamespace(date=FakeDate, timedelta=datetime.timedelta)


def test_a_new_day_is_a_normal_build(site, tmp_path, builds, capsys, monkeypatch):
    """Warnings depend on the date (a page past its next_review): the record holds the date it was made on."""
    out = tmp_path / "out"
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    assert len(builds) == 1
    later = _fake_datetime(datetime.date(2027, 11, 2))  # the pages' next_review is 2027-11-01
    monkeypatch.setattr(pipeline, "datetime", later)
    monkeypatch.setattr(fingerprint, "datetime", later)
    code, _, stderr = run(capsys, "build", "--site", str(site), "--out", str(out))
    assert code == 0 and len(builds) == 2
    assert "2027-11-01" in stderr  # the review date that has passed
    assert run(capsys, "build", "--site", str(site), "--out", str(tmp_path / "cold"), "--no-cache")[0] == 0
    assert snapshot(out) == snapshot(tmp_path / "cold")


def test_a_failed_build_leaves_no_record(site, tmp_path, builds, capsys):
    out = tmp_path / "out"
    args = ("build", "--site", str(site), "--out", str(out))
    assert run(capsys, *args)[0] == 0
    assert record_of(site, out).is_file()
    good = (site / "content/extra.md").read_bytes()
    (site / "content/extra.md").write_text("---\ntitle: [unclosed\n---\n")
    code, _, stderr = run(capsys, *args)
    assert code == 1 and "Build failed" in stderr
    assert not record_of(site, out).exists()
    (site / "content/extra.md").write_bytes(good)
    assert run(capsys, *args)[0] == 0
    assert len(builds) == 3
    assert run(capsys, *args)[0] == 0
    assert len(builds) == 3


def test_a_damaged_record_means_a_normal_build(site, tmp_path, builds, capsys):
    out = tmp_path / "out"
    args = ("build", "--site", str(site), "--out", str(out))
    assert run(capsys, *args)[0] == 0
    record = record_of(site, out)
    for damage in (b"\x00not json", b'{"version": 1, "stderr": 5, "summary": []}', b"[]", b""):
        record.write_bytes(damage)
        code, stdout, stderr = run(capsys, *args)
        assert code == 0 and SUMMARY.fullmatch(stdout) and "Traceback" not in stderr
    assert len(builds) == 5


def test_a_same_size_edit_right_after_a_build_is_seen(site, tmp_path, capsys, monkeypatch):
    """Files changed within RACY_NS of the listing could change again unseen (same size, same timestamps):
    a build over such files writes no record, so the next build is a normal one and sees the edit."""
    calls: list[int] = []
    real = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda config, **options: calls.append(1) or real(config, **options))
    out = tmp_path / "out"
    args = ("build", "--site", str(site), "--out", str(out))
    assert run(capsys, *args)[0] == 0  # the site's files were written a moment ago
    assert not record_of(site, out).exists()
    target = site / "content/extra.md"
    stamp = target.stat()
    text = target.read_text()
    target.write_text(text.replace("Some more words", "Some MORE words"))
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # as if in the same timestamp tick
    assert target.stat().st_size == stamp.st_size
    assert run(capsys, *args)[0] == 0
    assert len(calls) == 2
    assert "Some MORE words" in (out / "extra/index.html").read_text()


def test_the_racy_rule(tmp_path):
    options = fingerprint.Options(str(tmp_path / "site"), str(tmp_path / "out"))
    (tmp_path / "out").mkdir()
    now = 10**19
    recent = fingerprint.Pending(options, "env", fingerprint.Listing("x", now - fingerprint.RACY_NS + 1, False), now)
    old = fingerprint.Pending(options, "env", fingerprint.Listing("x", now - fingerprint.RACY_NS - 1, False), now)
    linked = fingerprint.Pending(options, "env", fingerprint.Listing("x", 0, True), now)
    assert not fingerprint.write_record(recent, [], ("", ""))
    assert not fingerprint.write_record(linked, [], ("", ""))
    assert fingerprint.write_record(old, [], ("", ""))


@pytest.mark.parametrize("link", ["content/linked.md", "templates"])
def test_a_link_among_the_inputs_is_never_trusted(site, tmp_path, builds, capsys, link):
    """A link's target can change while the link does not: a file linked in content/, a linked folder."""
    (site / "own-templates").mkdir()
    target = {"content/linked.md": site / "content/extra.md", "templates": site / "own-templates"}[link]
    (site / link).symlink_to(target)
    out = tmp_path / "out"
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    assert not record_of(site, out).exists()
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == 0
    assert len(builds) == 2


@pytest.mark.parametrize("argv, expected", [
    ([], fingerprint.Options()),
    (["build"], fingerprint.Options()),
    (["--site", "s"], fingerprint.Options(site="s")),
    (["build", "--site=s", "--out", "o", "--strict", "--verbose"], fingerprint.Options("s", "o", True, True)),
    (["build", "--no-cache"], None),
    (["build", "--debug"], None),
    (["build", "--verb"], None),  # argparse takes abbreviations; the normal path answers them
    (["build", "--strict", "--strict"], None),
    (["build", "--site"], None),
    (["build", "--site", ""], None),
    (["build", "--site", "--strict"], None),
    (["build", "extra"], None),
    (["check"], None),
    (["serve"], None),
    (["new", "A page"], None),
    (["--version"], None),
    (["-h"], None),
])
def test_only_a_plain_build_command_line_is_answered(argv, expected):
    assert fingerprint.parse_build_args(argv) == expected


def test_the_inputs_are_the_folders_the_build_reads(make_site):
    site = make_site()
    for site_dir in (site, PROJECT_ROOT):
        listed = fingerprint.input_folders(str(site_dir))
        assert listed[:-1] == [str(folder) for folder in input_folders(site_dir)]
        assert listed[-1] == str(Path(pipeline.__file__).resolve().parent)  # the engine itself


def test_the_record_module_imports_only_the_standard_library():
    """It runs before the engine's packages are imported: that import is what the fast path saves."""
    import ast

    tree = ast.parse(Path(fingerprint.__file__).read_text(encoding="utf-8"))
    names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(isinstance(node, ast.ImportFrom) and node.level for node in ast.walk(tree))  # nothing of ours
    assert names and names <= set(sys.stdlib_module_names) | {"__future__"}, names - set(sys.stdlib_module_names)
    entry_tree = ast.parse(Path(entry.__file__).read_text(encoding="utf-8"))
    top_level = [node for node in entry_tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert {node.module for node in top_level if isinstance(node, ast.ImportFrom)} == {"__future__", "deps", "fingerprint"}


@pytest.mark.slow
def test_the_fast_path_imports_none_of_the_engines_packages(site, tmp_path):
    """The real command line: the first build (run as build.py runs, trusting files written a moment ago)
    writes the record; the second answers from it without importing the engine or its packages."""
    out = tmp_path / "out"
    args = ["build", "--site", str(site), "--out", str(out)]
    first = subprocess.run([sys.executable, "-c", "import sys; sys.path[0] = sys.argv[1]; "
                            "from feelagain import entry, fingerprint; fingerprint.RACY_NS = 0; "
                            "sys.exit(entry.run(sys.argv[2:]))", str(ROOT), *args],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    done = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.replace(SUMMARY.fullmatch(done.stdout)[2], "X") == \
        first.stdout.replace(SUMMARY.fullmatch(first.stdout)[2], "X")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "feelagain.fingerprint" in imported
    assert not imported & {"jinja2", "markdown", "yaml", "babel", "feelagain.cli", "feelagain.pipeline"}
    assert [line for line in done.stderr.splitlines() if not line.startswith("import time:")] == \
        first.stderr.splitlines()
