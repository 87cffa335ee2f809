"""Issue #13 item 2: `--out` never replaces what is not a previous build of ours, and refuses before writing.

The output folder is replaced whole, so `--out` pointing at a file, a device, a pipe or someone's folder must be
refused with `PATH: problem — hint` and exit 2 (a usage mistake), leaving that path and its folder exactly as
they were: no `.NAME.old-*` or `.NAME.tmp-*` next to it. (Real devices are checked without building: a failing
build test as root could replace /dev/null on the machine running the tests.)
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from feelagain.writers import check_output_folder
from tests.support.forked import cli_in_fork
from tests.support.sites import snapshot


def listing(folder: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under folder (hidden ones too) with its type bits and, for files, its bytes."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        mode = path.lstat().st_mode
        entries[path.relative_to(folder).as_posix()] = (stat.S_IFMT(mode),
                                                         path.read_bytes() if stat.S_ISREG(mode) else None)
    return entries


def refused(site: Path, out: Path, words: str) -> None:
    """Build with --out; assert it was refused with one 'OUT: … words … — hint' line and nothing changed."""
    around = out.parent
    before = listing(around)
    result = cli_in_fork("build", "--site", str(site), "--out", str(out))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{out}: ") and words in lines[0] and " — " in lines[0], lines
    assert listing(around) == before


def test_out_pointing_at_a_file_is_refused(make_site, tmp_path: Path):
    site = make_site()
    (tmp_path / "box").mkdir()
    target = tmp_path / "box" / "notes.txt"
    target.write_text("my notes")
    refused(site, target, "is a file, not a folder")
    assert target.read_text() == "my notes"


def test_out_pointing_at_a_named_pipe_is_refused(make_site, tmp_path: Path):
    site = make_site()
    (tmp_path / "box").mkdir()
    fifo = tmp_path / "box" / "pipe"
    os.mkfifo(fifo)
    refused(site, fifo, "is not a folder")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_out_inside_a_file_is_refused(make_site, tmp_path: Path):
    site = make_site()
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / "notes.txt").write_text("my notes")
    refused(site, tmp_path / "box" / "notes.txt" / "dist", "is a file, not a folder")


@pytest.mark.parametrize("files", [{"index.html": "<p>my own site</p>"}, {"404.html": "x", "photo.jpg": "x"},
                                   {"api/pages.json": "not json", "index.html": "x"}])
def test_out_folder_that_is_not_a_build_of_ours_is_refused(make_site, tmp_path: Path, files):
    site = make_site()
    out = tmp_path / "box" / "public"
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    refused(site, out, "is not a site built by Feel Again")


def test_devices_and_files_are_refused_without_building(make_site, tmp_path: Path):
    site = make_site()
    for path in (Path("/dev/null"), Path("/dev/zero")):
        problem = check_output_folder(path, site)
        assert problem and problem.startswith(f"{path}: is not a folder"), problem
    assert check_output_folder(Path("/dev/null/dist"), site)


def test_empty_folder_and_our_own_build_are_accepted(make_site, tmp_path: Path):
    site = make_site()
    out = tmp_path / "public"
    out.mkdir()
    first = cli_in_fork("build", "--site", str(site), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    second = cli_in_fork("build", "--site", str(site), "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert snapshot(out) == before
    # The previous generation waits beside the output folder, to be brought up to date and swapped in next time.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".public.spare", "public", "site"]


def test_default_dist_that_is_a_file_is_refused(make_site):
    site = make_site()
    (site / "dist").write_text("not a folder")
    before = listing(site)
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"{site / 'dist'}: is a file, not a folder — ")
    assert listing(site) == before
