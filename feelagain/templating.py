"""Jinja2 rendering: one Environment, templates compiled once, Jinja errors mapped to template:line."""
from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from .config import PROJECT_ROOT, SiteConfig
from .errors import BuildError, SourceLocation, did_you_mean

# Objects templates see under a name (Jinja's messages call them by their Python class).
VIEW_NAMES = {"feelagain.pages.PageView": "page"}
EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")


def make_environment(config: SiteConfig) -> jinja2.Environment:
    """Return the Jinja2 environment: site templates first, then the bundled ones; strict about typos."""
    loader = jinja2.FileSystemLoader([str(p) for p in config.template_dirs])
    # Compiling templates costs more than rendering all pages of a small site; keep the bytecode between builds.
    # Jinja keys it by template name and checks the source's checksum, so an edited template is recompiled.
    bytecode = None
    try:
        folder = config.cache_dir / "jinja"
        folder.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(folder))
    except OSError:
        pass  # read-only site folder: compile every time
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             auto_reload=False, cache_size=-1, bytecode_cache=bytecode,
                             extensions=["jinja2.ext.i18n"])
    from .i18n import format_long_date, install

    install(env, config.language, config.site_dir)  # _() and {% trans %} in this config's language
    env.filters["isodate"] = lambda d: d.isoformat()
    # |tojson keeps "ó" as it is (fewer bytes than \u00f3); it still escapes < > & ' so a value cannot end a tag.
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    env.filters["longdate"] = format_long_date(config.language)
    return env


def _display_path(filename: str, config: SiteConfig) -> PurePosixPath:
    path = Path(filename).resolve()
    for root in (config.site_dir.resolve(), PROJECT_ROOT):
        if path.is_relative_to(root):
            return PurePosixPath(path.relative_to(root).as_posix())
    return PurePosixPath(path.name)


def _undecodable_template(config: SiteConfig) -> BuildError | None:
    """Return the error for the first template file that is not UTF-8 (Jinja's error does not name it)."""
    for folder in config.template_dirs:
        for path in sorted(folder.rglob("*.html")):
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as err:
                return BuildError(SourceLocation(_display_path(str(path), config), data[:err.start].count(b"\n") + 1),
                                  "is not UTF-8 text", "save the file with UTF-8 encoding")
    return None


def template_error(exc: Exception, config: SiteConfig, name: str) -> BuildError:
    """Return the BuildError for a Jinja exception, pointing at the template line that caused it."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = _display_path(exc.filename, config) if exc.filename else PurePosixPath("templates", exc.name or name)
        return BuildError(SourceLocation(where, exc.lineno), f"template syntax error: {exc.message}",
                          "check the {% %} and {{ }} tags on this line")
    if isinstance(exc, UnicodeDecodeError):  # raised while loading some template: name the file, not the page's
        bad = _undecodable_template(config)
        if bad is not None:
            return bad
    if isinstance(exc, jinja2.TemplateNotFound):
        return BuildError(SourceLocation(PurePosixPath("templates", name)), f'template "{exc.name}" not found',
                          "create it in templates/, or fix the name (front matter 'template:' or an include)")
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(f.filename.startswith(str(d.resolve())) for d in config.template_dirs)]
    if frames:
        frame = frames[-1]
        loc = SourceLocation(_display_path(frame.filename, config), frame.lineno)
    else:
        loc = SourceLocation(PurePosixPath("templates", name))
    message = str(getattr(exc, "message", None) or exc)
    for shown, name in VIEW_NAMES.items():  # Jinja names the Python class; the editor knows the template name
        message = message.replace(f"'{shown} object'", f"'{name}'")
    hint = "check the variable names against docs/design.md"
    if isinstance(exc, jinja2.UndefinedError) and "has no attribute" in message:
        attr = message.rsplit("'", 2)[-2] if message.count("'") >= 4 else ""
        guess = did_you_mean(attr, ["title", "description", "summary", "reviewed", "next_review", "sources",
                                    "body", "toc", "canonical", "slug", "href", "name", "lines", "contacts"])
        hint = guess or hint
    return BuildError(loc, f"template error: {message}", hint)


class Renderer:
    """Renders named templates with a shared environment, turning Jinja errors into BuildErrors."""

    def __init__(self, config: SiteConfig, debug: bool = False) -> None:
        self.config, self.debug = config, debug
        self.env = make_environment(config)
        self._templates: dict[str, jinja2.Template] = {}
        self._splice_crisis_block()

    def _splice_crisis_block(self) -> None:
        """Render the bundled crisis block once per distinct help link, then splice it into every page.

        It is identical on every page and embed but for the relative link to the help page, and rendering it
        again per page was the most expensive part of a page template. Only the bundled partial (and its
        macros) is known to read nothing but `crisis`; a site's own version is rendered per page as before.
        """
        try:
            partial = self.env.get_template("partials/crisis.html")
            macros = self.env.get_template("partials/macros.html")
        except (jinja2.TemplateError, UnicodeDecodeError, OSError):
            return  # reported with the page that includes it
        bundled = (PROJECT_ROOT / "templates").resolve()
        if not all(t.filename and Path(t.filename).resolve().is_relative_to(bundled) for t in (partial, macros)):
            return
        render = partial.root_render_func
        done: dict[tuple[tuple[str, object], ...], tuple[object, list[str]]] = {}

        def spliced(context: Any) -> Any:
            crisis = context.get("crisis")
            if not isinstance(crisis, dict) or "regions" not in crisis:
                yield from render(context)
                return
            # The regions are one object for the whole build; the other fields (default region, help link…) are
            # plain values that differ by page depth.
            key = tuple(sorted((k, id(v) if k == "regions" else repr(v)) for k, v in crisis.items()))
            if key not in done:  # the regions object is kept alive with the entry, so its id stays unique
                done[key] = (crisis["regions"], list(render(context)))
            yield from done[key][1]
        partial.root_render_func = spliced

    def template(self, name: str) -> jinja2.Template:
        """Return a compiled template (compiled once per build)."""
        if name not in self._templates:
            try:
                self._templates[name] = self.env.get_template(name)
            except jinja2.TemplateError as exc:
                raise template_error(exc, self.config, name) from None
        return self._templates[name]

    def render(self, name: str, context: dict[str, Any]) -> str:
        """Return the rendered template."""
        template = self.template(name)
        with self._errors_named(name):
            return template.render(context)

    def generate(self, name: str, context: dict[str, Any]) -> Iterator[str]:
        """Yield the rendered template in pieces as it is filled (for pages too large to hold whole)."""
        template = self.template(name)
        with self._errors_named(name):
            yield from template.generate(context)

    @contextmanager
    def _errors_named(self, name: str) -> Iterator[None]:
        """Turn an error while filling the template into one that names it (template:line)."""
        try:
            yield
        except jinja2.TemplateError as exc:
            raise template_error(exc, self.config, name) from None
        except Exception as exc:  # a template bug (e.g. a filter on the wrong type), not an engine crash
            if self.debug:  # --debug: show the template bug's own traceback
                raise
            raise template_error(exc, self.config, name) from None

    def base_of(self, name: str) -> tuple[str, PurePosixPath]:
        """Return the template at the root of name's {% extends %} chain, by name and by site path."""
        seen = [name]
        loader = self.env.loader
        assert loader is not None, "make_environment always sets a loader"
        while len(seen) < 20:
            try:
                source = loader.get_source(self.env, seen[-1])[0]
            except jinja2.TemplateNotFound:
                break
            match = EXTENDS.search(source)
            if not match or match.group(1) in seen:
                break
            seen.append(match.group(1))
        root = seen[-1]
        filename = self.template(root).filename
        return root, _display_path(filename, self.config) if filename else PurePosixPath("templates", root)

    def source_files(self) -> list[Path]:
        """Return every template file, whatever its extension (for the render cache key).

        Not only *.html: templates/sw.js is a template too, and an edit to it must reach the next build. Not an
        editor's hidden, swap or backup files (.x.swp, .DS_Store, #x#, x~): no template uses them, and an
        autosave would otherwise throw the whole render cache away.
        """
        files: list[Path] = []
        for folder in self.config.template_dirs:
            files += sorted(p for p in folder.rglob("*") if p.is_file() and not _editor_litter(p.relative_to(folder)))
        return files


def _editor_litter(path: Path) -> bool:
    """Whether a path under templates/ is hidden (in any part) or an editor's backup or lock file."""
    return any(part.startswith((".", "#")) for part in path.parts) or path.name.endswith("~")


def asset_function(root: str, assets: dict[str, PurePosixPath]) -> Callable[[str], str]:
    """Return asset(name) for one page: the fingerprinted URL relative to that page."""
    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.UndefinedError(f"no asset named '{name}' in assets/")
        return f"{root}{assets[name]}"
    return asset
