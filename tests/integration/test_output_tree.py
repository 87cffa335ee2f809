"""Issue #13 items 10 and 11: the published tree has the umask's permissions, and a rebuild always gives the
bytes the input makes (a file edited by hand in dist/ never survives it)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.support.forked import cli_in_fork
from tests.support.sites import page, snapshot


def _modes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix() or ".": stat.S_IMODE(p.stat().st_mode)
            for p in [folder, *sorted(folder.rglob("*"))]}


@pytest.mark.parametrize("umask, folder_mode, file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_tree_has_the_umask_permissions(make_site, umask, folder_mode, file_mode):
    site = make_site()
    old = os.umask(umask)
    try:
        for _ in range(2):  # the first build, then one that reuses the files of the first
            result = cli_in_fork("build", "--site", str(site))
            assert result.returncode == 0, result.stderr
    finally:
        os.umask(old)
    dist = site / "dist"
    modes = _modes(dist)
    assert modes["."] == folder_mode, oct(modes["."])
    for name, mode in modes.items():
        want = folder_mode if (dist / name).is_dir() else file_mode
        assert mode == want, f"{name}: {oct(mode)} instead of {oct(want)}"


@pytest.mark.parametrize("extra", [[], ["--no-cache"]])
def test_a_file_edited_by_hand_in_dist_does_not_survive_a_rebuild(make_site, tmp_path: Path, extra):
    site = make_site({"content/causes.md": page("Causes", "Short words here.\n")})
    assert cli_in_fork("build", "--site", str(site)).returncode == 0
    dist = site / "dist"
    clean = snapshot(dist)
    edited = dist / "causes" / "index.html"
    edited.write_bytes(edited.read_bytes().replace(b"Short words here.", b"Short words HERE!"))  # same size
    same_size = dist / "api" / "pages" / "causes.json"
    info = same_size.stat()
    same_size.write_bytes(same_size.read_bytes().replace(b"Causes", b"Hacked", 1))
    os.utime(same_size, ns=(info.st_atime_ns, info.st_mtime_ns))  # and the same modification time
    css = next((dist / "assets").glob("site.*.css"))
    css.write_bytes(css.read_bytes() + b"\nbody{display:none}\n")
    result = cli_in_fork("build", "--site", str(site), *extra)
    assert result.returncode == 0, result.stderr
    assert snapshot(dist) == clean
    fresh = tmp_path / "fresh"
    assert cli_in_fork("build", "--site", str(site), "--out", str(fresh)).returncode == 0
    assert snapshot(fresh) == clean  # same input, same bytes, wherever it was built
