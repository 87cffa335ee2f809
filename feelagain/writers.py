"""Writing the site: which files it has, and writing them into a sibling temporary folder, then an atomic
swap, so dist/ is never half-built (the dev server instead replaces changed files one by one).

write_site is the build's last stage; the writers (SiteWriter, InPlaceWriter) are the only code that writes
into an output folder, and the only code that refuses a file outside it or a file written twice.
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import pickle
import shutil
import stat
import struct
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from . import embed, headers, offline, printbook, search, seo, workers
from .assets import STABLE_NAMES, Asset, collect_assets, fingerprint
from .cache import DiskStore, KeyMaker, RenderCache, engine_fingerprint, make_key
from .config import PROJECT_ROOT, SiteConfig, input_folders
from .crisis import Crisis
from .errors import BuildError, BuildFailed, Problems, SourceLocation
from .languages import Language
from .markup import Body
from .model import Page, Site, dest_for, join_url, relative_href, safe_url
from .pages import Alternate, PageRenderer
from .spool import Spooled, digest_of, is_in, spool_text, write_to
from .templating import Renderer

COLLISION = "two sources write the same output file"


def _safe_join(root: Path, dest: PurePosixPath) -> Path:
    """Return root/dest, refusing anything that would land outside root."""
    if dest.is_absolute() or ".." in dest.parts:
        raise BuildError(SourceLocation(dest), "output path leaves the output folder", "rename the page")
    return root.joinpath(*dest.parts)


def _safe_key(key: str) -> bool:
    """Return True for a plain relative path with '/' that stays inside its folder (the common case, cheaply)."""
    return bool(key) and not key.startswith("/") and ".." not in key and "//" not in key and "\\" not in key \
        and not key.endswith("/") and "/./" not in key and not key.startswith("./")


def _umask() -> int:
    """Return the process umask (Python can only read it by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def spare_path(output_dir: Path) -> Path:
    """Return where the previous generation of output_dir waits to become the next one (beside it)."""
    return output_dir.parent / f".{output_dir.name}.spare"


def recover(output_dir: Path) -> None:
    """Clean up after a build that was killed: restore dist/ if only the old copy is left; drop temp folders.

    An old copy left beside a whole dist/ (killed after the second rename of a two-rename swap) becomes the
    spare generation if there is none, else it is deleted.
    """
    parent = output_dir.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{output_dir.name}.old-*"))
    if olds and not output_dir.exists():
        os.rename(olds.pop(), output_dir)  # killed between the two renames of a swap
    if olds and not os.path.lexists(spare_path(output_dir)):
        os.rename(olds.pop(), spare_path(output_dir))  # killed before the old copy became the spare
    for leftover in olds + sorted(parent.glob(f".{output_dir.name}.tmp-*")):
        shutil.rmtree(leftover, ignore_errors=True)


RENAME_EXCHANGE = 2  # linux/fs.h
_renameat2: object = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); return False if unsupported."""
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(None, use_errno=True)
                function = libc.renameat2
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                function.restype = ctypes.c_int
                _renameat2 = function
            except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl < 1.2.2)
                pass
    if not _renameat2:
        return False
    at_fdcwd = -100
    if _renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:  # type: ignore[operator]
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # kernel or file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


# One output file, as one bytes object: its SHA-256 (32 bytes), its stat packed with STAT (32 bytes: inode,
# size, mtime_ns, ctime_ns), then its render key as _compact makes it; the manifest file keeps these bytes as
# they are. One object per file, not a list of three, because a 10,000-page site has 50,000 files in each of the
# live, spare, staging and new tables.
Entry = bytes
STAT = struct.Struct("<Qqqq")
DIGEST = slice(0, 32)
STATS = slice(32, 64)
INODE = slice(32, 40)  # first in a packed stat
KEY = slice(64, None)
UNTRUSTED = b""  # the stat of a staging entry that is no regular file: equal to no packed stat
UNSTATED = b"?"  # a regular file the staging folder's scan listed, not stat'ed yet (SiteWriter._here)
PLACED = b"!"  # a file this build placed: its packed stat is the one in its staged entry (SiteWriter._here)


def _stat_key(info: os.stat_result) -> bytes:
    # ctime too: an edit by hand can keep the size and put the mtime back, but it cannot put the ctime back.
    return STAT.pack(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


MANIFEST_VERSION = 5
TABLES = ("live", "spare")  # the two tables of a manifest
SOUND_KEY = (b"#", b"=")  # the first byte of a compacted render key (_compact)


def _make_entry(digest: bytes, packed_stat: bytes, render_key: str | bytes) -> Entry:
    return digest + packed_stat + _compact(render_key)


def _sound(name: object, entry: object) -> bool:
    """Return True for a manifest item that has the shape of a file name and its Entry."""
    return (type(name) is str and type(entry) is bytes and len(entry) > KEY.start
            and entry[64:65] in SOUND_KEY and (len(entry) == 97 or entry[64:65] == b"="))


class _PlainUnpickler(pickle.Unpickler):
    """Reads a manifest: plain dicts, strings, bytes and numbers only (it never imports or calls anything)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: a manifest holds no objects")


def _compact(render_key: str | bytes) -> bytes:
    """Return a render key as entries keep it: a hash (64 hex digits) as "#" and its 32 bytes, anything else as
    "=" and its UTF-8, so the two kinds never look alike. Bytes were made by _compact already."""
    if isinstance(render_key, bytes):
        return render_key
    if len(render_key) == 64:
        try:
            return b"#" + bytes.fromhex(render_key)
        except ValueError:
            pass
    return b"=" + render_key.encode()


class SiteWriter:
    """Brings a staging copy of the site up to date and swaps it in as the new output folder in one step.

    With a manifest (the normal build), the staging copy is the previous generation, kept beside the output
    folder as `.dist.spare`: only files whose bytes changed since it was current are written, files that equal
    the live ones are hard-linked from it, and the two folders are then exchanged atomically (renameat2 on
    Linux; elsewhere two renames that `recover` can finish). The old live folder becomes the next spare, so a
    build costs in proportion to what changed, not to the size of the site. dist/ itself is never touched
    before the swap: a failed or killed build leaves it as it was.

    The manifest records, per file, its SHA-256, the render key it was made from, and its inode, size and
    mtime; an entry is trusted only while the file still has that inode, size and mtime, so a file changed by
    hand, or half-written by a killed build, is written again. Files are never modified in place (always
    unlinked and created anew), because the live and spare folders share unchanged files as hard links.

    Without a manifest, a fresh temporary folder is filled and the old output is deleted after the swap.
    """

    def __init__(self, output_dir: Path, manifest_path: Path | None = None) -> None:
        self.output_dir = output_dir
        self.manifest_path = manifest_path
        if os.path.lexists(output_dir) and not output_dir.is_dir():  # commit() would rename what we did not make
            raise BuildError(SourceLocation(PurePosixPath(output_dir)), _not_a_folder(output_dir),
                             "choose a new folder for the output")
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        self._lock = self._take_lock()
        recover(output_dir)
        self.keep_spare = manifest_path is not None
        spare = spare_path(output_dir)
        if self.keep_spare and os.path.lexists(spare) and (spare.is_symlink() or not spare.is_dir()):
            spare.unlink()  # not something we made: never write through it
        if self.keep_spare:
            self.fresh = not spare.is_dir()
            if self.fresh:
                spare.mkdir()
            self.tmp = spare
        else:
            self.fresh = True
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=output_dir.parent))
        # A new folder becomes the published root: it gets the permissions any folder gets (0755 with the usual
        # umask; mkdtemp makes 0700), or a web server running as another user gets 403.
        os.chmod(self.tmp, 0o777 & ~_umask())
        self.live, self.staged = self._load_manifest()
        # What the staging folder holds now: dest → packed stat (STAT), UNSTATED or PLACED (one shared object for
        # each file this build placed, instead of a second copy of the stat its entry holds: 50,000 at 10,000 pages).
        self.present: dict[str, bytes] = {}
        self.root = str(self.tmp)
        self.folders: set[str] = {self.root}  # made already: mkdir on an existing folder is a wasted system call
        if not self.fresh:
            self._scan()
        self.manifest: dict[str, Entry] = {}
        self.written = 0
        self.linked = 0

    def _take_lock(self) -> object:
        """Hold a lock beside the manifest until commit or abort: two builds must not fill one staging folder."""
        if self.manifest_path is None:
            return None
        try:
            import fcntl
        except ImportError:  # not POSIX: builds of one site are not expected to overlap there
            return None
        self.manifest_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.manifest_path.with_suffix(".lock"), "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        return handle

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()  # type: ignore[attr-defined]
            self._lock = None

    def _scan(self) -> None:
        """Record every file in the staging folder (removed at commit unless this build claims it).

        One scandir per folder, and no stat: the entry's type comes with the listing, and a regular file is
        stat'ed only when this build wants to keep it (_here). Files that are written anew, pruned or set aside
        (the last search index, a fifth of the files) never cost a system call of their own.
        """
        cut = len(self.root) + 1
        stack = [self.root]
        while stack:
            folder = stack.pop()
            self.folders.add(folder)
            try:
                listing = os.scandir(folder)
            except OSError:
                continue
            with listing:
                for entry in listing:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                            continue
                        if entry.is_symlink() and entry.is_dir():
                            os.unlink(entry.path)  # never follow a link out of the staging folder
                            continue
                        regular = entry.is_file(follow_symlinks=False)
                    except OSError:
                        continue
                    key = sys.intern(entry.path[cut:].replace(os.sep, "/"))  # one copy, shared with the manifests
                    # A link or a device is never trusted, always replaced.
                    self.present[key] = UNSTATED if regular else UNTRUSTED

    def _here(self, key: str) -> bytes | None:
        """Return the packed stat of the staging folder's file key (UNTRUSTED if it is no regular file), or None
        if the folder has no such file; a file the scan listed is stat'ed here, once."""
        here = self.present.get(key)
        if here is PLACED:
            return self.staged[key][STATS]
        if here == UNSTATED:
            try:
                info = os.lstat(f"{self.root}/{key}")
                here = _stat_key(info) if stat.S_ISREG(info.st_mode) else UNTRUSTED
            except FileNotFoundError:
                here = UNTRUSTED  # gone since the scan: nothing to keep; unlinking it is a no-op
            except OSError:
                here = UNTRUSTED
            self.present[key] = here
        return here

    def _load_manifest(self) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """Return the live and the spare folder's entries (empty when there is no usable manifest).

        The file is a pickle of plain values (see commit): read by the C unpickler, 50,000 entries per table at
        10,000 pages load in a fiftieth of the time JSON lines took, into the same objects the tables keep.
        """
        if not self.manifest_path or not self.manifest_path.exists():
            return {}, {}
        wanted = {"live": self.output_dir.is_dir(), "spare": not self.fresh}
        tables: dict[str, dict[str, Entry]] = {"live": {}, "spare": {}}
        try:
            with open(self.manifest_path, "rb") as handle:
                record = _PlainUnpickler(handle).load()
            if (type(record) is not dict or record.get("version") != MANIFEST_VERSION
                    or record.get("output") != str(self.output_dir.resolve())):
                return {}, {}
            for table in TABLES:
                items = record.get(table)
                if wanted[table] and type(items) is dict:
                    # Names interned: the staging folder's scan and the new manifest share these strings.
                    tables[table] = {sys.intern(name): entry for name, entry in items.items() if _sound(name, entry)}
            del record
        except Exception:  # noqa: BLE001 (damaged, cut short or not ours: a damaged manifest only costs the shortcut)
            return {}, {}
        live, spare = tables["live"], tables["spare"]
        for key, entry in spare.items():
            # A file both folders share (a hard link: same digest, key and stat) is kept once in memory (on a
            # 10,000-page site the two tables hold 50,000 entries each), as the names are kept once above.
            twin = live.get(key)
            if twin == entry:
                spare[key] = twin
        return live, spare

    def _claim(self, key: str) -> str:
        """Return where the file key (a relative path with '/') goes in the staging folder; make its folder."""
        if key in self.manifest:
            raise BuildError(SourceLocation(PurePosixPath(key)), COLLISION, "rename one of them")
        if not _safe_key(key):
            _safe_join(self.tmp, PurePosixPath(key))  # raises the error that names it
        target = f"{self.root}/{key}"
        parent = target.rpartition("/")[0]
        if parent not in self.folders:
            os.makedirs(parent, exist_ok=True)
            while parent not in self.folders and len(parent) > len(self.root):
                self.folders.add(parent)
                parent = parent.rpartition("/")[0]
        return target

    def _live_stat(self, key: str) -> bytes | None:
        """Return the live file's inode, size and mtime if it is still the one the manifest describes."""
        entry = self.live.get(key)
        if not entry:
            return None
        try:
            info = os.lstat(os.path.join(self.output_dir, key) if _safe_key(key)
                            else _safe_join(self.output_dir, PurePosixPath(key)))
        except OSError:
            return None
        now = _stat_key(info)
        return now if stat.S_ISREG(info.st_mode) and now == entry[STATS] else None

    def _place(self, key: str, target: str, digest: bytes, render_key: str | bytes, data: bytes | Spooled | None,
               live: bytes | None) -> None:
        """Make the staging file hold these bytes: keep it, link the live twin, or write it anew."""
        spare = self.staged.get(key)
        here = self._here(key)
        if spare and here and spare[DIGEST] == digest and spare[STATS] == here:
            now = here
            self.linked += 1
        else:
            if here is not None:
                try:
                    os.unlink(target)  # never write into a file the live folder may share
                except FileNotFoundError:
                    pass
            if live is not None:
                try:
                    os.link(os.path.join(self.output_dir, key), target, follow_symlinks=False)
                except FileExistsError:  # not listed by the scan: a folder, or added since (never ours to keep)
                    self._remove(target)
                    os.link(os.path.join(self.output_dir, key), target, follow_symlinks=False)
                now = _stat_key(os.lstat(target))  # a new link changes the shared inode's ctime
                self.linked += 1
            else:
                assert data is not None
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                try:
                    fd = os.open(target, flags, 0o666)
                except FileExistsError:  # as above
                    self._remove(target)
                    fd = os.open(target, flags, 0o666)
                with os.fdopen(fd, "wb") as handle:
                    write_to(handle, data)
                    handle.flush()
                    now = _stat_key(os.fstat(handle.fileno()))
                self.written += 1
        entry = _make_entry(digest, now, render_key)
        if entry == spare:
            entry = spare  # one object for the file in both tables: most files of an edit build are kept so
        # The name as the live and spare tables hold it (interned when the manifest was read): a page's names are
        # made anew for each build, and the new manifest would otherwise keep a second copy of each.
        key = sys.intern(key)
        self.manifest[key] = entry
        self.staged[key] = entry  # so forget() and add() again can keep it
        self.present[key] = PLACED

    def _remove(self, target: str) -> None:
        """Remove whatever is at target in the staging folder (a folder whole, a link without following it)."""
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
            self.folders = {f for f in self.folders if f != target and not f.startswith(target + "/")}
            self.present = {k: v for k, v in self.present.items() if not f"{self.root}/{k}".startswith(target + "/")}
        else:
            os.unlink(target)

    def reuse(self, dest: PurePosixPath, render_key: str) -> bool:
        """Keep the live output file if it was made from exactly the same inputs; return whether it was kept."""
        return self.reuse_key(dest.as_posix(), render_key)

    def reuse_key(self, key: str, render_key: str) -> bool:
        """reuse() for a file named by its relative path with '/' (what the manifest holds)."""
        old = self.live.get(key)
        if not render_key or not old or old[KEY] != _compact(render_key) or key in self.manifest:
            return False
        spare = self.staged.get(key)
        if spare and spare[DIGEST] == old[DIGEST] and spare[STATS] == self._here(key):
            live = None  # the staging folder holds these bytes already: the live file is not needed
        else:
            live = self._live_stat(key)
            if live is None:
                return False
        target = self._claim(key)
        try:
            self._place(key, target, old[DIGEST], render_key, None, live)
        except OSError:
            return False  # a file system without hard links: render and write it instead
        return True

    def forget(self, dests: list[PurePosixPath]) -> None:
        """Undo reuse() of these files, so they can be added (or reused) again."""
        self.forget_keys([dest.as_posix() for dest in dests])

    def forget_keys(self, keys: list[str]) -> None:
        """forget() for files named by their relative paths with '/'."""
        for key in keys:
            if self.manifest.pop(key, None) is not None:
                self.linked -= 1

    def add(self, dest: PurePosixPath, data: bytes | Spooled, render_key: str = "") -> None:
        """Add one output file (render_key: a hash of the inputs it was made from, for reuse next time)."""
        key = dest.as_posix()
        target = self._claim(key)
        digest = digest_of(data)
        old = self.live.get(key)
        live = self._live_stat(key) if old and old[DIGEST] == digest else None
        try:
            self._place(key, target, digest, render_key, data, live)
        except OSError:
            if live is None:
                raise
            self._place(key, target, digest, render_key, data, None)  # no hard links here: write it

    def reuse_all(self, render_key: str) -> bool:
        """Keep every live file made from render_key (outputs made from the whole site, e.g. the print page),
        if there are any and all are as the manifest says; return whether they were kept."""
        wanted = _compact(render_key)
        return bool(render_key) and self._keep_live([k for k, entry in self.live.items() if entry[KEY] == wanted])

    def unchanged_except(self, prefix: str) -> bool:
        """Return True if every file outside prefix/ is byte-identical to the live one and none was removed."""
        outside = [k for k in self.live if not k.startswith(prefix)]
        return len(outside) == len(self.manifest) and all(
            self.manifest.get(k, b"")[DIGEST] == self.live[k][DIGEST] for k in outside)

    def drop_unclaimed(self, match: Callable[[str], bool]) -> None:
        """Delete the staging files this build has not claimed (yet) whose path matches (they would be
        written anew or pruned at commit anyway), e.g. before a tool reads the staging folder."""
        for key in [k for k in self.present if k not in self.manifest and match(k)]:
            try:
                os.unlink(os.path.join(self.tmp, key))
            except FileNotFoundError:
                pass
            except OSError:
                continue  # left for _prune, which copes with anything
            del self.present[key]

    def reuse_tree(self, prefix: str) -> bool:
        """Take every live file under prefix/ as it is (e.g. a search index made from unchanged pages)."""
        return self._keep_live([k for k in self.live if k.startswith(prefix)])

    def _keep_live(self, keys: list[str]) -> bool:
        """Keep these live files as the manifest describes them, all or none; return whether they were kept."""
        stats = [self._live_stat(k) for k in keys]
        if not keys or any(s is None for s in stats) or any(k in self.manifest for k in keys):
            return False
        for key, live in zip(keys, stats):
            entry = self.live[key]
            self._place(key, self._claim(key), entry[DIGEST], entry[KEY], None, live)
        return True

    def clear_tree(self, prefix: str) -> None:
        """Remove prefix/ from the staging folder (a tool is about to write it anew)."""
        aside = self.set_aside(prefix)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)

    def set_aside(self, prefix: str) -> Path | None:
        """Take prefix/ out of the staging folder in one rename (a tool is about to write it anew); return the
        folder it now is, for the caller to delete while other work goes on (a thousand unlinks take a while).

        The folder is named like a temporary build folder, so recover() deletes it if the build is killed.
        """
        source = self.tmp / prefix
        aside: Path | None = None
        if os.path.lexists(source):
            aside = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}.tmp-", dir=self.output_dir.parent))
            try:
                os.rename(source, aside)  # onto the empty folder mkdtemp made
            except OSError:
                shutil.rmtree(aside, ignore_errors=True)
                aside = None
                shutil.rmtree(source, ignore_errors=True)
                if os.path.lexists(source):
                    os.unlink(source)  # a file or a link where the folder should be
        for key in [k for k in self.present if k.startswith(prefix)]:
            del self.present[key]
        gone = f"{self.root}/{prefix.strip('/')}"
        self.folders = {f for f in self.folders if f != gone and not f.startswith(gone + "/")}
        return aside

    def claim_tree(self, prefix: str) -> None:
        """Record the files a tool wrote under prefix/ in the staging folder as outputs of this build."""
        cut = len(self.root) + 1
        for folder, _dirs, files in os.walk(os.path.join(self.root, prefix.strip("/"))):
            self.folders.add(folder)
            for name in files:
                path = os.path.join(folder, name)
                key = path[cut:].replace(os.sep, "/")
                if key in self.manifest:
                    continue
                with open(path, "rb") as handle:
                    now = _stat_key(os.fstat(handle.fileno()))
                    digest = hashlib.sha256(handle.read()).digest()
                self.manifest[key] = _make_entry(digest, now, "")
                self.present[key] = now

    def commit(self) -> None:
        """Remove stale files from the staging folder, then swap it in as the output folder."""
        try:
            self._prune()
            # Only filling the staging folder needed these (at 10,000 pages, 50,000 names each): freed before the
            # spare table and the manifest's pickling are made, they lend those their memory.
            self.present, self.staged, self.folders = {}, {}, set()
            had_live = self.output_dir.exists()
            if not had_live:
                os.rename(self.tmp, self.output_dir)
            elif not exchange(self.tmp, self.output_dir):
                old = Path(tempfile.mkdtemp(prefix=f".{self.output_dir.name}.old-", dir=self.output_dir.parent))
                os.rmdir(old)
                os.rename(self.output_dir, old)
                os.rename(self.tmp, self.output_dir)
                os.rename(old, self.tmp)  # the old live folder becomes the spare (or is deleted below)
            if self.manifest_path:
                # The old live files are the spare now; those this build linked share an inode (and so a new
                # ctime) with the new live ones.
                spare = {k: (self.manifest[k] if k in self.manifest and self.manifest[k][INODE] == entry[INODE]
                             else entry) for k, entry in self.live.items()} if had_live else {}
                # The entries as they are, pickled (_load_manifest); a name or an entry that both tables hold is
                # written once. The pickler writes to the file as it goes: the whole record is never in memory.
                record = {"version": MANIFEST_VERSION, "output": str(self.output_dir.resolve()),
                          "live": self.manifest, "spare": spare}
                tmp_manifest = self.manifest_path.with_suffix(".tmp")
                with open(tmp_manifest, "wb") as handle:
                    pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp_manifest, self.manifest_path)
            if had_live and not self.keep_spare:
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._release()

    def _prune(self) -> None:
        """Delete staging files this build did not claim, and the folders that leaves empty."""
        emptied: set[str] = set()
        for key in self.present.keys() - self.manifest.keys():
            try:
                os.unlink(os.path.join(self.tmp, key))
            except FileNotFoundError:
                pass
            except IsADirectoryError:
                shutil.rmtree(os.path.join(self.tmp, key), ignore_errors=True)
            emptied.add(os.path.dirname(key))
        for folder in sorted(emptied, key=len, reverse=True):
            while folder:
                try:
                    os.rmdir(os.path.join(self.tmp, folder))
                except OSError:
                    break
                folder = os.path.dirname(folder)

    def abort(self) -> None:
        """Leave the output folder as it was; a fresh temporary folder is thrown away, a spare one kept."""
        try:
            if not self.keep_spare:
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._release()


class Served(dict[str, tuple[str, int, int]]):
    """What the dev server last wrote into its served folder: dest → (render key, mtime_ns, size).

    The dev server's rebuilder owns one and hands it to every build; it is valid only while that process is the
    one writing there. With `defer` set, a build whose site-wide inputs (templates, configuration, crisis
    lines…) did not change writes only the pages and assets, keeps the site-wide files (print page, sitemap,
    embed index, API files, offline files, 404, search page) as they are, and leaves in `later` a callable
    that writes them: the server runs it after the browsers were told to reload, since no page shows them.
    """

    def __init__(self, defer: bool = False) -> None:
        super().__init__()
        self.defer = defer
        self.site_wide: set[str] = set()  # the site-wide files in the served folder (a commit keeps them)
        self.shared = ""  # the site-wide key of the last build whose site-wide files were written
        self.later: SiteWideLater | None = None  # writes the last build's site-wide files (a deferring build sets it)


class InPlaceWriter:
    """Writes straight into a served folder, file by file with os.replace, so a reader never sees half a file.

    Used by the dev server, where swapping the whole folder would briefly leave nothing to serve. A file this
    process wrote from the same inputs, and that nobody touched since, is kept without rendering it again.
    """

    def __init__(self, output_dir: Path, served: Served, manifest_path: Path | None = None) -> None:
        self.output_dir = output_dir
        self.root = str(output_dir)
        self.files: dict[PurePosixPath, bytes | Spooled] = {}
        self.keys: dict[str, str] = {}
        self.kept: set[str] = set()  # names of files kept as they are
        self.manifest_path = manifest_path
        self.served = served
        self.written = 0
        self.linked = 0

    def reuse(self, dest: PurePosixPath, render_key: str) -> bool:
        """Keep a file this process wrote from the same inputs, if it is still as we left it."""
        return self.reuse_key(dest.as_posix(), render_key)

    def reuse_key(self, key: str, render_key: str) -> bool:
        """reuse() for a file named by its relative path with '/'."""
        entry = self.served.get(key)
        if not render_key or not entry or entry[0] != render_key or key in self.kept:
            return False
        path = f"{self.root}/{key}" if _safe_key(key) else _safe_join(self.output_dir, PurePosixPath(key))
        try:
            info = os.stat(path)
        except OSError:
            return False
        if (info.st_mtime_ns, info.st_size) != entry[1:]:
            return False
        self.kept.add(key)
        self.keys[key] = render_key
        self.linked += 1
        return True

    def reuse_all(self, render_key: str) -> bool:
        """The dev server renders site-wide files every time (they are few)."""
        return False

    def forget(self, dests: list[PurePosixPath]) -> None:
        """Undo reuse() of these files, so they can be added (or reused) again."""
        self.forget_keys([dest.as_posix() for dest in dests])

    def forget_keys(self, keys: list[str]) -> None:
        """forget() for files named by their relative paths with '/'."""
        for key in keys:
            if key in self.kept:
                self.kept.discard(key)
                self.keys.pop(key, None)
                self.linked -= 1

    def add(self, dest: PurePosixPath, data: bytes | Spooled, render_key: str = "") -> None:
        """Queue one output file."""
        if dest in self.files or dest.as_posix() in self.kept:
            raise BuildError(SourceLocation(dest), COLLISION, "rename one of them")
        _safe_join(self.output_dir, dest)
        self.files[dest] = data
        self.keys[dest.as_posix()] = render_key

    def names(self) -> set[str]:
        """Return the names of every file this build claimed so far (written or kept)."""
        return {dest.as_posix() for dest in self.files} | self.kept

    def commit(self, keep: Iterable[str] = ()) -> None:
        """Write the changed files, then remove files that are no longer part of the site (except keep)."""
        if self.manifest_path:
            self.manifest_path.unlink(missing_ok=True)  # the swap shortcut must not trust files we replace here
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.written = write_in_place(self.output_dir, self.files)
        self._remove_all_but(self.names() | set(keep))
        served = {key: self.served[key] for key in self.kept}  # checked by reuse() a moment ago
        for dest in self.files:
            key = dest.as_posix()
            if self.keys.get(key):
                info = os.stat(os.path.join(self.output_dir, *dest.parts))
                served[key] = (self.keys[key], info.st_mtime_ns, info.st_size)
        self.served.clear()
        self.served.update(served)

    def _remove_all_but(self, keep: set[str]) -> None:
        """Delete every file of the served folder not named in keep, then the folders that leaves empty."""
        cut = len(self.root) + 1

        def sweep(folder: str) -> bool:  # return True if folder is empty afterwards
            empty = True
            with os.scandir(folder) as listing:
                entries = list(listing)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if sweep(entry.path):
                        os.rmdir(entry.path)
                    else:
                        empty = False
                elif entry.path[cut:].replace(os.sep, "/") in keep:
                    empty = False
                else:
                    os.unlink(entry.path)  # also a link: removed, never followed
            return empty
        sweep(self.root)

    def abort(self) -> None:
        """Nothing was written yet, so there is nothing to undo."""
        self.files.clear()


def write_in_place(output_dir: Path, files: Mapping[PurePosixPath, bytes | Spooled]) -> int:
    """Replace changed files one by one with os.replace (used by the dev server); return how many changed."""
    changed = 0
    for dest, data in sorted(files.items(), key=lambda item: item[0]):
        target = _safe_join(output_dir, dest)
        if is_in(target, data):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        with open(tmp, "wb") as handle:
            write_to(handle, data)
        os.replace(tmp, target)
        changed += 1
    return changed


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


# ---------------------------------------------------------------------------------------- the site


@dataclass(frozen=True)
class PageJob:
    """Everything the per-page writing needs; worker processes inherit it by fork instead of by pickling."""

    config: SiteConfig
    pages: PageRenderer
    site: Site
    bodies: Mapping[str, Body]
    writer: SiteWriter | InPlaceWriter
    shared: str


def _write_range(job: tuple[PageJob, SiteWriter, tuple[Page, ...]],
                 bounds: tuple[int, int]) -> tuple[dict[str, Entry], int, int]:
    """Write the outputs of todo[start:stop] (in a worker); return its manifest entries and counts."""
    page_job, writer, todo = job
    before, written, linked = set(writer.manifest), writer.written, writer.linked
    _write_pages(page_job, todo[bounds[0]:bounds[1]])
    new = {k: v for k, v in writer.manifest.items() if k not in before}
    return new, writer.written - written, writer.linked - linked  # a worker serves several ranges


def body_key(bodies: Mapping[str, Body], slug: str) -> str:
    """Return the render key of a page's Body: from the store's tag when it keeps one (pipeline.convert_bodies
    does), so a page whose outputs are all kept is never read back from the store, else from the Body."""
    if isinstance(bodies, DiskStore):
        tag = bodies.tag(slug)
        if tag:
            return tag
    return bodies[slug].key


def _write_pages(job: PageJob, pages: tuple[Page, ...]) -> None:
    """Render and write the outputs of pages (each file still reused when its inputs did not change)."""
    for page in pages:
        body = job.bodies[page.slug]
        key = make_key(job.shared, body.key, repr(page.meta))
        for dest, make in page_outputs(job.config, job.pages, page, body).items():
            if not job.writer.reuse(dest, key):
                job.writer.add(dest, make(), key)


def _reuse_pages(job: PageJob) -> list[Page]:
    """Keep every page whose outputs are all unchanged; return the pages that need rendering."""
    writer = job.writer
    if not (writer.live if isinstance(writer, SiteWriter) else writer.served):
        return list(job.site.pages)  # a first build, or after --out changed: nothing to keep
    todo = []
    for page in job.site.pages:
        key = make_key(job.shared, body_key(job.bodies, page.slug), repr(page.meta))
        names: list[str] = []
        for name in page_output_keys(page):
            if not writer.reuse_key(name, key):
                writer.forget_keys(names)
                todo.append(page)
                break
            names.append(name)
    return todo


def write_pages(job: PageJob) -> None:
    """Write every page's outputs: in worker processes for large sites (templates cost as much as Markdown)."""
    todo = tuple(_reuse_pages(job))
    count = len(todo)
    writer = job.writer
    if not workers.worth_parallel(count) or not isinstance(writer, SiteWriter):
        _write_pages(job, todo)
        return
    step = -(-count // (workers.worker_count() * 4))
    ranges = [(start, min(start + step, count)) for start in range(0, count, step)]
    for entries, written, linked in workers.map_forked((job, writer, todo), _write_range, ranges):
        # The names come back as new strings: interned, they are the ones the live and spare tables hold.
        writer.manifest.update((sys.intern(name), entry) for name, entry in entries.items())
        writer.written += written
        writer.linked += linked


@dataclass(frozen=True)
class LangSite:
    """One language's pages, ready to write: its config (region, help page, URL prefix), site and bodies."""

    config: SiteConfig
    language: Language
    site: Site
    bodies: Mapping[str, Body]


def alternates_of(languages: tuple[LangSite, ...]) -> dict[str, list[Alternate]]:
    """Return {page URL: its versions in every language}, for pages that have a translation.

    A page pairs with a default-language page by `translation_of`, or else by the same slug (the pipeline has
    already refused unknown targets). The default language comes first.
    """
    if len(languages) < 2:
        return {}
    default = languages[0]
    groups: dict[str, list[Alternate]] = {}
    for lang_site in languages:
        lang = lang_site.language
        for page in lang_site.site.pages:
            target = page.slug if lang.is_default else (page.meta.translation_of or page.slug)
            if default.site.by_slug(target) is None:
                continue
            groups.setdefault(target, []).append(Alternate(lang.code, lang.name, lang.locale, page.url, lang.is_default))
    return {alt.url: group for group in groups.values() if len(group) > 1 for alt in group}


def catalog_fingerprint(config: SiteConfig) -> str:
    """Return the text of the language's catalog (a changed translation changes every page of that language)."""
    from .i18n import catalog_path

    path, _ = catalog_path(config.site_dir, config.language)
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def write_site(config: SiteConfig, site: Site, bodies: Mapping[str, Body], crisis: Crisis, problems: Problems,
               served: Served | None = None, debug: bool = False, languages: tuple[LangSite, ...] = (),
               use_cache: bool = True) -> tuple[int, search.IndexStats | None]:
    """Render every output into a temporary folder and swap it in; return the number of files written and
    what the Pagefind run cost (None when this build did not run it).

    With served (the dev server's record of what it wrote), changed files are replaced one by one in the served
    folder instead. debug lets an exception inside a template through, with its traceback.
    languages holds every language's pages (the default first, the same as config, site and bodies); each other
    language gets its pages, embeds, oEmbed and API records and a 404 under /<code>/.
    use_cache=False (--no-cache) makes the print page's sections again instead of taking them from the cache.
    """
    try:
        assets = collect_assets(config.asset_dirs)
    except BuildError as err:
        raise BuildFailed([err]) from None
    # embed.js with the site's languages written in, fingerprinted as it is written: its assets/ copy is the same
    # file as /embed.js, so a clinic can pin it (integrity="…") and its name changes whenever its bytes do.
    for name in STABLE_NAMES:
        if name in assets:
            script = embed.host_script(assets[name].data, config)
            assets[name] = Asset(name, fingerprint(name, script), script)
    host = assets.get("embed.js")
    pinned = embed.pinned_snippet(config, host.dest, host.data) if host else None
    asset_paths = {name: a.dest for name, a in assets.items()}
    alternates = alternates_of(languages)
    pages = PageRenderer(config, site, crisis, asset_paths, debug=debug, alternates=alternates)
    others = [(ls.config, ls.site, ls.bodies, PageRenderer(ls.config, ls.site, crisis, asset_paths, debug=debug,
                                                           alternates=alternates))
              for ls in languages[1:]]
    # One manifest per output folder: building into another folder (--out) must not cost this one its shortcuts.
    manifest = config.cache_dir / f"manifest-{make_key(str(config.output_dir.resolve()))[:16]}.pickle"
    writer: SiteWriter | InPlaceWriter = (InPlaceWriter(config.output_dir, served, manifest) if served is not None
                                          else SiteWriter(config.output_dir, manifest))
    try:
        for asset in assets.values():
            writer.add(asset.dest, asset.data)
            if asset.name in STABLE_NAMES:  # embed.js, under the address clinics paste (same bytes, see above)
                writer.add(STABLE_NAMES[asset.name], asset.data)
        shared_alts = repr(sorted((k, [vars(a) for a in v]) for k, v in alternates.items()))
        shared = make_key(site_fingerprint(config, pages.renderer, site, crisis, asset_paths), shared_alts)
        write_pages(PageJob(config, pages, site, bodies, writer, shared))
        parts = [(shared, site, bodies)]
        for lang_config, lang_site, lang_bodies, lang_pages in others:
            lang_shared = make_key(site_fingerprint(lang_config, lang_pages.renderer, lang_site, crisis, asset_paths),
                                   shared_alts, catalog_fingerprint(lang_config))
            write_pages(PageJob(lang_config, lang_pages, lang_site, lang_bodies, writer, lang_shared))
            parts.append((lang_shared, lang_site, lang_bodies))
        site_key = make_key(*(part[0] for part in parts))
        if isinstance(writer, InPlaceWriter) and isinstance(served, Served):
            if served.defer and served.shared == site_key:
                # Only page bodies or metadata changed: the site-wide templates and settings were rendered
                # without a problem last time, so the pages go out now and the site-wide files after the reload.
                writer.commit(keep=served.site_wide)
                make = lambda: site_wide_files(config, site, bodies, pages, others, alternates, shared, use_cache,
                                                pinned=pinned)
                served.later = SiteWideLater(config.output_dir, served, make, writer.names(), tuple(problems.warnings))
                return writer.written + writer.linked, None
            served.later = None  # written below, in this build: a pending run is out of date
        # Files made from the whole site depend on the site-wide inputs of every language and on every page's
        # metadata (the listings: embed guide, API index, sitemap…), and some on every page's body too (the
        # guide's print page and offline files): an edit to a page's text leaves the listings as they are.
        listing, guide = KeyMaker("listing"), KeyMaker("guide")
        for part_shared, part_site, part_bodies in parts:  # one pass, one repr of each page's metadata
            listing.add(part_shared)
            guide.add(part_shared)
            for p in part_site.pages:
                meta = repr(p.meta)
                listing.add(meta)
                guide.add(body_key(part_bodies, p.slug) + meta)
        listing_key, guide_key = listing.hexdigest(), guide.hexdigest()
        listings_kept = writer.reuse_all(listing_key)
        guide_kept = writer.reuse_all(guide_key)
        site_wide_kept = listings_kept and guide_kept
        index: search.IndexRun | None = None
        indexed: search.IndexStats | None = None
        aside: Path | None = None
        made: dict[PurePosixPath, bytes | Spooled] = {}
        try:  # the spooled files are closed (their temporary files deleted) whatever happens
            try:
                if isinstance(writer, SiteWriter):
                    # Part of the same atomic swap: a failure leaves dist/ as it was. Pagefind reads only the pages,
                    # so when no other file changed its live index is still exact and is taken as it is.
                    bundle = search.BUNDLE + "/"
                    if not (site_wide_kept and writer.unchanged_except(bundle) and writer.reuse_tree(bundle)):
                        aside = writer.set_aside(bundle)
                        # Every page is in place now: Pagefind indexes them while the site-wide files are made. The
                        # last generation's generated pages go first (they are made again below), so that Pagefind
                        # neither parses them (the print page is the whole guide) nor sees one being replaced.
                        prefixes = config.language_prefixes
                        writer.drop_unclaimed(search.crawler(prefixes))
                        index = search.start_index(writer.tmp, prefixes)
                if not site_wide_kept:
                    made = site_wide_files(config, site, bodies, pages, others, alternates, shared, use_cache,
                                           listings=not listings_kept, guide=not guide_kept, pinned=pinned)
                if aside is not None:
                    shutil.rmtree(aside, ignore_errors=True)  # the last index, while Pagefind makes the new one
                if index is not None:
                    indexed = index.wait()
                guide_dests = guide_files(config)
                for dest, data in made.items():
                    writer.add(dest, data, guide_key if dest in guide_dests else listing_key)
                if isinstance(writer, SiteWriter) and index is not None:
                    writer.claim_tree(search.BUNDLE + "/")
            finally:
                if index is not None:
                    index.kill()
                if aside is not None:
                    shutil.rmtree(aside, ignore_errors=True)
            writer.commit()
        finally:
            close_spooled(made)
        if isinstance(served, Served):
            served.site_wide, served.shared = {dest.as_posix() for dest in made}, site_key
        # In place, the dev server indexes after it has sent the reload (feelagain/serve/indexer.py).
    except BuildError as err:
        writer.abort()
        raise BuildFailed([_named_collision(err, [ls.site for ls in languages] or [site])], problems.warnings) from None
    except BaseException:
        writer.abort()
        raise
    return writer.written + writer.linked, indexed


def _named_collision(err: BuildError, sites: Sequence[Site]) -> BuildError:
    """Return err, or for a collision the error that names the content files writing that output (the writers
    see only output paths; an editor needs the files to rename)."""
    if err.problem != COLLISION:
        return err
    key = err.location.path.as_posix()
    writers = [page.source.rel_path for lang_site in sites for page in lang_site.pages if key in page_output_keys(page)]
    if not writers:
        return err
    others = " and ".join(str(path) for path in writers[1:]) or "the site's own files"
    return BuildError(SourceLocation(writers[0]), f"writes {key}, which {others} also write{'s' if writers[1:] else ''} "
                      f"({COLLISION})", "rename one of them" if writers[1:] else f"rename {writers[0]}")


def close_spooled(files: Mapping[PurePosixPath, bytes | Spooled]) -> None:
    """Delete the temporary files behind the spooled outputs once they are written (or the build failed)."""
    for data in files.values():
        if isinstance(data, Spooled):
            data.close()


@dataclass
class SiteWideLater:
    """The site-wide files of a dev-server build that wrote only its pages: call it to write them (in place).

    Calling it renders them from that build's pages, replaces those that changed, removes the ones the site no
    longer has, and returns how many changed; a problem raises BuildFailed (and the next build writes the
    site-wide files itself, so it reports the problem as a failed build). Call it only while no build runs.
    """

    output_dir: Path
    served: Served
    make: Callable[[], dict[PurePosixPath, bytes | Spooled]]
    claimed: set[str]  # what the build's pages and assets wrote or kept: never removed here
    warnings: tuple[BuildError, ...]
    stores: tuple[DiskStore[Any], ...] | None = None  # the build's temporary body stores (DiskStore), closed once made

    def __call__(self) -> int:
        try:
            made = self.make()
        except BuildError as err:
            self.served.shared = ""
            raise BuildFailed([err], list(self.warnings)) from None
        except BaseException:
            self.served.shared = ""
            raise
        finally:
            for store in self.stores or ():
                store.close()
        names = {dest.as_posix() for dest in made}
        try:
            for dest in made:
                _safe_join(self.output_dir, dest)
            changed = write_in_place(self.output_dir, made)
        finally:
            close_spooled(made)
        for name in sorted(self.served.site_wide - names - self.claimed):
            path = _safe_join(self.output_dir, PurePosixPath(name))
            path.unlink(missing_ok=True)
            changed += 1
            for folder in path.parents:
                if folder == self.output_dir or not folder.is_relative_to(self.output_dir):
                    break
                try:
                    folder.rmdir()
                except OSError:
                    break
        self.served.site_wide = names
        return changed


def site_wide_files(config: SiteConfig, site: Site, bodies: Mapping[str, Body], pages: PageRenderer,
                    others: list[tuple[SiteConfig, Site, Mapping[str, Body], PageRenderer]],
                    alternates: dict[str, list[Alternate]], salt: str, use_cache: bool = True,
                    listings: bool = True, guide: bool = True,
                    pinned: str | None = None) -> dict[PurePosixPath, bytes | Spooled]:
    """Return the files that are made from the whole site rather than from one page (written after Pagefind).

    They are the listings, made from the pages' metadata alone (left out with listings=False), and the
    GUIDE_FILES, made from every page's body too (left out with guide=False). salt is a hash of the site-wide
    inputs of the default language's pages (the print page keeps its sections by it, unless use_cache is
    False). The print page and the embed guide come spooled to temporary files (the caller writes them, then
    closes them with close_spooled). pinned: the embed guide's "Pinned" script tag (embed.pinned_snippet)."""
    files: dict[PurePosixPath, bytes | Spooled] = {}

    def add(dest: PurePosixPath, data: bytes | Spooled) -> None:
        if dest in files:
            close_spooled({dest: data})
            raise BuildError(SourceLocation(dest), COLLISION, "rename one of them")
        files[dest] = data

    langs = [(config, site, pages)] + [(o[0], o[1], o[3]) for o in others]
    try:
        if listings:
            urls = [(page.url, page.meta.reviewed.isoformat()) for page in site.pages]
            urls += [(page.url, page.meta.reviewed.isoformat()) for o in others for page in o[1].pages]
            spool_dir = config.output_dir.parent  # large listings are made on the output's disk, not in memory
            guides = tool_versions(langs, embed.EMBED_INDEX_URL)
            other_pages = tuple(page for o in others for page in o[1].pages)
            guide_urls: list[tuple[str, str]] = []
            for lang_config, lang_site, lang_pages in langs:
                # Each language's content-API index (api/pages.json, es/api/pages.json); the schemas once.
                for dest, data in embed.api_files(lang_config, lang_site, lang_pages.crisis, spool_dir).items():
                    add(dest, data)
                if lang_config.lang_prefix and not lang_site.pages:
                    continue  # a language with no pages yet has no embed guide
                # The embed guide lists every page with its snippets (17 MB at 10,000 pages): written to disk as
                # it is made. The default language's lists the other languages' pages too; each other
                # language's lists its own, their snippets with data-lang.
                guide_url = embed.embed_index_url(lang_config)
                _ = lang_pages.text  # _(): pybabel extracts these strings
                add(dest_for(guide_url), lang_pages.render_special_spooled(
                    "embed-index.html", guide_url, _("Embed these pages"),
                    _("How clinics and services can show these pages on their own websites."), spool_dir=spool_dir,
                    embeds=embed.embed_index(lang_config, lang_site, () if lang_config.lang_prefix else other_pages),
                    pinned=pinned, **guides.get(lang_config.language, {})))
                guide_urls.append((guide_url, max(p.meta.reviewed for p in lang_site.pages).isoformat()))
            # Hosts serve 404.html at any depth, so its links start from the site's own path, not relative.
            site_root = safe_url(urlsplit(config.base_url).path)
            for lang_pages in [pages] + [o[3] for o in others]:
                prefix, _ = lang_pages.config.lang_prefix, lang_pages.text  # _(): pybabel extracts these strings
                add(PurePosixPath(f"{prefix}404.html"), lang_pages.render_special(
                    "404.html", f"{prefix}404.html", _("Page not found"), _("This page does not exist."), root=site_root,
                    translations=lang_pages.home_links(f"{prefix}404.html", root=site_root)))
            # The embed guides are in the sitemap, each with its versions in the other languages.
            sitemap_alternates = {**alternates, **tool_alternates(langs, embed.EMBED_INDEX_URL)}
            add(PurePosixPath("sitemap.xml"), spool_text(seo.sitemap_parts(urls + guide_urls, config, sitemap_alternates),
                                                         spool_dir))
            add(PurePosixPath("robots.txt"), seo.robots(config))
            # The embed guides have rules of their own in _headers (beside their language's embed/* rule).
            page_urls = [u for u, _ in urls]
            add(PurePosixPath("_headers"), spool_text(headers.netlify_header_parts(config, page_urls), spool_dir))
            for lang_config, lang_site, lang_pages in langs:
                add(dest_for(lang_config.lang_prefix + search.SEARCH_URL), search.search_page(lang_config, lang_site, lang_pages))
                # The crisis lines every API record of the language points to (embed.crisis_ref).
                add(PurePosixPath(lang_config.lang_prefix + embed.CRISIS_FILE),
                    embed.to_json(embed.crisis_api(lang_pages.crisis, lang_config.language)))
        if guide:
            for dest, made_data in guide_tools(config, site, bodies, pages, salt, use_cache,
                                               others=[(o[1], o[2], o[3]) for o in others]).items():
                add(dest, made_data)
    except BaseException:
        close_spooled(files)  # a problem after the print page or the embed guide was spooled
        raise
    return files


# The generated pages every language has at its own prefix (print/, es/print/…): each version links the others.
TOOL_URLS = (printbook.PRINT_URL, offline.OFFLINE_URL, embed.EMBED_INDEX_URL)


def tool_alternates(langs: Sequence[tuple[SiteConfig, Site, PageRenderer]], kind: str) -> dict[str, list[Alternate]]:
    """Return {URL: its versions in every language} for one kind of generated page (kind: one of TOOL_URLS).

    Only languages with pages have these pages; with fewer than two there is nothing to pair.
    """
    versions = [Alternate(c.current_language.code, c.current_language.name, c.current_language.locale,
                          c.lang_prefix + kind, not c.lang_prefix) for c, lang_site, _ in langs
                if lang_site.pages or not c.lang_prefix]
    return {alt.url: versions for alt in versions} if len(versions) > 1 else {}


def tool_versions(langs: Sequence[tuple[SiteConfig, Site, PageRenderer]], kind: str) -> dict[str, dict[str, Any]]:
    """Return, by language code, the template context that links a generated page (kind: one of TOOL_URLS) to
    its versions in the other languages: `alternates` (hreflang) and `translations` (the language switcher)."""
    by_url = tool_alternates(langs, kind)
    context: dict[str, dict[str, Any]] = {}
    for lang_config, _, _ in langs:
        url = lang_config.lang_prefix + kind
        versions = by_url.get(url, [])
        if versions:
            context[lang_config.language] = {
                "alternates": [{**vars(v), "abs": join_url(lang_config.base_url, v.url)} for v in versions],
                "translations": [{**vars(v), "href": relative_href(url, v.url)} for v in versions
                                 if v.code != lang_config.language]}
    return context


def print_page(config: SiteConfig, site: Site, bodies: Mapping[str, Body], pages: PageRenderer, salt: str,
               use_cache: bool = True, extra: Mapping[str, Any] | None = None) -> Spooled:
    """Return the print page of config's language, each page's section kept in the cache folder between builds
    (salt: site-wide key; extra: more template context, e.g. its versions in the other languages)."""
    # One cache per language: a cache drops the entries its build did not use, so two languages cannot share one.
    folder = "print" + (f"-{config.language}" if config.lang_prefix else "")
    store = RenderCache(config.cache_dir / folder if use_cache else None)
    try:
        # Spooled on the output's disk: /tmp may be memory, and this file is the whole guide.
        return printbook.print_page(site, bodies, pages, store, make_key(salt, catalog_fingerprint(config)),
                                    spool_dir=config.output_dir.parent, extra=extra,
                                    body_key=lambda slug: body_key(bodies, slug))
    finally:
        store.save()


# The site-wide files made from every page's body, not only from the pages' metadata (see site_wide_files):
# the print page holds every page, and the service worker's version hashes the help page as readers see it.
# These are the default language's; guide_files() adds every other language's print page and offline notice.
GUIDE_FILES = frozenset({dest_for(printbook.PRINT_URL), PurePosixPath(offline.OFFLINE_URL, "index.html"),
                         PurePosixPath(offline.MANIFEST_NAME), PurePosixPath(offline.SW_NAME)})


def guide_files(config: SiteConfig) -> frozenset[PurePosixPath]:
    """Return the GUIDE_FILES of the whole site: the default language's, and each other language's print page
    and offline notice (es/print/index.html, es/offline/index.html)."""
    return GUIDE_FILES | {dest_for(prefix + url) for prefix in config.language_prefixes
                          for url in (printbook.PRINT_URL, offline.OFFLINE_URL)}


def guide_tools(config: SiteConfig, site: Site, bodies: Mapping[str, Body],
                pages: PageRenderer, salt: str, use_cache: bool = True,
                others: Sequence[offline.OtherLanguage] = ()) -> dict[PurePosixPath, bytes | Spooled]:
    """Return the guide files (guide_files): the pages and files made from the whole guide's text (every
    language's print page and offline notice, the service worker and the manifest).

    others holds each other language's pages, bodies and renderer (its print page and notice are made too, and
    the offline worker keeps its help page and notice)."""
    # The manifest takes its colours from the stylesheet in use (a site's own site.css wins, as in collect_assets).
    stylesheets = [folder / "css" / "site.css" for folder in reversed(config.asset_dirs)]
    css = next((f.read_text(encoding="utf-8", errors="replace") for f in stylesheets if f.is_file()), "")
    langs = [(site, bodies, pages), *others]
    triples = [(lang_pages.config, lang_site, lang_pages) for lang_site, _, lang_pages in langs]
    prints = tool_versions(triples, printbook.PRINT_URL)
    files: dict[PurePosixPath, bytes | Spooled] = {}
    try:
        for lang_site, lang_bodies, lang_pages in langs:
            lang_config = lang_pages.config
            if lang_config.lang_prefix and not lang_site.pages:
                continue  # a language with no pages yet has no printed guide
            # The default language's salt covers the templates, crisis lines and settings; another language's
            # sections also depend on its own settings and page list (links between its pages).
            lang_salt = salt if not lang_config.lang_prefix else make_key(
                salt, repr(lang_config), repr([(p.slug, p.nav_title) for p in lang_site.nav]),
                repr([p.slug for p in lang_site.pages]))
            files[dest_for(printbook.print_url(lang_pages))] = print_page(
                lang_config, lang_site, lang_bodies, lang_pages, lang_salt, use_cache,
                extra=prints.get(lang_config.language))
        files.update(offline.offline_files(site, bodies, pages, css, others,
                                           extra=tool_versions(triples, offline.OFFLINE_URL)))
    except BaseException:
        close_spooled(files)
        raise
    return files


def page_output_keys(page: Page) -> tuple[str, str, str, str]:
    """Return the names of page_outputs() as relative paths with '/', without making a path object for each."""
    prefix = page.lang_prefix
    url = page.url
    main = url + "index.html" if (url == "" or url.endswith("/")) and "//" not in url else dest_for(url).as_posix()
    return (main, f"{prefix}embed/{page.slug}/index.html", f"{prefix}oembed/{page.slug}.json",
            f"{prefix}api/pages/{page.slug}.json")


def page_outputs(config: SiteConfig, pages: PageRenderer, page: Page, body: Body) -> dict[PurePosixPath, Callable[[], bytes]]:
    """Return every output file of one page, each with the function that makes it (called only when needed)."""
    prefix = page.lang_prefix  # another language's embeds, oEmbed and API records live under /<code>/ too
    api_url = f"{prefix}api/pages/{page.slug}.json"
    return {
        dest_for(page.url): lambda: pages.render_page(page, body),
        dest_for(f"{prefix}embed/{page.slug}/"): lambda: pages.render_embed(page, body),
        PurePosixPath(f"{prefix}oembed/{page.slug}.json"): lambda: embed.to_json(embed.oembed(page, config)),
        PurePosixPath(api_url): lambda: embed.to_json(
            embed.page_api(page, config, pages.body_html(body, pages.base_context(api_url, root=safe_url(config.base_url)), page.url,
                                                        page.source.rel_path),
                           pages.crisis)),
    }


def site_fingerprint(config: SiteConfig, renderer: Renderer, site: Site, crisis: Crisis,
                     asset_paths: dict[str, PurePosixPath]) -> str:
    """Return a hash of everything site-wide that a page's HTML depends on besides its own source.

    That is the engine version, the configuration, every template, the crisis lines, the asset names and the
    navigation (titles and order, which also fix each page's previous and next links). A page's own body
    and metadata are added per page; other pages' bodies never appear in a page.
    """
    parts = [engine_fingerprint(), repr(config), repr(crisis), repr(sorted(asset_paths.items())),
             repr([(p.slug, p.nav_title) for p in site.nav]), repr([p.slug for p in site.pages])]
    parts += [p.as_posix() + "\0" + p.read_text(encoding="utf-8", errors="replace") for p in renderer.source_files()]
    return make_key(*parts)
