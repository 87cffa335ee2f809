"""Writing output: atomic swap, failures keep the old folder, no writes outside it, crash recovery."""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import PurePosixPath

import pytest

from feelagain.errors import BuildError
from feelagain.writers import STAT, SiteWriter, recover


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


@pytest.mark.parametrize("change", ["in place", "replaced", "removed", "a folder"])
def test_a_spare_file_changed_since_its_build_is_written_again_not_kept(tmp_path, change):
    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.json"
    for text in (b"one", b"two"):  # the spare folder now holds b.html = "one", which only it has
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a.html"), b"same")
        writer.add(PurePosixPath("b.html"), text)
        writer.commit()
    spare = tmp_path / ".dist.spare" / "b.html"
    assert spare.read_bytes() == b"one"
    if change == "in place":  # same inode, size and (put back) mtime: only the ctime tells
        mtime = spare.stat().st_mtime_ns
        with open(spare, "r+b") as handle:
            handle.write(b"onf")
        os.utime(spare, ns=(mtime, mtime))
    elif change == "replaced":
        spare.unlink()
        spare.write_bytes(b"onf")
    elif change == "removed":
        spare.unlink()
    else:
        spare.unlink()
        (spare / "x").mkdir(parents=True)
    writer = SiteWriter(out, manifest)
    writer.add(PurePosixPath("a.html"), b"same")
    writer.add(PurePosixPath("b.html"), b"one")
    writer.commit()
    assert (out / "b.html").read_bytes() == b"one" and (out / "a.html").read_bytes() == b"same"
    assert (writer.linked, writer.written) == (1, 1)


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


def test_the_manifest_holds_each_files_entry_and_reads_back_as_written(tmp_path):
    import pickle

    from feelagain.writers import MANIFEST_VERSION, STAT, _compact

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.pickle"
    for text in (b"one", b"two"):  # the second build's manifest has a spare table too
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a b/index.html"), text, "key-a")
        writer.add(PurePosixPath("é.json"), b"same", "key-e")
        writer.commit()
    written = writer.manifest
    record = pickle.loads(manifest.read_bytes())
    assert {k: record[k] for k in ("version", "output")} == {"version": MANIFEST_VERSION, "output": str(out.resolve())}
    assert sorted(record["live"]) == sorted(record["spare"]) == ["a b/index.html", "é.json"]
    info = (out / "a b/index.html").stat()
    assert record["live"]["a b/index.html"] == (hashlib.sha256(b"two").digest() + STAT.pack(
        info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns) + _compact("key-a"))
    reader = SiteWriter(out, manifest)
    assert reader.live == written
    assert reader.staged["a b/index.html"][:32] == hashlib.sha256(b"one").digest()
    reader.abort()


def test_a_file_kept_then_forgotten_is_kept_again_from_the_staging_folder(tmp_path):
    """A page whose first outputs were kept and a later one was not: the writers forget the kept ones and take them
    again. The staging folder then holds them already (placed by this build): they are kept as they are, neither
    linked nor written a second time, and the manifest records them as they are on disk."""
    import pickle

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.pickle"
    for _ in range(3):  # the third build has a spare generation to bring up to date
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a.html"), b"page a", "key-a")
        writer.add(PurePosixPath("b.html"), b"page b", "key-b")
        writer.commit()
    writer = SiteWriter(out, manifest)
    assert writer.reuse(PurePosixPath("a.html"), "key-a")
    inode = os.lstat(writer.tmp / "a.html").st_ino
    writer.forget([PurePosixPath("a.html")])
    assert writer.linked == 0
    assert writer.reuse(PurePosixPath("a.html"), "key-a")  # again: the file this build placed is kept
    assert writer.linked == 1 and writer.written == 0
    assert os.lstat(writer.tmp / "a.html").st_ino == inode
    writer.forget([PurePosixPath("a.html")])
    writer.add(PurePosixPath("a.html"), b"page a", "key-a")  # the same bytes added instead: kept too
    assert writer.linked == 1 and writer.written == 0
    writer.add(PurePosixPath("b.html"), b"page b, edited", "key-b2")
    writer.commit()
    assert (out / "a.html").read_bytes() == b"page a" and (out / "b.html").read_bytes() == b"page b, edited"
    record = pickle.loads(manifest.read_bytes())
    for name in ("a.html", "b.html"):
        info = (out / name).stat()
        assert record["live"][name][32:64] == STAT.pack(info.st_ino, info.st_size, info.st_mtime_ns,
                                                         info.st_ctime_ns)
    again = SiteWriter(out, manifest)  # what the manifest says is true: the next build keeps a.html
    assert again.reuse(PurePosixPath("a.html"), "key-a")
    again.abort()


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


class _Evil:
    def __reduce__(self):
        return (print, ("ran",))


def _manifests_damages():
    """Each: how to change the loaded record, and whether the live entry survives."""
    def entry(record, value):
        record["spare"]["a.html"] = value

    return {
        "spare entry too short": (lambda r: entry(r, b"x" * 64), True),
        "spare entry not bytes": (lambda r: entry(r, "x" * 97), True),
        "spare entry with a bad key mark": (lambda r: entry(r, b"x" * 64 + b"?k"), True),
        "spare hash key of the wrong length": (lambda r: entry(r, b"x" * 64 + b"#" + b"k" * 31), True),
        "spare name not a string": (lambda r: r["spare"].update({5: r["spare"].pop("a.html")}), True),
        "spare table not a dict": (lambda r: r.update(spare=[1, 2]), True),
        "another version": (lambda r: r.update(version=r["version"] - 1), False),
        "another output folder": (lambda r: r.update(output="/elsewhere"), False),
        "not a dict": (lambda r: r.clear() or r.update(x=1), False),
    }


@pytest.mark.parametrize("damage", sorted(_manifests_damages()))
def test_a_manifest_with_damaged_entries_only_costs_the_shortcut(tmp_path, damage):
    import pickle

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.pickle"
    for _ in range(2):
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a.html"), b"same", "key-a")
        writer.commit()
    record = pickle.loads(manifest.read_bytes())
    assert set(record["live"]) == set(record["spare"]) == {"a.html"}
    change, live_kept = _manifests_damages()[damage]
    change(record)
    manifest.write_bytes(pickle.dumps(record if damage != "not a dict" else [record]))
    writer = SiteWriter(out, manifest)
    assert writer.staged == {}
    assert set(writer.live) == ({"a.html"} if live_kept else set())  # the sound live table is kept
    writer.add(PurePosixPath("a.html"), b"new", "key-a")
    writer.commit()
    assert (out / "a.html").read_bytes() == b"new"


@pytest.mark.parametrize("damage", ["cut short", "not a pickle", "an object to call", "empty"])
def test_a_manifest_that_cannot_be_read_only_costs_the_shortcut(tmp_path, damage, capsys):
    import pickle

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.pickle"
    for _ in range(2):
        writer = SiteWriter(out, manifest)
        writer.add(PurePosixPath("a.html"), b"same", "key-a")
        writer.commit()
    data = manifest.read_bytes()
    record = pickle.loads(data)
    record["live"]["b.html"] = _Evil()
    manifest.write_bytes({"cut short": data[:len(data) // 2], "not a pickle": b"not a pickle\n", "empty": b"",
                          "an object to call": pickle.dumps(record)}[damage])
    writer = SiteWriter(out, manifest)
    assert writer.live == {} and writer.staged == {}
    assert "ran" not in capsys.readouterr().out  # the manifest's reader never calls what a pickle names
    writer.add(PurePosixPath("a.html"), b"new", "key-a")
    writer.commit()
    assert (out / "a.html").read_bytes() == b"new"




@pytest.mark.parametrize("render_key", ["", "key-a", "ab" * 32, "AB" * 32, "zz" * 32])
def test_a_render_key_reads_back_from_the_manifest_as_it_was_written(tmp_path, render_key):
    from feelagain.writers import _compact

    out, manifest = tmp_path / "dist", tmp_path / "cache/manifest.pickle"
    writer = SiteWriter(out, manifest)
    writer.add(PurePosixPath("a.html"), b"x", render_key)
    writer.commit()
    reader = SiteWriter(out, manifest)
    entry = reader.live["a.html"]
    assert entry[:32] == hashlib.sha256(b"x").digest() and entry[64:] == _compact(render_key)
    assert (len(entry) == 97) == (render_key.lower() == "ab" * 32)  # a hash is kept as its 32 bytes
    assert reader.reuse_key("a.html", render_key) == bool(render_key)  # no key: never reused
    reader.abort()
