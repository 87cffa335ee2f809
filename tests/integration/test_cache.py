"""The render cache and parallel rendering never change the output, and stale entries are never used."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import feelagain.pipeline as pipeline
from feelagain import workers
from feelagain.config import load_config
from tests.support.sites import page, snapshot


def build(site: Path, out: Path, *, use_cache: bool = True) -> pipeline.BuildResult:
    return pipeline.build(load_config(site, out), use_cache=use_cache)


@pytest.fixture
def bigger_site(make_site):
    files = {f"content/p{i:03d}.md": page(f"Page {i}", f"Text of page {i}. See [home](index.md).\n\n## Part {i}\n\nMore.\n")
             for i in range(40)}
    return make_site(files)


def test_cached_and_parallel_builds_equal_a_cold_single_process_build(bigger_site, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 10**9)
    cold = build(bigger_site, tmp_path / "cold", use_cache=False)
    assert cold.cache_hits == 0
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", 2)  # force worker processes
    build(bigger_site, tmp_path / "parallel")
    warm = build(bigger_site, tmp_path / "warm")
    assert warm.cache_hits == cold.pages
    expected = snapshot(tmp_path / "cold")
    assert snapshot(tmp_path / "parallel") == expected
    assert snapshot(tmp_path / "warm") == expected


def test_rebuild_after_editing_one_page_equals_a_cold_build(bigger_site, tmp_path):
    build(bigger_site, tmp_path / "out")
    target = bigger_site / "content/p007.md"
    target.write_text(target.read_text().replace("Text of page 7.", "Changed words on page 7."))
    result = build(bigger_site, tmp_path / "out")
    assert result.cache_hits == result.pages - 1
    assert "Changed words on page 7." in (tmp_path / "out/p007/index.html").read_text()
    build(bigger_site, tmp_path / "cold", use_cache=False)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")


def test_a_changed_template_invalidates_cached_pages(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    templates = site / "templates"
    templates.mkdir()
    (templates / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>TEMPLATE-MARK</p>{{ page.body }}{% endblock %}')
    build(site, tmp_path / "out")
    assert "TEMPLATE-MARK" in (tmp_path / "out/get-help/index.html").read_text()


def test_a_changed_config_invalidates_cached_pages(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    config = site / "content/site.yml"
    config.write_text(config.read_text().replace("title: Test Site", "title: Renamed Site"))
    build(site, tmp_path / "out")
    assert "Renamed Site" in (tmp_path / "out/get-help/index.html").read_text()


def test_a_changed_title_updates_navigation_on_other_pages(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    help_page = site / "content/get-help.md"
    help_page.write_text(help_page.read_text().replace("title: Get help now", "title: Urgent support"))
    build(site, tmp_path / "out")
    assert "Urgent support" in (tmp_path / "out/index.html").read_text()


def test_damaged_cache_entries_are_detected_and_rebuilt(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "first")
    import sqlite3

    db = sqlite3.connect(site / ".feelagain-cache/render.sqlite")
    db.execute("UPDATE entries SET value = substr(value, 1, length(value) - 7) || X'00112233445566'")
    db.commit()
    db.close()
    result = build(site, tmp_path / "second")
    assert result.cache_hits == 0
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert build(site, tmp_path / "third").cache_hits == result.pages


def test_deleting_the_cache_is_safe(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "out")
    before = snapshot(tmp_path / "out")
    shutil.rmtree(site / ".feelagain-cache")
    build(site, tmp_path / "out")
    assert snapshot(tmp_path / "out") == before


def test_a_cache_file_that_is_not_a_database_is_replaced(make_site, tmp_path):
    site = make_site()
    build(site, tmp_path / "first")
    (site / ".feelagain-cache/render.sqlite").write_bytes(b"this is not sqlite" * 100)
    for extra in (site / ".feelagain-cache").glob("render.sqlite-*"):
        extra.unlink()
    assert build(site, tmp_path / "second").cache_hits == 0
    assert snapshot(tmp_path / "first") == snapshot(tmp_path / "second")
    assert build(site, tmp_path / "third").cache_hits > 0
