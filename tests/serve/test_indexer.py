"""The dev server's background search indexer (feelagain/serve/indexer.py), in-process with the real Pagefind."""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from feelagain.serve.indexer import IndexRun, Mirrored, SearchIndexer, index_folder, sync_pages

PAGE = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>\n'
        '<body><main data-pagefind-body><h1>{title}</h1><p>{text}</p></main></body></html>\n')


def write_page(out: Path, rel: str, title: str, text: str) -> None:
    """Write one page into out the way the in-place writer does: a new file renamed over the old one."""
    target = out / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(PAGE.format(title=title, text=text), encoding="utf-8")
    os.replace(tmp, target)


def make_site(out: Path) -> None:
    write_page(out, "index.html", "Home", "Welcome to the guide.")
    write_page(out, "causes/index.html", "Causes", "Stress can dull feelings.")
    (out / "assets").mkdir()
    (out / "assets" / "site.css").write_text("body{}")
    (out / "pagefind").mkdir()
    (out / "pagefind" / "old.js").write_text("stale")
    (out / ".hidden").mkdir()
    (out / ".hidden" / "index.html").write_text("<p>secret</p>")


def test_the_mirror_links_only_the_pages_and_follows_changes_page_by_page(tmp_path: Path) -> None:
    out, mirror = tmp_path / "preview", tmp_path / "mirror"
    make_site(out)
    known: Mirrored = {}
    assert sync_pages(out, mirror, known) == 2
    files = lambda: sorted(p.relative_to(mirror).as_posix() for p in mirror.rglob("*") if p.is_file())
    assert files() == ["causes/index.html", "index.html"]  # no assets, no old index, nothing hidden
    write_page(out, "causes/index.html", "Causes", "Grief can dull feelings too.")
    assert "Stress can dull" in (mirror / "causes" / "index.html").read_text()  # untouched until the next sync
    write_page(out, "grief/index.html", "Grief", "Loss can numb.")
    (out / "index.html").unlink()
    assert sync_pages(out, mirror, known) == 2
    assert files() == ["causes/index.html", "grief/index.html"]
    assert "Grief can dull" in (mirror / "causes" / "index.html").read_text()
    write_page(out, "index.html", "Home", "Welcome back.")
    sync_pages(out, mirror, known)
    assert "Welcome back" in (mirror / "index.html").read_text()  # even if the new file got the old inode back
    causes = (mirror / "causes" / "index.html").stat().st_ino
    sync_pages(out, mirror, known)
    assert (mirror / "causes" / "index.html").stat().st_ino == causes  # unchanged pages are left alone


def test_the_index_lives_beside_the_preview_not_in_it(tmp_path: Path) -> None:
    out = tmp_path / "cache" / "preview"
    assert index_folder(out) == tmp_path / "cache" / ".preview.search"
    assert out not in index_folder(out).parents


def test_requests_made_during_a_build_become_one_run_of_the_newest_pages(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    make_site(out)
    building = threading.Event()
    building.set()
    runs: list[IndexRun] = []
    finished = threading.Event()

    def done(run: IndexRun) -> None:
        runs.append(run)
        finished.set()

    indexer = SearchIndexer(out, done, busy=building.is_set)
    assert indexer.current() is None
    for generation in (2, 3, 4):  # three reloads while "a build" keeps the indexer waiting
        indexer.request(generation)
    assert indexer.pending
    write_page(out, "grief/index.html", "Grief", "Loss can numb.")
    building.clear()
    assert finished.wait(60), "the index run never finished"
    indexer.request(4)  # one more request after the run is harmless: it runs again, still generation 4
    give_up = time.monotonic() + 60
    while indexer.pending and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not indexer.pending
    assert [r.generation for r in runs][0] == 4 and all(r.generation == 4 for r in runs), runs
    assert runs[0].error is None and runs[0].pages == 3  # the page written while it waited is in
    bundle = indexer.current()
    assert bundle is not None and index_folder(out) in bundle.parents
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"], entry
    assert not (bundle / "pagefind-ui.js").exists()  # search.build_index's clean-up ran
    assert not (out / "pagefind" / "pagefind-entry.json").exists()  # the served folder was not touched
    indexer.close()
    assert not index_folder(out).exists()


def test_old_indexes_are_removed_keeping_the_one_before_for_requests_in_flight(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    make_site(out)
    indexer = SearchIndexer(out)
    runs = [indexer.run_now(1)]
    for generation in (2, 3):
        write_page(out, "causes/index.html", "Causes", f"Changed words, take {generation}.")
        runs.append(indexer.run_now(generation))
    assert [(r.number, r.error, r.pages) for r in runs] == [(1, None, 2), (2, None, 2), (3, None, 2)]
    published = index_folder(out) / "published"
    assert sorted(p.name for p in published.iterdir()) == ["2", "3"]
    assert indexer.current() == published / "3" / "pagefind"
    assert (indexer.current() / "pagefind-entry.json").is_file()
    assert not (index_folder(out) / "site" / "pagefind").exists()  # moved out of the mirror, not copied
    indexer.close()


def test_the_index_covers_the_languages_the_last_build_had(tmp_path: Path) -> None:
    out = tmp_path / "preview"
    make_site(out)
    for rel, title in (("es/index.html", "Inicio"), ("es/causas/index.html", "Causas"),
                       ("es/embed/causas/index.html", "Causas (embed)")):
        write_page(out, rel, title, "El estrés puede apagar los sentimientos.")
        path = out / rel
        path.write_text(path.read_text().replace('lang="en"', 'lang="es"'))
    indexer = SearchIndexer(out)
    before = indexer.run_now(1)  # no languages known yet: es/index.html is a page like any other
    assert before.pages == 3
    indexer.prefixes = ("es/",)  # what the server sets from the build's site.yml
    run = indexer.run_now(2)
    assert run.error is None and run.pages == 4  # es/causas/ is in, the embed is not
    bundle = indexer.current()
    assert bundle is not None
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert {code: lang["page_count"] for code, lang in entry["languages"].items()} == {"en": 2, "es": 2}
    assert not (index_folder(out) / "site" / "es" / "embed").exists()
    indexer.close()
