"""Site configuration: content/site.yml as a frozen, validated SiteConfig."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .discover import read_text_file
from .errors import BuildError, BuildFailed, Problems, SourceLocation, did_you_mean
from .languages import Language, default_languages, parse_languages
from .lint import BUILD_CHECKS, RULE_IDS, LintSettings
from .schema import Field, check_mapping, is_bool, is_https_url, is_slug, is_text, type_name
from .yamlfile import LineMap, parse_yaml

# The templates and assets that ship with the engine; a site folder may override any file.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = PurePosixPath("content/site.yml")


@dataclass(frozen=True)
class SiteConfig:
    """Everything the build needs to know about one site."""

    title: str
    base_url: str
    language: str
    organisation: str
    licence_name: str
    licence_url: str
    default_region: str
    exit_url: str
    site_dir: Path
    output_dir: Path
    tagline: str = ""
    nav: tuple[str, ...] = ()
    help_page: str = "get-help"
    guess_region: bool = True
    lint: LintSettings = field(default_factory=LintSettings)
    frame_ancestors: tuple[str, ...] = ("*",)
    search: dict[str, Any] = field(default_factory=dict)  # checked by search.pinned_results
    strict: bool = False
    dev_script: str | None = None
    lines: LineMap = field(default_factory=lambda: LineMap(1), compare=False, repr=False)
    languages: tuple[Language, ...] = ()  # the first is the default; empty means English only, as before
    lang_prefix: str = ""  # '' for the default language, 'es/' for the config of another language's pages
    content_subdir: str = ""  # '' for the default language, 'es' for the config of another language's pages

    @property
    def content_dir(self) -> Path:
        """Folder of this language's Markdown sources (site.yml and crisis.yml live in the default one)."""
        return self.site_dir / "content" / self.content_subdir if self.content_subdir else self.site_dir / "content"

    @property
    def all_languages(self) -> tuple[Language, ...]:
        """Every language of the site, the default first (one language when site.yml lists none)."""
        return self.languages or default_languages(self.language, {
            "default_region": self.default_region, "exit_url": self.exit_url, "help_page": self.help_page,
            "nav": list(self.nav)})

    @property
    def language_prefixes(self) -> tuple[str, ...]:
        """The URL prefixes of the site's languages other than the default ('es/')."""
        return tuple(lang.prefix for lang in self.all_languages if lang.prefix)

    @property
    def current_language(self) -> Language:
        """The language this config's pages are in."""
        return next((lang for lang in self.all_languages if lang.code == self.language), self.all_languages[0])

    def for_language(self, lang: Language) -> SiteConfig:
        """Return the config of one language's pages: its region, exit URL, help page, nav and folders."""
        import dataclasses

        lint = dataclasses.replace(self.lint, help_slug=lang.help_page, language=lang.code.split("-")[0])
        return dataclasses.replace(self, language=lang.code, default_region=lang.default_region, lint=lint,
                                   exit_url=lang.exit_url, help_page=lang.help_page, nav=lang.nav,
                                   lang_prefix=lang.prefix, content_subdir=lang.content_subdir,
                                   tagline=lang.tagline if lang.tagline is not None else self.tagline)

    def setting_lines(self, key: str) -> LineMap:
        """Return the site.yml lines of this language's setting key (nav, help_page…): its own entry in
        `languages` when that sets key, else the top-level key; else the language's entry (or the file's top)."""
        return self._setting(key)[0]

    def setting_line(self, key: str) -> int | None:
        """Return the site.yml line where this language's setting key is written, or None (a default applies)."""
        node, written = self._setting(key)
        return node.line if written else None

    def _setting(self, key: str) -> tuple[LineMap, bool]:
        entry = self._language_entry()
        if entry is not None and key in entry.entries():
            return entry.entries()[key], True
        top = self.lines.entries().get(key)
        # Only the default language takes the top-level nav; every language falls back to the other keys.
        if top is not None and not (key == "nav" and self.lang_prefix):
            return top, True
        return (entry if entry is not None else self.lines), False

    def _language_entry(self) -> LineMap | None:
        """Return the site.yml lines of this language's entry in `languages` (None without languages)."""
        codes = [lang.code for lang in self.languages]
        node = self.lines.child("languages")
        if self.language not in codes or not isinstance(node.children, list):
            return None
        return node.child(codes.index(self.language))

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Template folders, the site's own first so it can override the bundled ones."""
        return _unique((self.site_dir / "templates", PROJECT_ROOT / "templates"))

    @property
    def asset_dirs(self) -> tuple[Path, ...]:
        """Asset folders, bundled first so the site's own files replace same-named ones."""
        return _unique((PROJECT_ROOT / "assets", self.site_dir / "assets"))

    @property
    def cache_dir(self) -> Path:
        """Folder of the render cache (safe to delete)."""
        return self.site_dir / ".feelagain-cache"


def _unique(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    seen: list[Path] = []
    for path in paths:
        if path.is_dir() and path.resolve() not in [p.resolve() for p in seen]:
            seen.append(path)
    return tuple(seen)


def is_base_url(value: Any) -> str | None:
    """An absolute http(s) URL of the site's root folder, ending with '/', safe to put in HTML, JSON and text files.

    The value lands in oEmbed HTML, the embed guide's snippets and robots.txt: a quote, '<' or a newline there
    would let site.yml inject markup into clinics' pages, so only plain addresses are accepted.
    """
    if is_text(value):
        return is_text(value)
    if re.search(r"[\s\"'<>`\\{}|^]|[\x00-\x1f\x7f]", value):
        return "should be a plain web address without spaces, quotes or < >"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or not value.lower().startswith(("http://", "https://")):
        return "should be a full address starting with https://"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "should not hold a user name or password"
    if parts.query or parts.fragment or "?" in value or "#" in value or not value.endswith("/"):
        return "should end with '/' and have no '?' or '#' part"
    try:
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "has a port that is not a number"
    return None


def is_language(value: Any) -> str | None:
    """A BCP 47 language tag."""
    if is_text(value):
        return is_text(value)
    return None if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", value) else "should be a language tag like en or en-GB"


def is_slug_list(value: Any) -> str | None:
    """A list of page slugs."""
    if not isinstance(value, list):
        return "should be a list of page names"
    bad = [v for v in value if is_slug(v)]
    return f"has an entry that is not a page name: {bad[0]!r}" if bad else None


def is_mapping(value: Any) -> str | None:
    """A mapping (checked by its own section)."""
    return None if isinstance(value, dict) else "should be a set of 'key: value' lines"


SITE_FIELDS = (
    Field("title", is_text, "the site name", required=True),
    Field("tagline", is_text, "a short line under the site name"),
    Field("base_url", is_base_url, "the public address of the site, e.g. https://example.org/numbness/",
          required=True, hint='write the full address ending in "/", e.g. base_url: https://example.org/'),
    Field("language", is_language, "language tag, e.g. en"),
    Field("organisation", is_text, "who publishes the site", required=True),
    Field("licence", is_mapping, "{name, url} of the content licence", required=True),
    Field("default_region", is_slug, "crisis region shown by default, e.g. uk", required=True),
    Field("exit_url", is_https_url, "where 'Leave this site' goes", required=True),
    Field("nav", is_slug_list, "page names in navigation order"),
    Field("help_page", is_slug, "page name of the crisis help page"),
    Field("guess_region", is_bool, "guess the reader's crisis region from the device's time zone (true or false)"),
    Field("lint", is_mapping, "content linter settings"),
    Field("embed", is_mapping, "embedding settings"),
    Field("search", is_mapping, "site search settings, e.g. pinned results"),
    Field("languages", lambda v: None, "the languages, the default first: [{code, name, default_region, exit_url, help_page, nav, tagline, search}]"),
)
LICENCE_FIELDS = (
    Field("name", is_text, "licence name, e.g. CC BY-SA 4.0", required=True),
    Field("url", is_https_url, "link to the licence text", required=True),
)


def _is_origin_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "should be a list of origins"
    bad = [v for v in value if not re.fullmatch(r"\*|'self'|https://[a-z0-9.-]+(:\d+)?", v)]
    return f"has an entry that is not an origin: {bad[0]!r}" if bad else None


EMBED_FIELDS = (Field("frame_ancestors", _is_origin_list, "origins allowed to frame /embed/ pages, or ['*']"),)


def is_number_from(low: int, high: int, whole: bool) -> Callable[[Any], str | None]:
    """A number from low to high (a whole number when whole), never NaN or infinite."""
    what = "a whole number" if whole else "a number"

    def check(value: Any) -> str | None:
        ok = isinstance(value, int if whole else (int, float)) and not isinstance(value, bool)
        # NaN compares false with everything and inf is above any limit: either would switch a check off silently.
        if not ok or not math.isfinite(value) or not low <= value <= high:
            return f"should be {what} from {low} to {high} but is {type_name(value) if not ok else value}"
        return None
    return check


def is_rule_list(value: Any) -> str | None:
    """A list of lint rule ids."""
    if not isinstance(value, list):
        return f"should be a list of rule ids but is {type_name(value)}"
    for item in value:
        if item in BUILD_CHECKS:
            return f'lists "{item}", which the linter cannot turn off: {BUILD_CHECKS[item]}'
        if item not in RULE_IDS:
            guess = did_you_mean(str(item), RULE_IDS)
            return f"lists an unknown rule {item!r}" + (f" ({guess})" if guess else "")
    return None


LINT_FIELDS = (
    Field("max_grade", is_number_from(1, 30, whole=False), "the highest reading grade of a page",
          hint='write e.g. "max_grade: 8.0"'),
    Field("max_paragraph_grade", is_number_from(1, 30, whole=False), "the highest reading grade of a paragraph",
          hint='write e.g. "max_paragraph_grade: 10.0"'),
    Field("max_sentence_words", is_number_from(1, 200, whole=True), "the most words in a sentence",
          hint='write e.g. "max_sentence_words: 25"'),
    Field("max_paragraph_sentences", is_number_from(1, 100, whole=True), "the most sentences in a paragraph",
          hint='write e.g. "max_paragraph_sentences: 5"'),
    Field("min_sources", is_number_from(0, 50, whole=True), "the fewest sources a page may name",
          hint='write e.g. "min_sources: 2"'),
    Field("min_reading_ease", is_number_from(0, 120, whole=False),
          "Spanish pages: the lowest Szigriszt-Pazos reading ease of a page", hint='write e.g. "min_reading_ease: 65"'),
    Field("min_paragraph_ease", is_number_from(0, 120, whole=False),
          "Spanish pages: the lowest reading ease of a paragraph", hint='write e.g. "min_paragraph_ease: 50"'),
    Field("disabled", is_rule_list, "lint rules to turn off",
          hint="write e.g. \"disabled: [grade-paragraph]\"; the rules are " + ", ".join(RULE_IDS)),
)


def lint_settings(good: dict[str, Any], help_page: str) -> LintSettings:
    """Return the linter's settings from the checked `lint:` values; the help page is site.yml's help_page."""
    values: dict[str, Any] = {key: float(value) if isinstance(LintSettings.__dataclass_fields__[key].default, float)
                              else value for key, value in good.items() if key != "disabled"}
    return LintSettings(**values, help_slug=help_page, disabled=frozenset(good.get("disabled", ())))


def _crisis_errors(site_dir: Path, default_region: str | None, default_line: int | None = None) -> list[BuildError]:
    """Return the errors of crisis.yml (checked here only when site.yml has errors of its own)."""
    import datetime

    from .crisis import load_crisis

    problems = Problems()
    load_crisis(site_dir, default_region or "", default_line, problems, datetime.date.today())
    return problems.errors


def load_config(site_dir: Path, output_dir: Path | None = None, *, strict: bool = False,
                dev_script: str | None = None) -> SiteConfig:
    """Read and validate content/site.yml; raise BuildFailed listing every problem."""
    loc = SourceLocation(CONFIG_PATH)
    path = site_dir / CONFIG_PATH
    if not path.exists() and not path.is_symlink():
        raise BuildFailed([BuildError(loc, "site.yml is missing",
                                      f"create {CONFIG_PATH} with title, base_url and the other settings")])
    try:
        raw, lines = parse_yaml(read_text_file(path, loc), loc)
    except BuildError as err:
        raise BuildFailed([err, *_crisis_errors(site_dir, None)]) from None
    good, errors = check_mapping(raw if raw is not None else {}, SITE_FIELDS, loc, lines, "site.yml")
    sub: dict[str, dict[str, Any]] = {}
    if isinstance(good.get("lint"), dict) and "help_slug" in good["lint"]:  # the help page has one definition
        errors.append(BuildError(loc.at(lines.child("lint").at("help_slug")), '"help_slug" is not a lint setting',
                                 "set help_page at the top of site.yml: the linter, footer and manifest all use it"))
        good["lint"] = {k: v for k, v in good["lint"].items() if k != "help_slug"}
    for key, fields in (("licence", LICENCE_FIELDS), ("embed", EMBED_FIELDS), ("lint", LINT_FIELDS)):
        if key in good:
            sub[key], sub_errors = check_mapping(good[key], fields, loc, lines.child(key), f"site.yml {key}")
            errors.extend(sub_errors)
    languages: tuple[Language, ...] = ()
    if "languages" in good:
        languages, language_errors = parse_languages(good["languages"], lines, good)
        errors.extend(language_errors)
    if errors:  # report crisis.yml's problems in the same run, so editors fix both files at once
        raise BuildFailed(errors + _crisis_errors(site_dir, good.get("default_region"), lines.at("default_region")))
    config = SiteConfig(
        title=good["title"], tagline=good.get("tagline", ""), base_url=good["base_url"],
        language=languages[0].code if languages else good.get("language", "en"), organisation=good["organisation"],
        licence_name=sub["licence"]["name"], licence_url=sub["licence"]["url"],
        default_region=good["default_region"], exit_url=good["exit_url"],
        nav=tuple(good.get("nav", ())), help_page=good.get("help_page", "get-help"),
        guess_region=good.get("guess_region", True),
        lint=lint_settings(sub.get("lint", {}), good.get("help_page", "get-help")), search=good.get("search", {}), frame_ancestors=tuple(sub.get("embed", {}).get("frame_ancestors", ["*"])),
        site_dir=site_dir, output_dir=output_dir or site_dir / "dist", strict=strict,
        dev_script=dev_script, lines=lines, languages=languages)
    return config.for_language(languages[0]) if languages else config


def input_folders(site_dir: Path) -> list[Path]:
    """Return the folders a build reads: the site's content/, templates/, assets/ and locale/, then the bundled ones."""
    candidates = [site_dir / "content", site_dir / "templates", site_dir / "assets", site_dir / "locale",
                  PROJECT_ROOT / "templates", PROJECT_ROOT / "assets", PROJECT_ROOT / "locale"]
    unique: list[Path] = []
    for folder in candidates:
        if folder.resolve() not in [f.resolve() for f in unique]:
            unique.append(folder)
    return unique
