"""The record of one successful build's inputs and outputs, so a `build` with nothing changed stops early.

After every successful `build`, the command line writes a record beside the render cache (one per output
folder): a hash of everything the build depended on besides the files (its options, the packages that shape
the output, Python, today's date, the environment variables the build and Pagefind read, the working folder),
a hash of the listing of every input file (path, size, mtime, ctime, inode: the site's content/, templates/,
assets/ and locale/, the bundled ones, and the engine's own source), a hash of the listing of the output
folder as the build left it, and the lines the build printed.
The next `build` with the same options (feelagain/entry.py, before the engine and its packages are even
imported) lists the same folders again; if every hash is the same, the output folder is already what a build
would make, so it prints the saved lines and stops. Anything else, or any doubt, runs the normal build.

Standard library only, and nothing slow to import: this module runs before Jinja2, Markdown, PyYAML and Babel.

Guarantees:
- Every normal build deletes the record before it starts, and writes one only when it succeeded, so a build
  that fails or is killed never leaves a record that claims the old output is current.
- The inputs are listed before the build reads them: a file edited while the build runs no longer matches.
- "Racily clean" files (git's term): a file changed within RACY_NS of the listing could change again within
  one timestamp tick and keep its size, mtime and ctime. Such a listing is not trusted (no fast path until a
  normal build lists the files again when they are older). A symbolic link among the inputs (its target
  could change without the link changing) also makes the record untrusted.
- The output listing is taken after the publish, and includes inodes and ctimes: a file changed, added or
  removed in the output folder by anyone (the dev server included) makes the next build a normal one.
  The fast path writes nothing: the spare generation and the writer's manifest stay as the build left them.
- A dependency edited by hand in place (not reinstalled) is not seen; pip installs and upgrades are (they
  change the package's folder and the site-packages folder).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass

RECORD_VERSION = 1
RACY_NS = 2_000_000_000  # as pipeline.RACY_NS: files changed this recently are not trusted by their stat
CACHE_DIR = ".feelagain-cache"  # config.SiteConfig.cache_dir
PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
PROJECT_ROOT = os.path.dirname(PACKAGE_DIR)  # config.PROJECT_ROOT: the bundled templates, assets and locale
# The packages whose code shapes the output or the warnings (see pyproject.toml); found, never imported.
# Markdown imports Pygments when it is installed (its code highlighting is not used, but the presence is cheap
# to note); it finds its extensions through the entry points of every installed package (site-packages below).
DEPENDENCIES = ("jinja2", "markupsafe", "markdown", "yaml", "babel", "nh3", "pyphen", "pagefind_bin", "pygments",
                "rcssmin")
# Environment variables that can change what the build or Pagefind does: the date (TZ), locale defaults,
# Python's own settings, Pagefind's configuration, and HOME (the output folder must not be the home folder).
ENV_NAMES = ("TZ", "LANG", "LANGUAGE", "HOME")
ENV_PREFIXES = ("LC_", "PYTHON", "PAGEFIND_")


@dataclass(frozen=True)
class Options:
    """The options of a `build` command line that the fast path can answer (anything else: a normal build)."""

    site: str | None = None
    out: str | None = None
    strict: bool = False
    verbose: bool = False

    @property
    def site_dir(self) -> str:
        """The site folder, resolved as cli._site_dir does."""
        return os.path.realpath(self.site) if self.site else PROJECT_ROOT

    @property
    def out_dir(self) -> str:
        """The output folder, resolved as cli.run_build does."""
        return os.path.realpath(self.out) if self.out else os.path.join(self.site_dir, "dist")


def parse_build_args(argv: list[str]) -> Options | None:
    """Return the options of a plain `build` command line, or None for anything else.

    Only `[build] [--site DIR] [--out DIR] [--strict] [--verbose]`, each at most once, with the exact option
    names (argparse would also take abbreviations: those, --no-cache, --debug and every other command go
    the normal way, which also reports usage mistakes).
    """
    args = list(argv)
    if args and args[0] == "build":
        args = args[1:]
    elif args and not args[0].startswith("-"):
        return None  # check, serve, new, or a mistake
    values: dict[str, str] = {}
    flags: set[str] = set()
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in ("--site", "--out") and name not in values:
            if not eq:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            if not value or value.startswith("-"):
                return None
            values[name] = value
        elif arg in ("--strict", "--verbose") and arg not in flags:
            flags.add(arg)
        else:
            return None
        i += 1
    return Options(values.get("--site"), values.get("--out"), "--strict" in flags, "--verbose" in flags)


def record_path(options: Options) -> str:
    """Return where the record of builds into this output folder lives (beside the writer's manifest)."""
    name = hashlib.sha256(options.out_dir.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return os.path.join(options.site_dir, CACHE_DIR, f"fastpath-{name}.json")


def input_folders(site_dir: str) -> list[str]:
    """Return every folder a build reads, as config.input_folders does, then the engine's own package."""
    candidates = [os.path.join(site_dir, name) for name in ("content", "templates", "assets", "locale")]
    candidates += [os.path.join(PROJECT_ROOT, name) for name in ("templates", "assets", "locale")]
    unique: list[str] = []
    for folder in candidates + [PACKAGE_DIR]:
        if os.path.realpath(folder) not in [os.path.realpath(f) for f in unique]:
            unique.append(folder)
    return unique


def _today() -> str:
    return datetime.date.today().isoformat()


def _stat_line(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} -"
    return f"{path} {info.st_size} {info.st_mtime_ns} {info.st_ctime_ns} {info.st_ino}"


def environment_key(options: Options) -> str:
    """Return a hash of everything besides the files that a build's output and printed lines depend on."""
    import importlib.util  # already imported by Python's start-up; finding a package does not import it

    parts = [f"record {RECORD_VERSION}", f"strict={options.strict} verbose={options.verbose}", options.site_dir,
             options.out_dir, os.getcwd(), _today(), sys.version, sys.executable, sys.prefix, repr(sys.flags),
             repr(sys.path)]
    parts += sorted(f"{k}={v}" for k, v in os.environ.items()
                    if k in ENV_NAMES or k.startswith(ENV_PREFIXES))
    folders: set[str] = set()
    for name in DEPENDENCIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        parts.append(f"{name} {origin}")
        if origin:
            parts.append(_stat_line(origin))
            package = os.path.dirname(origin)
            folders.update((package, os.path.dirname(package)))  # a new file; any install or removal
    parts += [_stat_line(folder) for folder in sorted(folders)]
    return _hash(parts)


def _hash(parts: list[str], separator: str = "\0") -> str:
    return hashlib.sha256(separator.join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Listing:
    """The hash of a listing of folders, and whether it may be trusted by stat alone."""

    digest: str
    newest_ns: int  # the latest mtime or ctime of any entry
    odd: bool  # a symbolic link, a vanished file, or a file where a folder should be: never trusted


def list_folders(folders: list[str]) -> Listing:
    """List every file and folder under folders (path, size, mtime, ctime, inode), following no link."""
    lines: list[str] = []
    newest = 0
    odd = False
    for index, root in enumerate(folders):
        odd = odd or os.path.islink(root)  # its target could change without any listed file changing
        stack = [(root, f"{index}|")]
        while stack:
            path, rel = stack.pop()
            try:
                found = os.scandir(path)
            except FileNotFoundError:
                lines.append(f"{rel}\0missing")
                continue
            except OSError:  # a file where a folder should be, or a folder we may not read
                lines.append(f"{rel}\0unreadable")
                odd = True
                continue
            lines.append(f"{rel}/")
            with found:
                for entry in found:
                    here = f"{rel}/{entry.name}"
                    try:
                        if entry.is_dir(follow_symlinks=False):  # from the folder listing: no system call
                            if not (entry.name == "__pycache__" and root == PACKAGE_DIR):  # follows the sources
                                stack.append((entry.path, here))
                            continue
                        info = entry.stat(follow_symlinks=False)
                    except OSError:  # removed while we looked
                        lines.append(f"{here}\0vanished")
                        odd = True
                        continue
                    odd = odd or entry.is_symlink()
                    newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
                    lines.append(f"{here}\0{info.st_mode}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}"
                                 f"\0{info.st_ino}")
    lines.sort()  # folders are read in the order the file system gives
    return Listing(_hash(lines, "\0\n"), newest, odd)  # a name holds no NUL, so no line holds NUL + newline


@dataclass(frozen=True)
class Pending:
    """What a normal build noted before it began, for the record it writes if it succeeds."""

    options: Options
    environment: str
    inputs: Listing
    listed_ns: int  # when the inputs were listed


@dataclass(frozen=True)
class _Noted:
    """What fast_build found while it compared a record, for start() to use instead of finding it again."""

    options: Options
    listed_ns: int
    environment: str
    inputs: Listing | None


_noted: _Noted | None = None


def start(options: Options) -> Pending:
    """At the start of a normal build: delete the record, then note the inputs (before anything reads them).

    What fast_build() of the same command line noted a moment before (the environment, the inputs' listing) is
    used as it is: it was taken before anything read the inputs, too. A listing older than the build can only
    make the next build's shortcut fail, never let it pass wrongly (a changed input never lists as before).
    """
    global _noted
    noted, _noted = _noted, None
    try:
        os.unlink(record_path(options))
    except OSError:  # none yet; or a cache folder we cannot change, where no record can be written either
        pass
    if noted is not None and noted.options == options:
        inputs = noted.inputs or list_folders(input_folders(options.site_dir))
        return Pending(options, noted.environment, inputs, noted.listed_ns)
    listed_ns = time.time_ns()
    try:
        environment = environment_key(options)
    except OSError:  # the working folder was deleted: the build says so if it matters; no record
        return Pending(options, "", Listing("", 0, odd=True), listed_ns)
    return Pending(options, environment, list_folders(input_folders(options.site_dir)), listed_ns)


def write_record(pending: Pending, stderr: list[str], summary: tuple[str, str]) -> bool:
    """After a successful build: write the record (atomically); return whether one was written.

    summary is the text before and after the seconds in the 'Built N pages in X s → dist/' line. No record is
    written when an input cannot be trusted by its stat (see the module's docstring).
    """
    inputs = pending.inputs
    if inputs.odd or inputs.newest_ns >= pending.listed_ns - RACY_NS:
        return False
    options = pending.options
    record = {"version": RECORD_VERSION, "environment": pending.environment, "inputs": inputs.digest,
              "outputs": list_folders([options.out_dir]).digest, "stderr": stderr, "summary": list(summary)}
    path = record_path(options)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
    return True


def fast_build(argv: list[str]) -> int | None:
    """Answer a `build` with nothing changed from its record: print what the build printed, return 0.

    Return None (run the normal build) when the command line is not a plain build, there is no record, or
    anything differs. Never raises for a damaged or unreadable record.
    """
    started = time.perf_counter()
    options = parse_build_args(argv)
    if options is None:
        return None
    try:
        with open(record_path(options), encoding="utf-8") as handle:
            record = json.load(handle)
        if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
            return None
        stderr, (before, after) = record["stderr"], record["summary"]
        if not (isinstance(stderr, list) and all(isinstance(line, str) for line in stderr)
                and isinstance(before, str) and isinstance(after, str)):
            return None
        global _noted
        listed_ns = time.time_ns()
        environment = environment_key(options)
        _noted = _Noted(options, listed_ns, environment, None)
        if record.get("environment") != environment:
            return None
        inputs = list_folders(input_folders(options.site_dir))
        _noted = _Noted(options, listed_ns, environment, inputs)
        if record.get("inputs") != inputs.digest:
            return None
        if record.get("outputs") != list_folders([options.out_dir]).digest:
            return None
    except Exception:  # noqa: BLE001 (a damaged record, a vanished folder, any doubt: the normal build decides)
        return None
    for line in stderr:
        print(line, file=sys.stderr)
    print(f"{before}{time.perf_counter() - started:.2f}{after}")
    return 0
