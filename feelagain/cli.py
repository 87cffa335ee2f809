"""The command line: build, check, serve and new. Content mistakes become tidy lines, never tracebacks."""
from __future__ import annotations

import argparse
import datetime
import gc
import logging
import sys
import time
from pathlib import Path

from . import fingerprint
from .config import PROJECT_ROOT, load_config
from .errors import BuildError, BuildFailed
from .report import WARNINGS_PER_RULE, display, print_problems, warning_lines
from .version import VERSION

log = logging.getLogger(__name__)



def _site_dir(value: str | None) -> Path:
    return Path(value).resolve() if value else PROJECT_ROOT


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", metavar="DIR", help="site folder with content/ (default: this project)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks (for engine bugs)")
    parser.add_argument("--verbose", action="store_true",
                        help=f"print every warning (by default, after {WARNINGS_PER_RULE} of one rule, only a count)")


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    parser = argparse.ArgumentParser(prog="feelagain", description="Build the Feel Again site from content/.")
    parser.add_argument("--version", action="version", version=f"feelagain {VERSION}")
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="build the site into dist/ (the default)")
    _common(build)
    build.add_argument("--out", metavar="DIR", help="output folder (default: SITE/dist)")
    build.add_argument("--no-cache", action="store_true", help="ignore the render cache")
    check = sub.add_parser("check", help="validate and lint everything; write nothing")
    _common(check)
    serve = sub.add_parser("serve", help="preview with live reload")
    _common(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve.add_argument("--out", metavar="DIR", help="folder to serve (default: SITE/dist)")
    new = sub.add_parser("new", help="create a new page with valid front matter")
    new.add_argument("title", help='the page title, e.g. "Sleep and numbness"')
    new.add_argument("--site", metavar="DIR", help="site folder with content/")
    new.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    return parser


class _ProgressLine:
    """A 'pages done / total' line for long builds on a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if sys.stderr.isatty() and time.perf_counter() - self.started > 2:
            print(f"\rRendering pages: {done}/{total}", end="", file=sys.stderr, flush=True)
            self.shown = True

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def run_build(args: argparse.Namespace, write: bool) -> int:
    """Build (or only check) a site; return the exit code."""
    # A build keeps many objects to its end (every page's metadata, the publish manifests): Python's cyclic
    # collector, run after every 700 new objects, would walk them again and again (a third of reading 10,000
    # pages' front matter from the cache). While it builds, the objects that existed before (the imports') are
    # left out of its walks and it runs after every 100,000; reference counting still frees everything else.
    # Both are put back afterwards, for a caller that goes on in the same process.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 20, 10)
    try:
        return _run_build(args, write)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run_build(args: argparse.Namespace, write: bool) -> int:
    from .pipeline import build

    site_dir = _site_dir(args.site)
    out = Path(args.out).resolve() if getattr(args, "out", None) else None
    out_name = display(out or site_dir / "dist")
    pending = None
    if write:  # before anything else: a build that fails or is killed must not leave the old record behind
        pending = fingerprint.start(fingerprint.Options(args.site, args.out, args.strict, args.verbose))
        from .writers import check_output_folder

        refusal = check_output_folder(out or site_dir / "dist", site_dir)
        if refusal:  # the output folder is replaced whole: never point it at someone's files
            print(refusal, file=sys.stderr)
            return 2
    progress = _ProgressLine()
    try:
        config = load_config(site_dir, out, strict=args.strict)
        result = build(config, write=write, use_cache=not getattr(args, "no_cache", False), progress=progress,
                       debug=args.debug)
    except BuildFailed as failed:
        progress.close()
        print_problems(failed, out_name if write else None, getattr(args, "verbose", False))
        return 1
    progress.close()
    lines = warning_lines(result.warnings, getattr(args, "verbose", False))
    for line in lines:
        print(line, file=sys.stderr)
    note = f" ({len(result.warnings)} warning{'s' if len(result.warnings) != 1 else ''})" if result.warnings else ""
    if write:
        if result.index is not None and getattr(args, "verbose", False):  # not in the record: only when it ran
            print(result.index.describe())
        print(f"Built {result.pages} pages in {result.seconds:.2f} s → {out_name}{note}")
        if pending is not None:  # so the next build with nothing changed can say the same at once
            fingerprint.write_record(pending, lines, (f"Built {result.pages} pages in ", f" s → {out_name}{note}"))
    else:
        print(f"Checked {result.pages} pages in {result.seconds:.2f} s: no errors{note}")
    return 0


def _clean_title(title: str) -> str:
    """Return the title on one line, without control characters (YAML and HTML titles cannot hold them)."""
    import unicodedata

    one_line = " ".join(title.split())
    return " ".join("".join(c for c in one_line if unicodedata.category(c) not in ("Cc", "Cs")).split())


def _other_languages(site_dir: Path) -> dict[str, str]:
    """Return {code: name} of the site's languages other than the default (none when site.yml cannot be read:
    the build will say what is wrong with it)."""
    try:
        config = load_config(site_dir)
    except BuildFailed:
        return {}
    return {lang.code: lang.name for lang in config.all_languages if not lang.is_default}


def run_new(args: argparse.Namespace) -> int:
    """Create content/<slug>.md with valid front matter; return the exit code."""
    import json

    from .discover import MAX_SLUG, reserved_name, suggest_slug
    from .schema import PLACEHOLDERS

    content = _site_dir(args.site) / "content"
    title = _clean_title(args.title)
    if not title:
        print('"title" is empty — give the page a title, e.g. python build.py new "Sleep and numbness"', file=sys.stderr)
        return 1
    slug = suggest_slug(title)
    if len(slug) > MAX_SLUG:  # file names have a length limit; the title keeps every word
        slug = slug[:MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG + 1] else slug[:MAX_SLUG]
    reserved = reserved_name(slug, "", _other_languages(_site_dir(args.site)))
    if reserved:  # the same words as the build's error for such a file
        print(f'content/{slug}.md: {reserved[0]} — choose another title, e.g. "{title} page"', file=sys.stderr)
        return 1
    if content.exists() and not content.is_dir():
        print("content: is a file, not a folder — move it away and create a content/ folder for your pages",
              file=sys.stderr)
        return 1
    path = content / f"{slug}.md"
    if path.exists():
        print(f"content/{slug}.md already exists — choose another title or edit that file", file=sys.stderr)
        return 1
    today = datetime.date.today()
    try:
        next_year = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        next_year = today + datetime.timedelta(days=365)
    description, key_point, body = PLACEHOLDERS
    try:
        content.mkdir(parents=True, exist_ok=True)
        # JSON strings are valid YAML double-quoted scalars: backslashes and quotes arrive as typed.
        path.write_text(
            f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndescription: \"{description}\"\n"
            f"reviewed: {today.isoformat()}\nnext_review: {next_year.isoformat()}\n"
            f"summary:\n  - {key_point}\nsources: []  # add at least 2: {{publisher: …, title: …, url: https://…}}\n"
            f"---\n\n## First section\n\n{body}\n", encoding="utf-8")
    except OSError as exc:
        print(f"content/{slug}.md: cannot be written ({exc.strerror}) — check that content/ is a folder you can write to",
              file=sys.stderr)
        return 1
    print(f"Created content/{slug}.md — add it to nav in content/site.yml to show it in the navigation")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 content errors, 2 usage errors)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["build", *argv]
    args = make_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.command == "serve":
            from .serve import serve

            return serve(args)
        if args.command == "new":
            return run_new(args)
        return run_build(args, write=args.command == "build")
    except KeyboardInterrupt:
        return 130
    except BuildError as err:  # a problem found outside a collecting stage
        print(err, file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        from .deps import missing_package

        if missing_package(exc):
            raise  # a required package is missing, not a bug: deps.run says which and how to install it
        if getattr(args, "debug", False):
            raise
        print(f"internal error: {exc.__class__.__name__}: {exc} — this is a bug in Feel Again, not in your "
              "content; run again with --debug and report the output", file=sys.stderr)
        return 3
    except Exception:
        if getattr(args, "debug", False):
            raise
        import traceback

        last = traceback.format_exc().strip().splitlines()[-1]
        print(f"internal error: {last} — this is a bug in Feel Again, not in your content; "
              "run again with --debug and report the output", file=sys.stderr)
        return 3
