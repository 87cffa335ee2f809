"""The site's own templates/ and assets/ may hold only normal files that live inside the site folder.

A symlink there could publish any file the build can read (assets/logo.svg → /etc/passwd), and a named pipe
would make the build wait forever, so both are refused before anything is read, like content/ does.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from .errors import BuildError, SourceLocation

FOLDERS = ("templates", "assets")
OUTSIDE_HINT = "copy it into the site folder instead of linking to it"


def check_site_files(site_dir: Path) -> list[BuildError]:
    """Return an error for every link leading outside site_dir and every non-regular file in templates/, assets/."""
    root = site_dir.resolve()
    errors: list[BuildError] = []
    for name in FOLDERS:
        folder = site_dir / name
        if not os.path.lexists(folder):
            continue
        for path in [folder, *_walk(folder)]:
            loc = SourceLocation(PurePosixPath(path.relative_to(site_dir).as_posix()))
            error = _check(path, root, loc)
            if error:
                errors.append(error)
    return errors


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):  # does not follow links to folders: each is checked below
        dirs.sort()
        found += [Path(top, d) for d in dirs] + [Path(top, f) for f in sorted(files)]
    return found


def _check(path: Path, root: Path, loc: SourceLocation) -> BuildError | None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a broken link or a vanished file publishes nothing
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        kind = "folder" if stat.S_ISDIR(mode) else "file"
        return BuildError(loc, f"is a link to a {kind} outside the site folder", OUTSIDE_HINT)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return BuildError(loc, "is not a normal file (a pipe, a device or a socket)",
                          "remove it: only normal files are read from here")
    return None
