"""Site search: the pinned results from site.yml, and running Pagefind over the built site.

Pagefind (a pinned PyPI dependency whose wheel ships the binary) indexes the output folder at build time and
writes its index and loader into <output>/pagefind/. The search page's own script queries it through
Pagefind's JS API; ranking and excerpts are Pagefind's, so we keep no index or ranking of our own.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .config import CONFIG_PATH, SiteConfig
from .errors import BuildError, SourceLocation
from .model import Site, relative_href
from .pages import PageRenderer
from .yamlfile import LineMap

SEARCH_URL = "search/"  # under each language's prefix: search/, es/search/
BUNDLE = "pagefind"  # one bundle at the site root; Pagefind keeps one index per <html lang> inside it


# Content pages are index.html or <slug>/index.html, and <code>/<slug>/index.html in another language;
# embeds (embed/<slug>/index.html, <code>/embed/<slug>/index.html) are never crawled. Only pages that mark
# their <main> with data-pagefind-body are indexed (not the search, print or 404 pages).
def glob_for(prefixes: Iterable[str] = ()) -> str:
    """Return the glob Pagefind crawls, for the URL prefixes ('es/') of the site's other languages."""
    return "{" + ",".join(["index.html", "*/index.html", *(f"{p}*/index.html" for p in sorted(prefixes))]) + "}"


def crawler(prefixes: Iterable[str] = ()) -> Callable[[str], bool]:
    """Return a test of whether glob_for(prefixes) takes an output file (a path relative to the site root).

    It runs on every file of the staging folder before Pagefind starts, so it is a few string operations.
    """
    folders = frozenset(p.rstrip("/") for p in prefixes)

    def crawled(path: str) -> bool:
        if not path.endswith("index.html"):
            return False
        slashes = path.count("/")
        if slashes == 0:
            return path == "index.html"
        if not path.endswith("/index.html"):
            return False
        return slashes == 1 or (slashes == 2 and path[:path.index("/")] in folders)
    return crawled


GLOB = glob_for()  # a site in one language
crawled = crawler()


# Inside <main>, leave out the chrome that repeats on every page or says nothing about the topic.
EXCLUDE = ".toc, .pager, .review, .print-tools, .checklist__privacy, .checklist__status, .checklist__actions"
# The loader, the WebAssembly and the index are all the search page needs. Pagefind's ready-made UIs use
# inline styles (blocked by our CSP), and its worker would need 'wasm-unsafe-eval' in the policy of
# /pagefind/ too (a worker runs under its own script's CSP), so search.js runs without it; they are removed.
UNUSED = ("pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
TIMEOUT = 600  # seconds; a 10,000-page site indexes in well under a minute


@dataclass(frozen=True)
class Pinned:
    """Queries containing one of `terms` show `slug` first."""

    terms: tuple[str, ...]
    slug: str


def normalise(text: str) -> str:
    """Lower case, no accents, single spaces: how queries and pinned terms are compared (search.js does the same).

    Accents go because people in a hurry, on a phone, type "autolesion" for "autolesión"; a pinned help page
    must still come first.
    """
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.category(c).startswith("M"))
    return " ".join(re.findall(r"[\w']+", plain.lower()))


def search_settings(config: SiteConfig) -> tuple[dict[str, Any], LineMap, str]:
    """Return the search settings of config's language, their lines in site.yml and how to name them.

    The default language's are site.yml's top-level `search`; another language's are the `search` of its
    entry in `languages` (none: no pinned results in that language).
    """
    if not config.lang_prefix:
        return config.search or {}, config.lines.child("search"), "site.yml search"
    lang = config.current_language
    codes = [known.code for known in config.languages]
    entry = config.lines.child("languages").child(codes.index(lang.code)) if lang.code in codes else config.lines
    return lang.search or {}, entry.child("search"), f'the search of language "{lang.code}"'


def unpinned_language(config: SiteConfig) -> BuildError | None:
    """Return a warning when config's language (not the default) pins nothing while the default language does.

    Pinned results are how a crisis word puts the help page first; a language added without them would quietly
    lose that on its search page.
    """
    if not config.lang_prefix or not (config.search or {}).get("pinned"):
        return None
    raw, lines, _ = search_settings(config)  # lines: its search block, else its entry in languages
    if isinstance(raw, dict) and raw.get("pinned"):
        return None
    code = config.current_language.code
    return BuildError(SourceLocation(CONFIG_PATH, lines.line),
                      f'language "{code}" pins no search results, so its search page does not put its help page '
                      "first for crisis words as the top-level search does",
                      f"add search: {{pinned: [{{terms: [crisis, …], page: {config.help_page}}}]}} to its entry in "
                      "languages", rule="search-pinned")


def pinned_results(config: SiteConfig, slugs: set[str]) -> tuple[tuple[Pinned, ...], list[BuildError]]:
    """Read the `search: {pinned: [{terms: [...], page: slug}]}` of config's language (site.yml's top level for
    the default language, its entry in `languages` for another); return the entries and any problems."""
    raw, lines, what = search_settings(config)
    loc = SourceLocation(CONFIG_PATH, lines.line)
    pinned_lines = lines.items("pinned")
    errors: list[BuildError] = []
    unknown = [k for k in raw if k != "pinned"]
    if unknown:
        at = SourceLocation(CONFIG_PATH, lines.at(unknown[0]))
        errors.append(BuildError(at, f'unknown field "{unknown[0]}" in {what}', "the only field is pinned"))
    entries = raw.get("pinned", [])
    help_page = config.help_page
    example = f"pinned: [{{terms: [crisis, helpline], page: {help_page}}}]"
    if not isinstance(entries, list):
        return (), errors + [BuildError(SourceLocation(CONFIG_PATH, lines.at("pinned")), '"pinned" should be a list',
                                        f"write {example}")]
    found = []
    for index, entry in enumerate(entries):
        at = SourceLocation(CONFIG_PATH, pinned_lines[index].line) if index < len(pinned_lines) else loc
        if not isinstance(entry, dict) or set(entry) != {"terms", "page"}:
            errors.append(BuildError(at, "a pinned result needs exactly 'terms' and 'page'", f"write {example}"))
            continue
        terms = entry["terms"]
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and normalise(t) for t in terms):
            errors.append(BuildError(at, '"terms" should be a list of words or phrases', f"write {example}"))
            continue
        if entry["page"] not in slugs:
            folder = f"content/{config.content_subdir}/" if config.content_subdir else "content/"
            errors.append(BuildError(at, f'pinned page "{entry["page"]}" does not exist',
                                     f"use the name of a page in {folder}, e.g. {help_page}"))
            continue
        found.append(Pinned(tuple(normalise(t) for t in terms), str(entry["page"])))
    return tuple(found), errors


def pinned_json(pinned: tuple[Pinned, ...], pages: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return what search.js needs for each pinned entry (pages: slug → {title, description, url})."""
    return [{"terms": list(p.terms), **pages[p.slug]} for p in pinned if p.slug in pages]


def pagefind_executable() -> Path:
    """Return the Pagefind binary shipped in the pagefind_bin wheel."""
    import pagefind_bin  # type: ignore[import-untyped]  # the wheel ships the binary, no type information

    return Path(pagefind_bin.get_executable())


def build_index(site_folder: Path, prefixes: Iterable[str] = ()) -> IndexStats | None:
    """Index the built site in site_folder with Pagefind (prefixes: its other languages', see glob_for) and
    return what that cost; raise BuildError when it fails."""
    return start_index(site_folder, prefixes).wait()


@dataclass(frozen=True)
class IndexStats:
    """What one Pagefind run cost, as the kernel counted it for the Pagefind process alone."""

    wall: float  # seconds from its start to its exit (it overlaps the build's own work)
    cpu: float  # user + system seconds, all its threads
    peak_rss_kib: int  # peak resident set size (ru_maxrss)

    def describe(self) -> str:
        """Return the line `build --verbose` prints (bench/build_speed.py parses it)."""
        return (f"Search index: Pagefind {self.wall:.2f} s ({self.cpu:.2f} s CPU, "
                f"peak {self.peak_rss_kib / 1024:.0f} MiB).")


class IndexRun:
    """One Pagefind run over a site folder, working in the background while the build goes on.

    wait() finishes it (or raises BuildError) and returns its IndexStats; kill() stops it: a build that fails
    while Pagefind runs must not leave it writing into the staging folder.

    The child is reaped with os.wait4, not Popen.wait, to get its own CPU time and peak memory; a watcher
    thread notes when it exits (without reaping it: WNOWAIT), so its wall time is right even when the build
    is still busy then, and wait()'s time limit is a join on that thread.
    """

    def __init__(self, site_folder: Path, prefixes: Iterable[str] = ()) -> None:
        self.site_folder = site_folder
        self.where = SourceLocation(PurePosixPath(BUNDLE))
        try:
            executable = pagefind_executable()
        except (ImportError, FileNotFoundError) as exc:
            raise BuildError(self.where, f"Pagefind is not installed ({exc})", _REINSTALL) from None
        command = [str(executable), "--site", str(site_folder), "--glob", glob_for(prefixes),
                   "--exclude-selectors", EXCLUDE, "--output-subdir", BUNDLE, "--silent"]
        # Its output goes to a file, not a pipe: nobody reads a pipe while the build goes on, and a full pipe
        # would stop Pagefind.
        self.output = tempfile.TemporaryFile()
        self.deadline = time.monotonic() + TIMEOUT
        self.started = time.monotonic()
        self.exited: float | None = None  # when the watcher saw it exit
        self.stats: IndexStats | None = None  # after a successful wait()
        try:
            self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT)
        except OSError as exc:
            self.output.close()
            raise BuildError(self.where, f"Pagefind could not run ({exc.__class__.__name__}: {exc})",
                             _REINSTALL) from None
        self.watcher = threading.Thread(target=self._watch, args=(self.proc,), name="pagefind-watcher",
                                        daemon=True)
        self.watcher.start()

    def _watch(self, proc: subprocess.Popen[bytes]) -> None:
        """Note when the child exits, leaving it to _reap() (WNOWAIT)."""
        if hasattr(os, "waitid"):
            try:
                os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
            except ChildProcessError:  # reaped already (by poll() in kill())
                pass
        else:  # no way to wait without reaping here: Popen reaps it, and the run has no figures
            proc.wait()
        self.exited = time.monotonic()

    def _reap(self, proc: subprocess.Popen[bytes]) -> IndexStats | None:
        """Reap the exited (or killed) child, setting its return code; return what it cost, if it was counted."""
        self.watcher.join()
        if proc.returncode is not None:  # Popen reaped it: poll() in kill(), or the watcher above
            return None
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): as Popen does, take it as a clean exit
            proc.returncode = 0
            return None
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes there, KiB on Linux
        return IndexStats((self.exited or time.monotonic()) - self.started, usage.ru_utime + usage.ru_stime, peak)

    def kill(self) -> None:
        """Stop Pagefind if it still runs (a failed build); safe to call more than once."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self._reap(self.proc)
            self.proc = None
            self.output.close()

    def wait(self) -> IndexStats | None:
        """Wait for Pagefind, then keep only the parts of its bundle we use; raise BuildError when it failed.

        Return what the run cost (None only when the child was reaped elsewhere, so nothing was counted).
        """
        proc = self.proc
        assert proc is not None, "wait() after kill()"
        try:
            timeout = max(0.0, self.deadline - time.monotonic())
            self.watcher.join(timeout)
            if self.watcher.is_alive():
                raise subprocess.TimeoutExpired(proc.args, timeout)
            stats = self._reap(proc)
            code = proc.returncode
        except subprocess.TimeoutExpired as exc:
            self.kill()
            raise BuildError(self.where, f"Pagefind could not run ({exc.__class__.__name__}: {exc})",
                             _REINSTALL) from None
        except BaseException:
            self.kill()
            raise
        self.output.seek(0)
        said = self.output.read().decode("utf-8", "replace").strip().splitlines()
        self.kill()
        if code != 0:
            detail = said[-1] if said else f"exit code {code}"
            raise BuildError(self.where, f"Pagefind could not build the search index: {detail}",
                             "the words after the colon are Pagefind's; if they name a file, check it, "
                             "otherwise reinstall with bash scripts/setup.sh")
        prune_bundle(self.site_folder / BUNDLE)
        self.stats = stats
        return stats


_REINSTALL = "reinstall the engine's dependencies (bash scripts/setup.sh), then build again"


def start_index(site_folder: Path, prefixes: Iterable[str] = ()) -> IndexRun:
    """Start Pagefind over site_folder in the background (prefixes: the other languages', see glob_for); the
    caller must wait() or kill() the run."""
    return IndexRun(site_folder, prefixes)


def prune_bundle(bundle: Path) -> None:
    """Remove the files of Pagefind's bundle that the search page never loads."""
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    # Pagefind ships a WebAssembly build per stemming language plus a generic one; keep only those in use.
    entry_file = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        languages = entry["languages"]
        used = {lang.get("wasm") for lang in languages.values()}
    except (OSError, ValueError, KeyError, AttributeError, TypeError):
        return  # an entry file we cannot read: keep everything
    # Pagefind lists the languages in a different order from run to run; sorted, the same site gives the same
    # bytes. The loader looks languages up by key; only its fallback (the language with most pages, first on
    # a tie) reads the order, and sorted makes that choice the same every time. Compact, as Pagefind writes it.
    entry["languages"] = dict(sorted(languages.items()))
    # A new file renamed over the old one: never rewrite in place a file that may be hard-linked elsewhere.
    fresh = bundle / "pagefind-entry.json.tmp"
    fresh.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(fresh, entry_file)
    for wasm in bundle.glob("wasm.*.pagefind"):
        if wasm.name.split(".")[1] not in used:
            wasm.unlink()


def search_page(config: SiteConfig, site: Site, pages: PageRenderer) -> bytes:
    """Return the HTML of the search page of config's language (search/, es/search/), with its pinned results."""
    url = config.lang_prefix + SEARCH_URL
    pinned, _ = pinned_results(config, {p.slug for p in site.pages})  # problems were reported by the pipeline
    info = {}
    for entry in pinned:
        page = site.by_slug(entry.slug)
        if page is not None:
            info[entry.slug] = {"title": page.meta.title, "description": page.meta.description,
                                "url": relative_href(url, page.url)}
    _ = pages.text  # _(): pybabel extracts these strings
    return pages.render_special("search.html", url, _("Search"), _("Search %(title)s.") % {"title": config.title},
                                pinned=pinned_json(pinned, info))
