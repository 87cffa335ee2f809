"""Shared fixtures: tiny sites built in tmp_path from a dict of files (see tests/support/sites.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.sites import default_files, write_files


@pytest.fixture
def make_site(tmp_path: Path):
    """Return a function that creates a site folder from the default files plus overrides."""
    def make(files: dict[str, str | bytes | None] | None = None, name: str = "site") -> Path:
        root = tmp_path / name
        write_files(root, {**default_files(), **(files or {})})
        return root
    return make
