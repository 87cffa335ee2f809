"""Writing the site: into a sibling temporary folder, then an atomic swap, so dist/ is never half-built."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path, PurePosixPath

from .errors import BuildError, SourceLocation


def _safe_join(root: Path, dest: PurePosixPath) -> Path:
    """Return root/dest, refusing anything that would land outside root."""
    if dest.is_absolute() or ".." in dest.parts:
        raise BuildError(SourceLocation(dest), "output path leaves the output folder", "rename the page")
    return root.joinpath(*dest.parts)


def _umask() -> int:
    """Return the process umask (Python can only read it by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def recover(output_dir: Path) -> None:
    """Clean up after a build that was killed: restore dist/ if only the old copy is left; drop temp folders."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{output_dir.name}.old-*"))
    if olds and not output_dir.exists():
        os.rename(olds.pop(), output_dir)  # killed between the two renames of a swap
    for leftover in olds + sorted(parent.glob(f".{output_dir.name}.tmp-*")):
        shutil.rmtree(leftover, ignore_errors=True)


class SiteWriter:
    """Collects output files in a temporary folder and swaps it in as the new output folder.

    Files whose bytes did not change since the last build are hard-linked from the old output instead of
    written again (the old files are never modified in place, so sharing them is safe).
    """

    def __init__(self, output_dir: Path, manifest_path: Path | None = None) -> None:
        self.output_dir = output_dir
        self.manifest_path = manifest_path
        if os.path.lexists(output_dir) and not output_dir.is_dir():  # commit() would rename what we did not make
            raise BuildError(SourceLocation(PurePosixPath(output_dir)), _not_a_folder(output_dir),
                             "choose a new folder for the output")
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        recover(output_dir)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=output_dir.parent))
        # mkdtemp makes a private (0700) folder; once swapped in it is the published root, so it gets the
        # permissions any folder gets (0755 with the usual umask), or a web server running as another user gets 403.
        os.chmod(self.tmp, 0o777 & ~_umask())
        self.old_manifest = self._load_manifest()
        self.manifest: dict[str, list[str]] = {}
        self.folders: set[Path] = {self.tmp}  # made already: mkdir on an existing folder is a wasted system call
        self.written = 0
        self.linked = 0

    def _load_manifest(self) -> dict[str, list[str]]:
        if not self.manifest_path or not self.manifest_path.exists() or not self.output_dir.is_dir():
            return {}
        try:
            data = json.loads(self.manifest_path.read_text())
            return data["files"] if data.get("output") == str(self.output_dir.resolve()) else {}
        except (ValueError, KeyError, OSError):
            return {}  # a damaged manifest only costs us the shortcut

    def _claim(self, dest: PurePosixPath) -> tuple[str, Path]:
        key = dest.as_posix()
        if key in self.manifest:
            raise BuildError(SourceLocation(dest), "two sources write the same output file", "rename one of them")
        target = _safe_join(self.tmp, dest)
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.update(target.parents)
        return key, target

    def _link_old(self, dest: PurePosixPath, target: Path, digest: str) -> bool:
        """Hard-link the old output file, if its bytes are still the ones we wrote (digest), not edited by hand."""
        source = _safe_join(self.output_dir, dest)
        try:
            fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    return False
                with os.fdopen(os.dup(fd), "rb") as handle:
                    if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
                        return False
            finally:
                os.close(fd)
            os.link(source, target, follow_symlinks=False)
        except OSError:
            return False  # file gone or a filesystem without hard links: write it instead
        self.linked += 1
        return True

    def reuse(self, dest: PurePosixPath, render_key: str) -> bool:
        """Keep the old output file if it was made from exactly the same inputs; return whether it was kept."""
        key = dest.as_posix()
        old = self.old_manifest.get(key)
        if not render_key or not old or len(old) < 2 or old[1] != render_key or key in self.manifest:
            return False
        key, target = self._claim(dest)
        if not self._link_old(dest, target, old[0]):
            return False
        self.manifest[key] = old
        return True

    def forget(self, dests: list[PurePosixPath]) -> None:
        """Undo reuse() of these files, so they can be added (or reused) again."""
        for dest in dests:
            if self.manifest.pop(dest.as_posix(), None) is not None:
                _safe_join(self.tmp, dest).unlink(missing_ok=True)
                self.linked -= 1

    def add(self, dest: PurePosixPath, data: bytes, render_key: str = "") -> None:
        """Add one output file (render_key: a hash of the inputs it was made from, for reuse next time)."""
        key, target = self._claim(dest)
        digest = hashlib.sha256(data).hexdigest()
        self.manifest[key] = [digest, render_key]
        old = self.old_manifest.get(key)
        if old and old[0] == digest and self._link_old(dest, target, digest):
            return
        target.write_bytes(data)
        self.written += 1

    def commit(self) -> None:
        """Swap the temporary folder in as the output folder (two renames, then remove the old one)."""
        old = None
        if self.output_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}.old-", dir=self.output_dir.parent))
            os.rmdir(old)
            os.rename(self.output_dir, old)
        os.rename(self.tmp, self.output_dir)
        if self.manifest_path:
            self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
            payload = json.dumps({"output": str(self.output_dir.resolve()), "files": self.manifest}, sort_keys=True)
            tmp_manifest = self.manifest_path.with_suffix(".tmp")
            tmp_manifest.write_text(payload)
            os.replace(tmp_manifest, self.manifest_path)
        if old:
            shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Throw the temporary folder away; the output folder stays as it was."""
        shutil.rmtree(self.tmp, ignore_errors=True)


# What the dev server last wrote into each served folder: dest → (render key, mtime_ns, size). In memory only,
# because it is valid only while this process is the one writing there.
_SERVED: dict[str, dict[str, tuple[str, int, int]]] = {}


class InPlaceWriter:
    """Writes straight into a served folder, file by file with os.replace, so a reader never sees half a file.

    Used by the dev server, where swapping the whole folder would briefly leave nothing to serve. A file this
    process wrote from the same inputs, and that nobody touched since, is kept without rendering it again.
    """

    def __init__(self, output_dir: Path, manifest_path: Path | None = None) -> None:
        self.output_dir = output_dir
        self.files: dict[PurePosixPath, bytes] = {}
        self.keys: dict[str, str] = {}
        self.kept: set[PurePosixPath] = set()
        self.manifest_path = manifest_path
        self.served = _SERVED.setdefault(str(output_dir.resolve()), {})
        self.written = 0
        self.linked = 0

    def reuse(self, dest: PurePosixPath, render_key: str) -> bool:
        """Keep a file this process wrote from the same inputs, if it is still as we left it."""
        entry = self.served.get(dest.as_posix())
        if not render_key or not entry or entry[0] != render_key:
            return False
        try:
            stat = _safe_join(self.output_dir, dest).stat()
        except OSError:
            return False
        if (stat.st_mtime_ns, stat.st_size) != entry[1:]:
            return False
        self.kept.add(dest)
        self.keys[dest.as_posix()] = render_key
        self.linked += 1
        return True

    def forget(self, dests: list[PurePosixPath]) -> None:
        """Undo reuse() of these files, so they can be added (or reused) again."""
        for dest in dests:
            self.kept.discard(dest)
            self.keys.pop(dest.as_posix(), None)
            self.linked -= 1

    def add(self, dest: PurePosixPath, data: bytes, render_key: str = "") -> None:
        """Queue one output file."""
        if dest in self.files or dest in self.kept:
            raise BuildError(SourceLocation(dest), "two sources write the same output file", "rename one of them")
        _safe_join(self.output_dir, dest)
        self.files[dest] = data
        self.keys[dest.as_posix()] = render_key

    def commit(self) -> None:
        """Write the changed files, then remove files that are no longer part of the site."""
        if self.manifest_path:
            self.manifest_path.unlink(missing_ok=True)  # the swap shortcut must not trust files we replace here
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.written = write_in_place(self.output_dir, self.files)
        keep = {self.output_dir.joinpath(*d.parts) for d in (*self.files, *self.kept)}
        for path in sorted(self.output_dir.rglob("*"), reverse=True):
            if path.is_file() and path not in keep:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        served: dict[str, tuple[str, int, int]] = {}
        for key, render_key in self.keys.items():
            if render_key:
                stat = self.output_dir.joinpath(*PurePosixPath(key).parts).stat()
                served[key] = (render_key, stat.st_mtime_ns, stat.st_size)
        self.served.clear()
        self.served.update(served)

    def abort(self) -> None:
        """Nothing was written yet, so there is nothing to undo."""
        self.files.clear()


def write_in_place(output_dir: Path, files: dict[PurePosixPath, bytes]) -> int:
    """Replace changed files one by one with os.replace (used by the dev server); return how many changed."""
    changed = 0
    for dest, data in sorted(files.items()):
        target = _safe_join(output_dir, dest)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        changed += 1
    return changed


def input_folders(site_dir: Path) -> list[Path]:
    """Return the folders a build reads: the site's content/, templates/, assets/ and locale/, then the bundled ones."""
    from .config import PROJECT_ROOT

    candidates = [site_dir / "content", site_dir / "templates", site_dir / "assets", site_dir / "locale",
                  PROJECT_ROOT / "templates", PROJECT_ROOT / "assets", PROJECT_ROOT / "locale"]
    unique: list[Path] = []
    for folder in candidates:
        if folder.resolve() not in [f.resolve() for f in unique]:
            unique.append(folder)
    return unique


def is_our_build(folder: Path) -> bool:
    """Return True for a folder a Feel Again build wrote: its content-API index is there and has our shape."""
    index = folder / "api" / "pages.json"
    if not index.is_file():  # checked first: reading a pipe or a device could hang
        return False
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"site", "licence", "pages"} <= set(data)


def _not_a_folder(path: Path) -> str:
    return "is a file, not a folder" if path.is_file() else "is not a folder (a device, a pipe or a socket)"


def check_output_folder(out_dir: Path, site_dir: Path) -> str | None:
    """Return why out_dir must not be written (it is replaced whole), or None if it is safe.

    Only a new path, an empty folder or a previous build of ours may be replaced: never a file, a device, or
    a folder with someone's files in it. This runs before anything is written.
    """
    from .config import PROJECT_ROOT

    example = f"choose a new folder, e.g. --out {site_dir / 'dist'}"
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        return f"{out_dir}: {_not_a_folder(out_dir)} — the output folder is replaced whole; {example}"
    for parent in out_dir.parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                return f"{out_dir}: {parent} {_not_a_folder(parent)} — {example}"
            break
    out = out_dir.resolve()
    protected = [site_dir.resolve(), PROJECT_ROOT, Path.home().resolve()]
    if any(out == p or out in p.parents for p in protected):
        return f"{out_dir}: holds the site or your files — choose a folder of its own, e.g. --out {site_dir / 'dist'}"
    if any(out == f.resolve() or f.resolve() in out.parents for f in input_folders(site_dir)):
        return f"{out_dir}: is inside an input folder — the output would rebuild itself forever; choose another folder"
    if out.is_dir() and any(out.iterdir()) and not is_our_build(out):
        return (f"{out_dir}: is not a site built by Feel Again — its files would be deleted; "
                "choose a new or empty folder")
    return None
