"""Writing output: atomic swap, failures keep the old folder, no writes outside it, crash recovery."""
from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from feelagain.errors import BuildError
from feelagain.writers import SiteWriter, recover


def test_commit_swaps_in_the_new_folder(tmp_path):
    out = tmp_path / "dist"
    (out / "old.html").parent.mkdir(parents=True)
    (out / "old.html").write_text("old")
    writer = SiteWriter(out)
    writer.add(PurePosixPath("a/index.html"), b"new")
    writer.commit()
    assert (out / "a/index.html").read_bytes() == b"new"
    assert not (out / "old.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_abort_leaves_the_old_folder_untouched(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "index.html").write_text("old")
    writer = SiteWriter(out)
    writer.add(PurePosixPath("index.html"), b"new")
    writer.abort()
    assert (out / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


@pytest.mark.parametrize("dest", ["../evil.html", "/etc/evil.html", "a/../../evil.html"])
def test_no_writes_outside_the_output_folder(tmp_path, dest):
    writer = SiteWriter(tmp_path / "dist")
    with pytest.raises(BuildError):
        writer.add(PurePosixPath(dest), b"x")
    writer.abort()
    assert not (tmp_path / "evil.html").exists()


def test_two_outputs_for_one_file_are_refused(tmp_path):
    writer = SiteWriter(tmp_path / "dist")
    writer.add(PurePosixPath("a.html"), b"1")
    with pytest.raises(BuildError, match="two sources write the same output file"):
        writer.add(PurePosixPath("a.html"), b"2")
    writer.abort()


def test_recover_restores_a_folder_left_between_the_two_renames(tmp_path):
    old = tmp_path / ".dist.old-abc"
    old.mkdir()
    (old / "index.html").write_text("kept")
    (tmp_path / ".dist.tmp-xyz").mkdir()
    recover(tmp_path / "dist")
    assert (tmp_path / "dist/index.html").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_unchanged_files_are_hard_linked_not_rewritten(tmp_path):
    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    first = SiteWriter(out, manifest)
    first.add(PurePosixPath("a.html"), b"same")
    first.add(PurePosixPath("b.html"), b"one")
    first.commit()
    inode = (out / "a.html").stat().st_ino
    second = SiteWriter(out, manifest)
    second.add(PurePosixPath("a.html"), b"same")
    second.add(PurePosixPath("b.html"), b"two")
    second.commit()
    assert (second.linked, second.written) == (1, 1)
    assert (out / "a.html").stat().st_ino == inode
    assert (out / "b.html").read_bytes() == b"two"


def test_writer_never_takes_over_a_file(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine")
    with pytest.raises(BuildError, match="is a file, not a folder"):
        SiteWriter(target)
    assert target.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
