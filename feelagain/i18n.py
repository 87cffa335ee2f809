"""Interface strings in every language: gettext catalogs read with Babel, compiled in memory at build time.

Templates mark their strings with `{{ _("Key points") }}` or `{% trans %}…{% endtrans %}` (jinja2.ext.i18n);
Python marks its few with `_()`. The source strings are English. Each other language has a catalog at
locale/<code>/LC_MESSAGES/messages.po (a site's own locale/ folder wins over the bundled one, as with
templates). Catalogs are never compiled to .mo files on disk: the build reads the .po with Babel and compiles
it in memory, so neither the repository nor dist/ holds generated files.

Update the catalogs after changing strings (see docs/editing.md):
    pybabel extract -F babel.cfg -o locale/messages.pot .
    pybabel update -i locale/messages.pot -d locale
"""
from __future__ import annotations

import datetime
import gettext
import io
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .errors import BuildError, SourceLocation

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from .config import SiteConfig
    from .languages import Language

CATALOG = "messages.po"
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# Python modules whose strings readers see (contact labels of the crisis lines, the words of notes and callouts,
# the 404 and search pages' titles).
PYTHON_SOURCES = ("crisis.py", "markup.py", "search.py", "writers.py")
MISSING_HINT = ("add its msgstr to {po} (after `pybabel extract -F babel.cfg -o locale/messages.pot . && "
                "pybabel update -i locale/messages.pot -d locale`, see docs/editing.md)")


def uses_source_strings(code: str) -> bool:
    """Return True for a language whose interface strings are the source strings (English)."""
    return code == "en" or code.startswith("en-")


def catalog_path(site_dir: Path, code: str) -> tuple[Path, PurePosixPath]:
    """Return the catalog file of a language (the site's own first) and its path for messages."""
    rel = PurePosixPath("locale", code.replace("-", "_"), "LC_MESSAGES", CATALOG)
    own = site_dir / rel
    return (own if own.is_file() else PROJECT_ROOT / rel), rel


# A line of a .po file: a comment, a keyword with a quoted string, or a quoted continuation. Babel's reader
# quietly drops the last character of a value whose closing quote is missing, so the build checks lines itself.
PO_LINE = re.compile(r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")?\s*')


def _read_catalog(path: Path, rel: PurePosixPath) -> Catalog:
    from babel.messages.pofile import PoFileError, read_po

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise BuildError(SourceLocation(rel), f"the catalog cannot be read ({err})",
                         "save it as UTF-8 text") from None
    for number, po_line in enumerate(text.split("\n"), 1):
        if not PO_LINE.fullmatch(po_line):
            raise BuildError(SourceLocation(rel, number), "the catalog cannot be read: this line is not a quoted "
                             "msgid/msgstr value", 'put the text in double quotes, e.g. msgstr "Puntos clave"')
    try:
        with path.open("rb") as handle:
            return read_po(handle, abort_invalid=True)
    except PoFileError as err:
        line = err.lineno if isinstance(err.lineno, int) else None
        raise BuildError(SourceLocation(rel, line), f"the catalog cannot be read: {err}",
                         "fix the quoting on this line (msgid and msgstr values are in double quotes)") from None
    except OSError as err:
        raise BuildError(SourceLocation(rel), f"the catalog cannot be read ({err.strerror})",
                         "check that the file exists and is readable") from None


@lru_cache(maxsize=16)
def _compiled(path: Path, mtime: float) -> gettext.GNUTranslations:
    """Return the catalog at path compiled in memory (cached per file version)."""
    from babel.messages.mofile import write_mo

    catalog = _read_catalog(path, PurePosixPath(path.name))
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is a guess, not a translation
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def translations(site_dir: Path, code: str) -> gettext.NullTranslations:
    """Return the gettext translations of a language (the source strings for English or without a catalog)."""
    if uses_source_strings(code):
        return gettext.NullTranslations()
    path, _ = catalog_path(site_dir, code)
    if not path.is_file():
        return gettext.NullTranslations()
    try:
        return _compiled(path, path.stat().st_mtime)
    except BuildError:
        return gettext.NullTranslations()  # check_catalogs reports it with its line


def template_files(config: SiteConfig) -> list[tuple[Path, PurePosixPath]]:
    """Return every template (the site's own hiding bundled ones of the same name) with its display path."""
    seen: dict[str, tuple[Path, PurePosixPath]] = {}
    for folder in config.template_dirs:
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if name not in seen:
                shown = "templates/" + name
                seen[name] = (path, PurePosixPath(shown))
    return list(seen.values())


def used_messages(config: SiteConfig) -> list[tuple[str, PurePosixPath, int]]:
    """Return (msgid, file, line) of every interface string the templates and Python code mark."""
    from babel.messages.extract import extract

    found: list[tuple[str, PurePosixPath, int]] = []
    files = [(path, shown, "jinja2.ext:babel_extract") for path, shown in template_files(config)]
    files += [(PACKAGE_DIR / name, PurePosixPath("feelagain", name), "python") for name in PYTHON_SOURCES]
    for path, shown, method in files:
        with path.open("rb") as handle:
            options = {"extensions": "jinja2.ext.i18n", "trimmed": "false"} if method != "python" else {}
            for line, message, _comments, _context in extract(method, handle, options=options):
                msgid = message[0] if isinstance(message, (tuple, list)) else message
                if msgid:
                    found.append((msgid, shown, line))
    return found


def check_catalogs(config: SiteConfig, languages: Iterable[Language]) -> tuple[list[BuildError], list[BuildError]]:
    """Return (errors, warnings): unreadable catalogs, and every used string a language has no translation for.

    A missing translation is a warning, so a draft builds (the string shows in English); `--strict` fails.
    """
    errors: list[BuildError] = []
    warnings: list[BuildError] = []
    wanted = [lang for lang in languages if not uses_source_strings(lang.code)]
    if not wanted:
        return errors, warnings
    used = used_messages(config)
    for lang in wanted:
        path, rel = catalog_path(config.site_dir, lang.code)
        if not path.is_file():
            warnings.append(BuildError(SourceLocation(rel), f'there is no catalog for language "{lang.code}"',
                                       f"create it: pybabel init -i locale/messages.pot -d locale -l {lang.code}",
                                       rule="catalog"))
            continue
        try:
            catalog = _read_catalog(path, rel)
        except BuildError as err:
            errors.append(err)
            continue
        reported: set[str] = set()
        for msgid, shown, line in used:
            entry = catalog.get(msgid)
            translated = entry.string if entry is not None else None
            ok = (entry is not None and not entry.fuzzy and bool(translated)
                  and (isinstance(translated, str) or all(translated or ())))
            if not ok and msgid not in reported:
                reported.add(msgid)
                warnings.append(BuildError(SourceLocation(shown, line),
                                           f'"{msgid[:60]}" has no {lang.name} translation',
                                           MISSING_HINT.format(po=rel), rule="catalog"))
    return errors, warnings


def install(env: object, code: str, site_dir: Path) -> Callable[[str], str]:
    """Install a language's gettext callables into a Jinja environment; return its gettext for Python use."""
    from jinja2 import pass_context

    trans = translations(site_dir, code)
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    # Every page asks for the same few dozen strings (34 calls per page), and Jinja's wrapper escapes and
    # formats each one every time: remember what a string without values gave (the catalog is fixed for the
    # environment's life).
    globals_ = env.globals  # type: ignore[attr-defined]
    plain = globals_["gettext"]
    known: dict[tuple[str, bool], Any] = {}

    @pass_context
    def gettext(context: Any, string: str, /, **variables: Any) -> Any:
        if variables:
            return plain(context, string, **variables)
        key = (string, bool(context.eval_ctx.autoescape))
        text = known.get(key)
        if text is None:
            text = known[key] = plain(context, string)
        return text
    globals_["gettext"] = gettext
    globals_["_"] = gettext  # the extension's _ looks gettext up again on every call
    return trans.gettext


ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


def _known_locale(locale: str) -> bool:
    from babel.localedata import exists

    return exists(locale)


def format_long_date(code: str) -> Callable[[datetime.date], str]:
    """Return a filter that writes a date as '29 November 2026' / '29 de noviembre de 2026' (Babel, CLDR data)."""
    locale = code.replace("-", "_")
    pattern = "d MMMM y" if uses_source_strings(code) else "long"
    # English, the source language, is the common case: its dates are written here without loading Babel's
    # locale data (50 ms on every build that renders a page). Only for locales CLDR knows, as Babel would.
    english = code == "en" or (uses_source_strings(code) and _known_locale(locale))
    # A site has a few dozen distinct dates but shows them thousands of times (the print page shows three per
    # page), and Babel parses the pattern on every call: remember each date's text.
    known: dict[datetime.date, str] = {}

    def longdate(value: datetime.date) -> str:
        text = known.get(value) if type(value) is datetime.date else None
        if text is None and english:
            text = f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"
        if text is None:
            from babel import UnknownLocaleError
            from babel.dates import format_date

            try:
                text = format_date(value, pattern, locale=locale)
            except (UnknownLocaleError, ValueError):  # a language CLDR does not know: the ISO date is still right
                text = value.isoformat()
            if type(value) is datetime.date:
                known[value] = text
        return text
    return longdate
