"""Writing output: atomic swap, failures keep the old folder, no writes outside it, crash recovery."""
from __future__ import annotations

import hashlib
import shutil
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


@pytest.mark.parametrize("key", ["../evil.html", "/etc/evil.html", "a/../../evil.html", "a/..", ".."])
def test_reusing_a_name_from_a_tampered_manifest_cannot_leave_the_folder(tmp_path, key):
    writer = SiteWriter(tmp_path / "dist")
    from feelagain.writers import STAT, _make_entry

    writer.live[key] = writer.staged[key] = _make_entry(bytes(32), STAT.pack(1, 1, 1, 1), "k")
    writer.present[key] = STAT.pack(1, 1, 1, 1)
    with pytest.raises(BuildError):
        writer.reuse_key(key, "k")
    writer.abort()
    assert not (tmp_path / "evil.html").exists()


def test_page_output_keys_name_the_same_files_as_page_outputs(tmp_path):
    from feelagain.config import load_config
    from feelagain.crisis import load_crisis
    from feelagain.discover import read_sources
    from feelagain.errors import Problems
    from feelagain.model import Page
    from feelagain.pages import PageRenderer
    from feelagain.pipeline import order_site, parse_pages
    from feelagain.writers import page_output_keys, page_outputs
    from tests.support.sites import TODAY, default_files, page, write_files

    write_files(tmp_path, {**default_files(), "content/causes.md": page("Causes")})
    config = load_config(tmp_path)
    problems = Problems()
    crisis = load_crisis(tmp_path, config.default_region, None, problems, TODAY)
    site = order_site(config, parse_pages(read_sources(config.content_dir, problems, "content"), problems), problems)
    pages = PageRenderer(config, site, crisis, {})
    spanish = [Page(p.source, p.meta, p.body_md, p.body_start_line, p.meta_lines, p.digest, "es/")
               for p in site.pages]
    assert sorted(p.url for p in spanish) == ["es/", "es/causes/", "es/get-help/"]  # the home page's URL is "" in English
    for one in [*site.pages, *spanish]:
        expected = tuple(d.as_posix() for d in page_outputs(config, pages, one, None))  # type: ignore[arg-type]
        assert page_output_keys(one) == expected


def test_links_and_strays_in_the_spare_folder_are_never_followed_or_published(tmp_path):
    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "index.html").write_text("not ours")
    (outside / "page.html").write_text("not ours either")
    for _ in range(2):  # two builds: the second leaves the first generation beside dist/ as the spare
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a/index.html"), b"one")
        writer.add(PurePosixPath("sub/index.html"), b"two")
        writer.add(PurePosixPath("page.html"), b"three")
        writer.commit()
    spare = tmp_path / ".dist.spare"
    assert (spare / "a" / "index.html").is_file()
    shutil.rmtree(spare / "sub")
    (spare / "sub").symlink_to(outside / "sub")  # a folder link: following it would write outside
    (spare / "page.html").unlink()
    (spare / "page.html").symlink_to(outside / "page.html")
    (spare / "a" / "stray.html").write_text("stray")
    writer = SiteWriter(out, manifest)
    writer.add(PurePosixPath("a/index.html"), b"one")
    writer.add(PurePosixPath("sub/index.html"), b"two")
    writer.add(PurePosixPath("page.html"), b"three")
    writer.commit()
    assert (outside / "sub" / "index.html").read_text() == "not ours"
    assert (outside / "page.html").read_text() == "not ours either"
    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink())
    assert published == ["a/index.html", "page.html", "sub/index.html"]
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert [(out / name).read_bytes() for name in published] == [b"one", b"three", b"two"]


def test_the_dev_servers_writer_keeps_unchanged_files_and_removes_the_rest(tmp_path):
    from feelagain.writers import InPlaceWriter

    out = tmp_path / "served"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("not ours")
    served: dict = {}
    first = InPlaceWriter(out, served)
    first.add(PurePosixPath("a/index.html"), b"one", "k1")
    first.add(PurePosixPath("b/deep/index.html"), b"two", "k2")
    first.add(PurePosixPath("c.json"), b"three", "k3")
    first.commit()
    (out / "stray.txt").write_text("stray")
    (out / "link").symlink_to(outside)
    (out / "empty" / "er").mkdir(parents=True)
    a_inode = (out / "a/index.html").stat().st_ino
    second = InPlaceWriter(out, served)
    assert second.reuse(PurePosixPath("a/index.html"), "k1")
    assert not second.reuse(PurePosixPath("c.json"), "other inputs")
    second.add(PurePosixPath("c.json"), b"three again", "k3b")
    second.commit()
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink())
    assert files == ["a/index.html", "c.json"]
    assert sorted(p.name for p in out.iterdir()) == ["a", "c.json"]
    assert (out / "a/index.html").stat().st_ino == a_inode and (out / "c.json").read_bytes() == b"three again"
    assert (outside / "keep.html").read_text() == "not ours"
    assert set(served) == {"a/index.html", "c.json"} and served["c.json"][0] == "k3b"
    third = InPlaceWriter(out, served)  # what commit recorded lets the next build keep both
    assert third.reuse(PurePosixPath("a/index.html"), "k1") and third.reuse(PurePosixPath("c.json"), "k3b")
    (out / "c.json").write_bytes(b"edited by hand")
    fourth = InPlaceWriter(out, served)
    assert not fourth.reuse(PurePosixPath("c.json"), "k3b")


def test_the_manifest_is_one_line_per_file_and_reads_back_as_written(tmp_path):
    import json

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    for text in (b"one", b"two"):  # the second build's manifest has a spare table too
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a b/index.html"), text, "key-a")
        writer.add(PurePosixPath("é.json"), b"same", "key-e")
        writer.commit()
    written = writer.manifest
    lines = manifest.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"version": 4, "output": str(out.resolve())}
    rows = [json.loads(line) for line in lines[1:]]
    assert [row[:2] for row in rows] == [["live", "a b/index.html"], ["live", "é.json"],
                                         ["spare", "a b/index.html"], ["spare", "é.json"]]
    info = (out / "a b/index.html").stat()
    assert rows[0][2:] == [hashlib.sha256(b"two").hexdigest(), "key-a", info.st_ino, info.st_size,
                           info.st_mtime_ns, info.st_ctime_ns]
    reader = SiteWriter(out, manifest)
    assert reader.live == written
    assert reader.staged["a b/index.html"][:32] == hashlib.sha256(b"one").digest()
    reader.abort()


def test_the_two_manifests_share_one_copy_of_each_name_and_entry(tmp_path):
    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    for text in (b"one", b"one", b"two"):  # the third build loads live and spare entries for a.html
        writer = SiteWriter(out, manifest)
        if text == b"two":
            live, spare = writer.live, writer.staged
            key = next(k for k in live if k == "a.html")
            assert key is next(k for k in spare if k == "a.html")
            assert spare["a.html"] is live["a.html"]  # a hard link in both folders: one entry
        writer.add(PurePosixPath("a.html"), b"same", "key-a")
        writer.add(PurePosixPath("b.html"), text, "key-b")
        writer.commit()
    assert (out / "b.html").read_bytes() == b"two"


@pytest.mark.parametrize("damage", ['["spare", "a.html", "d", "k", 1, 2, 3]', '["spare", "a.html", "d", "k", 1, 2, 3, "x"]',
                                    '["spare", "a.html", "d", "k", -1, 2, 3, 4]', '["spare", 5, "d", "k", 1, 2, 3, 4]',
                                    '5', '{"spare": 1}', 'not json', '["other", "a.html", "d", "k", 1, 2, 3, 4]',
                                    '["spare", "a.html", "abcd", "k", 1, 2, 3, 4]',
                                    '[["spare"], "a.html", "' + "ab" * 32 + '", "k", 1, 2, 3, 4]',
                                    '[{"spare": 1}, "a.html", "' + "ab" * 32 + '", "k", 1, 2, 3, 4]',
                                    "[" * 100_000 + "]" * 100_000])
def test_a_manifest_with_damaged_entries_only_costs_the_shortcut(tmp_path, damage):
    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    for _ in range(2):
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a.html"), b"same", "key-a")
        writer.commit()
    lines = manifest.read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ['["live"', '["spare"']
    manifest.write_text("\n".join(lines[:2] + [damage]) + "\n")
    writer = SiteWriter(out, manifest)
    if damage == "not json" or damage.startswith("[[["):  # nested too deep for the parser, too
        assert writer.live == {} and writer.staged == {}  # the rest of the file cannot be trusted
    else:
        assert writer.staged == {} and set(writer.live) == {"a.html"}  # the sound live line is kept
    writer.add(PurePosixPath("a.html"), b"new", "key-a")
    writer.commit()
    assert (out / "a.html").read_bytes() == b"new"


@pytest.mark.parametrize("render_key", ["", "key-a", "ab" * 32, "AB" * 32, "zz" * 32])
def test_a_manifest_line_reads_back_as_the_entry_it_was_written_from(render_key):
    import json

    from feelagain.writers import STAT, _compact, _entry, _manifest_line

    digest = hashlib.sha256(b"x").digest()
    entry = digest + STAT.pack(7, 8, 9, 10) + _compact(render_key)
    row = json.loads(_manifest_line("live", "a.html", entry))
    assert row[:3] == ["live", "a.html", digest.hex()] and row[4:] == [7, 8, 9, 10]
    assert _entry(row) == entry
    assert row[3] == (render_key.lower() if len(render_key) == 64 and render_key != "zz" * 32 else render_key)
    assert (len(entry) == 97) == (render_key.lower() == "ab" * 32)  # a hash is kept as its 32 bytes
