"""A build reports how many files it published, also when worker processes wrote the pages."""
from __future__ import annotations

from pathlib import Path

import pytest

import feelagain.pipeline as pipeline
from feelagain import search, workers
from feelagain.config import load_config
from tests.support.sites import page


@pytest.mark.parametrize("threshold", [10**9, 2])  # one process; forked workers, each serving several ranges
def test_the_output_count_is_the_number_of_files_published(make_site, tmp_path: Path, monkeypatch, threshold: int):
    monkeypatch.setattr(workers, "PARALLEL_THRESHOLD", threshold)
    site = make_site({f"content/p{i:02d}.md": page(f"Page {i}") for i in range(30)})
    result = pipeline.build(load_config(site, tmp_path / "out"), use_cache=False)
    published = [p for p in (tmp_path / "out").rglob("*")
                 if p.is_file() and p.relative_to(tmp_path / "out").parts[0] != search.BUNDLE]
    assert result.outputs == len(published)
