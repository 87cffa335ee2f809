"""Issue #13, hardening round 2: more bad inputs and what an editor sees for each (items 3, 4 and 12).

Same machinery as tests/integration/test_catalogue.py (its Case, base site, runner and checks): every case
starts from a site built once, changes one thing and runs the real command line. A failing case must exit 1
with exactly the expected `path:line: problem — fix` lines, no traceback, no temporary folders, and dist/
byte for byte as it was.

- item 3: links (or special files) in assets/ and templates/ never publish or read a file outside the site;
- item 4: images from other sites are errors, and links typed as raw HTML get the Markdown links' checks;
- item 12: a template whose pages lack the crisis block, the exit link or <main> is an error naming it.

`python -m tests.integration.test_catalogue_security` prints the table "input → what the editor sees".
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_catalogue import (  # noqa: F401 (base_site is a fixture used below)
    Case,
    Outcome,
    _matches,
    assert_failed_cleanly,
    base_site,
    error_lines,
    md,
    run_cases,
    warning_lines,
)

IMAGE_HINT = "copy the image into assets/ and use it from there: an image on another site tells that site who reads the page"
OUTSIDE_HINT = "copy it into the site folder instead of linking to it"
SPECIAL_HINT = "remove it: only normal files are read from here"
TEMPLATE_HINT = ('every page needs them: keep {% include "partials/crisis.html" %}, '
                 '{% include "partials/exit.html" %} and <main id="main"> in it, as the bundled base.html does')


def _secret(site: Path) -> Path:
    secret = site.parent / f"{site.name}-secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-SITE\n", encoding="utf-8")
    return secret


def _asset_link_outside(site: Path) -> None:
    (site / "assets" / "img").mkdir(parents=True, exist_ok=True)
    os.symlink(_secret(site), site / "assets" / "img" / "logo.svg")


def _asset_link_to_system_file(site: Path) -> None:
    (site / "assets").mkdir(parents=True, exist_ok=True)
    os.symlink("/etc/passwd", site / "assets" / "passwd.txt")


def _asset_folder_link_outside(site: Path) -> None:
    (site / "assets").mkdir(parents=True, exist_ok=True)
    outside = site.parent / f"{site.name}-photos"
    outside.mkdir()
    (outside / "private.jpg").write_bytes(b"\xff\xd8private")
    os.symlink(outside, site / "assets" / "photos")


def _asset_fifo(site: Path) -> None:
    (site / "assets" / "css").mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / "assets" / "css" / "extra.css")


def _asset_link_inside(site: Path) -> None:
    (site / "assets" / "img").mkdir(parents=True, exist_ok=True)
    (site / "shared").mkdir()
    (site / "shared" / "mark.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    os.symlink(site / "shared" / "mark.svg", site / "assets" / "img" / "mark.svg")


def _template_link_outside(site: Path) -> None:
    (site / "templates" / "partials").mkdir(parents=True, exist_ok=True)
    os.symlink(_secret(site), site / "templates" / "partials" / "nav.html")


def _template_fifo(site: Path) -> None:
    (site / "templates").mkdir(parents=True, exist_ok=True)
    os.mkfifo(site / "templates" / "page.html")


def _published_inside_link(dist: Path) -> None:
    assert len(list((dist / "assets").glob("mark.*.svg"))) == 1


def _no_javascript(dist: Path) -> None:
    for path in ("causes/index.html", "embed/causes/index.html", "api/pages/causes.json"):
        assert "javascript:" not in (dist / path).read_text(encoding="utf-8"), path


def _raw_links_rewritten(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../get-help/#call-someone">help</a>' in html, html
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer">NHS</a>' in html


CATALOGUE: tuple[Case, ...] = (
    # --- item 3: assets/ and templates/ never read a file outside the site ---------------------------------
    Case("asset-link-outside", "assets/img/logo.svg is a symlink to a file outside the site folder",
         setup=_asset_link_outside,
         errors=(f"assets/img/logo.svg: is a link to a file outside the site folder — {OUTSIDE_HINT}",)),
    Case("asset-link-etc-passwd", "assets/passwd.txt is a symlink to /etc/passwd",
         setup=_asset_link_to_system_file,
         errors=(f"assets/passwd.txt: is a link to a file outside the site folder — {OUTSIDE_HINT}",)),
    Case("asset-folder-link-outside", "assets/photos is a symlink to a folder outside the site",
         setup=_asset_folder_link_outside,
         errors=(f"assets/photos: is a link to a folder outside the site folder — {OUTSIDE_HINT}",)),
    Case("asset-named-pipe", "assets/css/extra.css is a named pipe (reading it would wait forever)",
         setup=_asset_fifo,
         errors=(f"assets/css/extra.css: is not a normal file (a pipe, a device or a socket) — {SPECIAL_HINT}",)),
    Case("asset-link-inside", "assets/img/mark.svg is a symlink to shared/mark.svg inside the site folder",
         {"content/causes.md": md()}, setup=_asset_link_inside, ok=True, check=_published_inside_link),
    Case("template-link-outside", "templates/partials/nav.html is a symlink to a file outside the site",
         setup=_template_link_outside,
         errors=(f"templates/partials/nav.html: is a link to a file outside the site folder — {OUTSIDE_HINT}",)),
    Case("template-named-pipe", "templates/page.html is a named pipe",
         setup=_template_fifo,
         errors=(f"templates/page.html: is not a normal file (a pipe, a device or a socket) — {SPECIAL_HINT}",)),
    # --- item 4: nothing from other sites; raw HTML links checked like Markdown links --------------------
    Case("image-https", "![t](https://evil.example/t.png) on line 11",
         {"content/causes.md": md(body="![A tracking pixel](https://evil.example/t.png)\n")},
         (f"content/causes.md:11: image from another site: https://evil.example/t.png — {IMAGE_HINT}",)),
    Case("image-protocol-relative", "![t](//evil.example/t.png) on line 13",
         {"content/causes.md": md(body="Intro.\n\n![A tracking pixel](//evil.example/t.png)\n")},
         (f"content/causes.md:13: image from another site: //evil.example/t.png — {IMAGE_HINT}",)),
    Case("image-raw-html", 'raw <img src="//evil.example/t.png" alt="t"> on line 13',
         {"content/causes.md": md(body='Intro.\n\n<img src="//evil.example/t.png" alt="A pixel">\n')},
         (f"content/causes.md:13: image from another site: //evil.example/t.png — {IMAGE_HINT}",)),
    Case("image-raw-html-inline", 'inline raw <img src="https://evil.example/t.png"> in a paragraph, line 12',
         {"content/causes.md": md(body='Intro.\nSee <img src="https://evil.example/t.png" alt="A pixel"> here.\n')},
         (f"content/causes.md:12: image from another site: https://evil.example/t.png — {IMAGE_HINT}",)),
    Case("raw-link-missing-page", 'raw <a href="get-hlep.md"> (a typo) on line 13',
         {"content/causes.md": md(body='Intro.\n\n<p>Read <a href="get-hlep.md">this</a>.</p>\n')},
         ('content/causes.md:13: link to a missing page: get-hlep.md — did you mean "get-help"?',)),
    Case("raw-link-missing-anchor", 'raw <a href="get-help.md#nosuch"> on line 11',
         {"content/causes.md": md(body='Read <a href="get-help.md#nosuch">this</a>.\n')},
         ("content/causes.md:11: link to a missing anchor: get-help.md#nosuch — "
          "anchors come from headings: '## Stress' → #stress",)),
    Case("raw-link-protocol-relative", 'raw <a href="//evil.example/"> on line 11',
         {"content/causes.md": md(body='Read <a href="//evil.example/">this</a>.\n')},
         ("content/causes.md:11: protocol-relative link: //evil.example/ — write the full address starting with https://",)),
    Case("raw-link-javascript", 'raw <a href="javascript:alert(1)"> on line 12 (raw-HTML policy of #9: removed, warned)',
         {"content/causes.md": md(body='Intro.\n<a href="javascript:alert(1)">click</a>\n')},
         warnings=('content/causes.md:12: raw HTML removed: href="javascript:alert(1)" — write it in Markdown, '
                   "or use only plain HTML without scripts, frames or styles",), ok=True, check=_no_javascript),
    Case("raw-link-root-relative", 'raw <a href="/get-help/"> on line 11',
         {"content/causes.md": md(body='Read <a href="/get-help/">this</a>.\n')},
         ("content/causes.md:11: link starting with '/' breaks when the site lives in a sub-folder: /get-help/ — "
          "link to the page's file instead, e.g. [text](causes.md)",)),
    Case("raw-link-good", 'raw <a href="get-help.md#call-someone"> and <a href="https://www.nhs.uk/">',
         {"content/causes.md": md(body='Ask for <a href="get-help.md#call-someone">help</a> or see '
                                       '<a href="https://www.nhs.uk/">NHS</a>.\n')},
         ok=True, check=_raw_links_rewritten),
    # --- item 12: every page keeps the crisis block, the exit link and <main> --------------------------------
    Case("template-base-empty", "templates/base.html is empty",
         {"templates/base.html": ""},
         ('templates/base.html: pages made with it (home.html) have no crisis help block, no "Leave this site" '
          f"link and no <main> — {TEMPLATE_HINT}",)),
    Case("template-no-crisis", "templates/base.html without the crisis include",
         {"templates/base.html": "@BASE@"},
         (f"templates/base.html: pages made with it (home.html) have no crisis help block — {TEMPLATE_HINT}",)),
    Case("template-page-standalone", "templates/page.html written from scratch: no <main>, no exit link",
         {"templates/page.html": '<!doctype html>\n<html lang="en"><title>{{ page.title }}</title>\n'
                                 '{% include "partials/crisis.html" %}\n<div>{{ page.body }}</div>\n</html>\n'},
         ('templates/page.html: pages made with it (home.html) have no "Leave this site" link and no <main> — '
          f"{TEMPLATE_HINT}",)),
)
CASES = {case.name: case for case in CATALOGUE}
assert len(CASES) == len(CATALOGUE), "case names must be unique"


def _base_without_crisis() -> str:
    from tests.support.sites import ROOT

    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    return base.replace('{% include "partials/crisis.html" %}\n', "")


def _apply_placeholders(case: Case) -> Case:
    """Fill in files that are made from the bundled templates (kept out of the table's input column)."""
    files = {k: (_base_without_crisis() if v == "@BASE@" else v) for k, v in case.files.items()}
    return Case(**{**case.__dict__, "files": files})


def catalogue_table() -> str:
    """Return these cases as a Markdown table: input → what the editor sees."""
    rows = ["| case | input | what the editor sees |", "|---|---|---|"]
    for case in CATALOGUE:
        rows.append(f"| {case.name} | {case.input} | {case.sees()} |".replace("\n", " "))
    return "\n".join(rows)


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, base_site: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Run every selected case (each in its own fork, a few at a time) and return the outcomes."""
    module = sys.modules[__name__]
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if getattr(item, "module", None) is module and "case" in getattr(getattr(item, "callspec", None), "params", {})}
    todo = [_apply_placeholders(c) for c in CATALOGUE if c.name in wanted]
    root = tmp_path_factory.mktemp("security-cases")
    done = run_cases(todo, base_site, root)
    yield done


def _params() -> list:
    return [pytest.param(case, id=case.name) for case in CATALOGUE]


@pytest.mark.parametrize("case", _params())
def test_security_case(case: Case, outcomes: dict[str, Outcome]):
    outcome = outcomes[case.name]
    if case.ok:
        assert "Traceback" not in outcome.stderr
        assert outcome.returncode == 0, outcome.stderr
        assert warning_lines(outcome) == list(case.warnings)
        assert re.fullmatch(r"Built 3 pages in \d+\.\d\d s → .*\n", outcome.stdout), outcome.stdout
        assert outcome.leftovers == []
        if case.check:
            case.check(outcome.site / "dist")
        return
    assert_failed_cleanly(outcome)
    printed = error_lines(outcome)
    expected = list(case.want or case.errors)
    assert len(printed) == len(expected), outcome.stderr
    for pattern, line in zip(expected, printed):
        assert _matches(pattern, line), f"{line!r} does not match {pattern!r}"
    assert "SECRET-OUTSIDE-THE-SITE" not in outcome.stderr


def test_nothing_outside_the_site_is_published_or_read(outcomes: dict[str, Outcome]):
    """Runs after the cases above: no build published the secret file or /etc/passwd."""
    for name in ("asset-link-outside", "asset-link-etc-passwd", "asset-folder-link-outside", "template-link-outside"):
        if name not in outcomes:
            continue
        dist = outcomes[name].site / "dist"
        for path in dist.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert b"SECRET-OUTSIDE-THE-SITE" not in data and b"root:x:0:0" not in data, path
                assert b"\xff\xd8private" not in data, path


def test_many_raw_links_are_checked_in_linear_time():
    """10,000 raw HTML links to a missing page: every one reported at its own line, well within 5 s."""
    import time
    from pathlib import PurePosixPath

    from feelagain.errors import SourceLocation
    from feelagain.links import check_links, links_with_lines
    from feelagain.markup import Converter

    body = "Intro.\n\n" + 'See <a href="nosuch&#46;md">this</a> here.\n\n' * 10_000
    loc = SourceLocation(PurePosixPath("content/causes.md"))
    started = time.perf_counter()
    rendered = Converter().convert(body, loc, "causes/", 11)
    errors = check_links("causes", loc, links_with_lines(rendered.links, body, 11), {"causes": frozenset()})
    assert time.perf_counter() - started < 5
    assert [e.location.line for e in errors] == [13 + 2 * i for i in range(10_000)]


if __name__ == "__main__":
    print(catalogue_table())
