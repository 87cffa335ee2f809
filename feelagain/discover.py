"""Find and read the content files: the only place that reads Markdown sources from disk."""
from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import BuildError, Problems, SourceLocation
from .frozen import by_fields

# A page name (slug): the one definition, used for file names, site.yml and the content-API schema.
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG = 80  # characters of a page name that `new` makes from a title (file names have a length limit)
MAX_BYTES = 2 * 1024 * 1024  # a page bigger than this is a paste accident, not an article
# Page names whose address the site's own files use.
SITE_FILES = frozenset({"assets", "embed", "api", "oembed", "404", "sitemap", "robots", "feelagain"})
# Pages the build makes itself in every language (search.py, printbook.py, offline.py): /search/, /es/search/…
GENERATED_SLUGS = frozenset({"search", "print", "offline"})
# Every page name no content file may have (besides the codes of the site's other languages: reserved_name).
RESERVED = SITE_FILES | GENERATED_SLUGS


def reserved_name(stem: str, lang_prefix: str = "", others: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """Return (problem, hint) when a page may not be called stem, else None.

    lang_prefix is the URL prefix of the page's language ('es/'); others maps the codes of the site's other
    languages to their names: their pages live at /<code>/, so a page of the default language cannot.
    """
    if stem in SITE_FILES:
        return f'the page name "{stem}" is used by the site\'s own files', f"rename it, e.g. to {stem}-page.md"
    if stem in GENERATED_SLUGS:
        return (f'the page name "{stem}" is taken by the generated /{lang_prefix}{stem}/ page',
                "rename the file (and its entry in nav)")
    if not lang_prefix and others and stem in others:
        return (f'the page name "{stem}" is the address of the {others[stem]} pages (/{stem}/)',
                f"rename it, e.g. to {stem}-page.md")
    return None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Markdown file's text and where it came from."""

    __reduce__ = by_fields  # pickled as a call of the class (frozen.py)

    rel_path: PurePosixPath  # e.g. content/causes.md
    slug: str
    text: str
    parsed: Any = None  # what an earlier build made of this unchanged file (then text is not read: "")
    path: Path | None = None  # the file, when its text is left for the reader to read (read_sources(defer=True))


def slug_for(name: str) -> str:
    """Return the slug of a file name (causes.md → causes)."""
    return name[:-3] if name.endswith(".md") else name


def suggest_slug(stem: str) -> str:
    """Return a valid slug close to a file name that is not one."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "page"


def read_text_file(path: Path, loc: SourceLocation) -> str:
    """Return a file's text as UTF-8 with '\\n' line ends; raise BuildError when unreadable."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below as no regular file.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise BuildError(loc, "cannot be read (permission denied)", "check the file's permissions, e.g. chmod a+r") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BuildError(loc, "is a link in a loop (it never reaches a file)",
                             "replace the link with the file") from None
        raise BuildError(loc, f"cannot be read ({exc.strerror})", "check that the file exists and is a normal file") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise BuildError(loc, "cannot be read (Is a directory)", "check that the file exists and is a normal file")
        raise BuildError(loc, "is not a regular file", "pages must be normal files; remove it or save it as a file")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > MAX_BYTES:
            raise BuildError(loc, f"is {info.st_size / 1e6:.1f} MB, more than the {MAX_BYTES // 1024 // 1024} MB a page may be",
                             "split it into smaller pages")
        try:
            data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise BuildError(loc, f"cannot be read ({exc.strerror})", "check that the file exists and is a normal file") from None
    if len(data) > MAX_BYTES:
        raise BuildError(loc, f"is {len(data) / 1e6:.1f} MB, more than the {MAX_BYTES // 1024 // 1024} MB a page may be",
                         "split it into smaller pages")
    try:
        text = data.decode("utf-8-sig")  # -sig drops a byte-order mark that some editors add
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise BuildError(loc.at(line), "is not UTF-8 text", "save the file with UTF-8 encoding") from None
    if "\x00" in text:
        raise BuildError(loc.at(text.count("\n", 0, text.index("\x00")) + 1), "contains NUL bytes, so it is not a text file",
                         "save it again as plain UTF-8 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_text(source: SourceFile) -> str:
    """Return a source's text, reading it now when read_sources left it unread; raise BuildError when unreadable."""
    return read_text_file(source.path, SourceLocation(source.rel_path)) if source.path is not None else source.text


# Extensions of Markdown files that are not pages (only .md is): a warning says so instead of a silent skip.
MARKDOWN_LIKE = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn", ".mdtxt", ".mdtext", ".md.txt")
MAX_STRAYS = 100  # Markdown files in sub-folders reported at most (a copied-in folder could hold thousands)


def _strays(folder: Path) -> list[Path]:
    """Return the Markdown files anywhere under folder (hidden files and folders skipped), at most MAX_STRAYS."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, f) for f in sorted(files)
                  if not f.startswith(".") and f.lower().endswith((".md", *MARKDOWN_LIKE))]
        if len(found) >= MAX_STRAYS:
            return found[:MAX_STRAYS]
    return found


def _is_language_code(name: str) -> bool:
    """Return True when a folder name is a language's code that Babel knows (es, pt-BR), not e.g. "sub"."""
    if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", name):
        return False
    from babel import localedata

    return bool(localedata.exists(name.replace("-", "_")))


def _not_pages(entry: os.DirEntry[str], rel_dir: str, languages: Collection[str], problems: Problems) -> None:
    """Warn about Markdown that is no page: a .markdown (or similar) file, or .md files in a sub-folder that is
    not a language's folder. Left silent, an editor would wonder why the page never appears."""
    where = f"{rel_dir}/"
    if entry.is_dir(follow_symlinks=False):
        if entry.name in languages:
            return
        language_like = rel_dir == "content" and _is_language_code(entry.name)
        hint = f"move it into {where}" + (f", or add {entry.name} to languages in site.yml" if language_like else "")
        for path in _strays(Path(entry.path)):
            rel = PurePosixPath(rel_dir, entry.name, *path.relative_to(entry.path).parts)
            problems.warn(BuildError(SourceLocation(rel), f"not a page: pages are .md files directly in {where}",
                                     hint, rule="not-a-page"))
    elif entry.name.lower().endswith(MARKDOWN_LIKE):
        extension = next(e for e in MARKDOWN_LIKE if entry.name.lower().endswith(e))
        stem = entry.name[:-len(extension)]
        problems.warn(BuildError(SourceLocation(PurePosixPath(rel_dir, entry.name)),
                                 f"not a page: pages are .md files directly in {where}",
                                 f"rename it to {stem}.md", rule="not-a-page"))


def read_sources(content_dir: Path, problems: Problems, rel_dir: str = "content",
                 known: Callable[[PurePosixPath, Path], Any] | None = None, defer: bool = False,
                 languages: Collection[str] = ()) -> list[SourceFile]:
    """Return every content/*.md file (rel_dir/*.md for another language), sorted by name; record problems.

    known(rel_path, path), if given, returns what an earlier build parsed from the file when it has not
    changed since (or None); such a file is not read again. defer=True leaves every text unread (its path
    set instead), for a reader that reads one file at a time: a large site's texts need not all be in
    memory at once. languages names the sub-folders that hold other languages' pages; Markdown anywhere
    else that is not a page gets a warning.
    """
    sources: list[SourceFile] = []
    if not content_dir.is_dir():
        problems.add(BuildError(SourceLocation(PurePosixPath(rel_dir)), "the content folder is missing",
                                "create content/ with site.yml and your Markdown pages"))
        return sources
    real_root = content_dir.resolve()
    entries = sorted(os.scandir(content_dir), key=lambda e: e.name)
    by_lower: dict[str, list[str]] = {}
    for entry in entries:
        by_lower.setdefault(slug_for(entry.name).lower(), []).append(entry.name)
    for entry in entries:
        if entry.name.lower().endswith(".md") and not entry.name.endswith(".md") and not entry.name.startswith("."):
            problems.add(BuildError(SourceLocation(PurePosixPath(rel_dir, entry.name)),
                                    "the extension must be .md in lower case",
                                    f"rename it to {entry.name[:-3]}.md"))
            continue
        if entry.name.startswith("."):
            continue
        if not entry.name.endswith(".md"):
            _not_pages(entry, rel_dir, languages, problems)
            continue
        rel = PurePosixPath(rel_dir, entry.name)
        loc = SourceLocation(rel)
        path = Path(entry.path)
        try:
            outside = entry.is_symlink() and not path.resolve(strict=True).is_relative_to(real_root)
        except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13) or a dangling link
            outside = False  # read_text_file says what is wrong with it
        if outside:
            problems.add(BuildError(loc, "is a link to a file outside content/",
                                    "copy the file into content/ instead of linking to it"))
            continue
        stem = slug_for(entry.name)
        twins = [n for n in by_lower.get(stem.lower(), []) if n != entry.name and n.endswith(".md")]
        if twins:
            if SLUG.fullmatch(stem):
                continue  # reported once, on the file whose name is not a valid address
            problems.add(BuildError(loc, f"has the same page address as {rel_dir}/{twins[0]} (the names differ only in capitals)",
                                    "merge the two files, or rename this one"))
            continue
        # The generated pages' names and the language codes are checked by the pipeline, with the file kept
        # (it exists, so nav and translation_of do not report it missing as well).
        reserved = reserved_name(stem) if stem in SITE_FILES else None
        if reserved:
            problems.add(BuildError(loc, *reserved))
            continue
        if not SLUG.fullmatch(stem):
            problems.add(BuildError(loc, "the file name cannot be a web address (use lower-case letters, digits and hyphens)",
                                    f"rename it to {suggest_slug(stem)}.md"))
            continue
        parsed = known(rel, path) if known is not None else None
        if parsed is not None:
            sources.append(SourceFile(rel, stem, "", parsed))
            continue
        if defer:
            sources.append(SourceFile(rel, stem, "", path=path))
            continue
        try:
            sources.append(SourceFile(rel, stem, read_text_file(path, loc)))
        except BuildError as err:
            problems.add(err)
    return sources
