"""A catalogue of bad inputs (issue #9): what an editor sees for each common mistake.

Every case starts from a site that has already been built once, changes one thing, and runs the real command
line (`python build.py build --site DIR`). A case either builds (BOM, CRLF, Jinja-looking text, raw HTML that is
cleaned with a warning) or fails with exit code 1, the exact `path:line: problem — fix` line(s) on stderr, the
last line `Build failed: N problems; …dist/ was left unchanged`, no traceback, no temporary folders left behind,
and the previous `dist/` byte for byte as it was.

`CATALOGUE` holds the cases; `catalogue_table()` renders the table "input → what the editor sees" (run
`python -m tests.integration.test_catalogue` to print it). Cases where the engine's answer is wrong or unclear
carry `bug` (and `want`, what it should print): their `test_catalogue_prints_exactly` is an expected failure
until the engine is fixed.

Expected lines starting with "re:" are regular expressions (full match); all others are compared verbatim.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.support.forked import Run, run_forked, run_forked_many
from tests.support.sites import CRISIS_YML, LANGUAGES, SITE_YML, default_files, page, snapshot, write_files

# The page most cases break. Lines: 1 '---', 2 title, 3 description, 4 reviewed, 5 next_review, 6-8 sources,
# then either '---' on 9 (body text from line 11) or one extra field on 9, '---' on 10 (body text from 12).
FRONT = """\
title: Causes
description: Why it happens.
reviewed: 2026-11-01
next_review: 2027-11-01
sources:
  - {publisher: NHS, title: One, url: https://www.nhs.uk/}
  - {publisher: Mind, title: Two, url: https://www.mind.org.uk/}
"""
HTML_HINT = "write it in Markdown, or use only plain HTML without scripts, frames or styles"
SCHEME_HINT = "use https://, mailto:, tel: or sms: links, or a link to a .md page"
YAML_HINT = "check the quotes, colons and indentation on this line and the one above"


# A Spanish side for the cases that need a second language (its pages under content/es/).
SPANISH = {"content/site.yml": SITE_YML.replace("language: en\n", "") + LANGUAGES,
           "content/es/index.md": page("Inicio", "Hola. Mira la [ayuda](obtener-ayuda.md).\n", translation_of="index"),
           "content/es/obtener-ayuda.md": page("Obtener ayuda", "## Llama\n\nLlama cuando quieras.\n",
                                               translation_of="get-help")}


def md(front: str = FRONT, body: str = "Short text here.\n") -> str:
    """Return a Markdown page: front matter between '---' lines, a blank line, then the body."""
    return "---\n" + front + "---\n\n" + textwrap.dedent(body)


def _symlink_outside(site: Path) -> None:
    outside = site.parent / f"{site.name}-outside.md"
    outside.write_text(md(), encoding="utf-8")
    os.symlink(outside, site / "content" / "causes.md")


def _directory_named_md(site: Path) -> None:
    (site / "content" / "causes.md").mkdir()


def _chmod_000(site: Path) -> None:
    path = site / "content" / "causes.md"
    path.write_text(md(), encoding="utf-8")
    path.chmod(0)


@dataclass(frozen=True)
class Case:
    """One bad (or tricky) input and what the editor must see."""

    name: str
    input: str  # what the editor did, for the table
    files: dict[str, str | bytes | None] = field(default_factory=dict)
    errors: tuple[str, ...] = ()  # lines that must be on stderr now (verbatim, or "re:" patterns)
    warnings: tuple[str, ...] = ()  # warning lines (without the "warning: " prefix)
    ok: bool = False  # the documented handling is a successful build
    check: Callable[[Path], None] | None = None  # extra checks on dist/ of a successful build
    setup: Callable[[Path], None] | None = None  # changes that files= cannot express
    want: tuple[str, ...] | None = None  # exactly the error lines the engine should print (default: errors)
    bug: str = ""  # engine bug: the exact-output test is xfail(strict) with this reason
    crash: str = ""  # engine bug so bad that even exit code 1 / no traceback fails: main test is xfail(strict)
    root_skip: str = ""  # skip with this reason when running as root
    now: str = ""  # for bug cases: what the engine prints today (for the table)

    def sees(self) -> str:
        """Return what the editor sees, for the table."""
        if self.ok:
            shown = "; ".join(f"warning: {w}" for w in self.warnings) or "nothing"
            return f"builds (exit 0); {shown}"
        if self.now:
            return f"{self.now} **[engine bug]**"
        return "exit 1: " + " / ".join(self.errors)


def _no_script(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "alert(1)" not in html
    assert "<p>Intro.</p>" in html and "<p>More.</p>" in html


def _no_iframe(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert "<iframe" not in html and "evil.example" not in html


def _no_onerror(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert "onerror" not in html
    # the harmless rest of the tag stays, the image at its fingerprinted name
    assert re.search(r'<img src="\.\./assets/favicon\.[0-9a-f]{8}\.svg" alt="x">', html), html


def _jinja_literal(dist: Path) -> None:
    for path in ("causes/index.html", "embed/causes/index.html"):
        html = (dist / path).read_text(encoding="utf-8")
        assert "Intro {{ site.title }} and {% raw %}x{% endraw %} and {# c #}." in html, path
    api = (dist / "api" / "pages" / "causes.json").read_text(encoding="utf-8")
    assert "{{ site.title }}" in api


def _bom_title(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert "<title>Causes – Test Site</title>" in html
    assert "\ufeff" not in html


def _crlf_clean(dist: Path) -> None:
    data = (dist / "causes" / "index.html").read_bytes()
    assert b"\r" not in data
    assert b'<h2 id="part-one">Part one</h2>' in data
    assert b"<title>Causes \xe2\x80\x93 Test Site</title>" in data


LAKE = b"\x89PNG\r\n\x1a\n a calm lake"  # the bytes only need to arrive unchanged
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
CALLOUT_HINT = "indent its text by four spaces on the lines under the !!! line"
ASSETS_HINT = "put the file in assets/ and write its path from this page's file:"


def _image_works(dist: Path) -> None:
    """The image is published at its fingerprinted name, and the page, its embed, the print page and the content
    API each point at that file."""
    for path in ("causes/index.html", "embed/causes/index.html", "print/index.html"):
        html = (dist / path).read_text(encoding="utf-8")
        src = re.search(r'<img alt="A calm lake" src="([^"]+)"', html)
        assert src and re.fullmatch(r"(\.\./)+assets/lake\.[0-9a-f]{8}\.png", src.group(1)), (path, src)
        assert ((dist / path).parent / src.group(1)).read_bytes() == LAKE, path
    api = (dist / "api" / "pages" / "causes.json").read_text(encoding="utf-8")
    assert re.search(r'src=\\"https://example\.org/assets/lake\.[0-9a-f]{8}\.png\\"', api), api


def _odd_names_work(dist: Path) -> None:
    """Assets named with '#' and a space are published under their fingerprinted names, percent-encoded in every
    page that shows them, so the address leads to the file (a raw '#' would end it, a raw space is invalid)."""
    for path in ("causes/index.html", "embed/causes/index.html", "print/index.html"):
        html = (dist / path).read_text(encoding="utf-8")
        srcs = re.findall(r'<img alt="[^"]*" src="([^"]+)"', html)
        assert [re.sub(r"\.[0-9a-f]{8}\.", ".", src.rsplit("/", 1)[1]) for src in srcs] == ["a%23b.svg", "lake%20view.svg"]
        for src in srcs:
            assert ((dist / path).parent / unquote(src)).read_bytes() == SVG, (path, src)
    api = (dist / "api" / "pages" / "causes.json").read_text(encoding="utf-8")
    assert re.search(r'src=\\"https://example\.org/assets/a%23b\.[0-9a-f]{8}\.svg\\"', api), api
    # The service worker stores them at install by the same addresses: a raw '#' would end the path there and
    # make the whole install fail.
    worker = (dist / "sw.js").read_text(encoding="utf-8")
    stored = re.findall(r'"(assets/(?:a#b|a%23b|lake view|lake%20view)\.[0-9a-f]{8}\.svg)"', worker)
    assert sorted(re.sub(r"\.[0-9a-f]{8}\.", ".", s) for s in stored) == ["assets/a%23b.svg", "assets/lake%20view.svg"], stored


def _code_block_kept(dist: Path) -> None:
    html = (dist / "causes" / "index.html").read_text(encoding="utf-8")
    assert '<pre><code class="language-text">topic: grief\n</code></pre>' in html


CATALOGUE: tuple[Case, ...] = (
    # --- front matter: YAML syntax --------------------------------------------------------------------
    Case("yaml-tab", "front matter indented with a tab",
         {"content/causes.md": "---\ntitle: Causes\n\tdescription: Why.\n---\n\nText.\n"},
         ("content/causes.md:3: invalid YAML: a tab character is used for indentation — use spaces, not tabs, to indent",)),
    Case("yaml-unclosed-quote", 'title: "Causes (quote never closed)',
         {"content/causes.md": md(FRONT.replace("title: Causes", 'title: "Causes'))},
         (f"content/causes.md:2: invalid YAML: a quote is opened but never closed — {YAML_HINT}",)),
    Case("yaml-duplicate-key", "the same key twice (title on lines 2 and 9)",
         {"content/causes.md": md(FRONT + "title: Again\n")},
         ('content/causes.md:9: "title" appears twice — keep one of them; YAML silently keeps only the last',)),
    Case("yaml-complex-key", "a YAML complex key '? [a, b]' in the front matter",
         {"content/causes.md": md(FRONT + "? [a, b]\n: 1\n")},
         ("content/causes.md:9: a key that is a list or a mapping — keys must be plain words, like title:",)),
    Case("yaml-recursive-alias", "a self-referencing YAML alias (sources: &a [*a])",
         {"content/causes.md": md(FRONT.replace("sources:\n  - {publisher: NHS, title: One, url: https://www.nhs.uk/}\n"
                                                "  - {publisher: Mind, title: Two, url: https://www.mind.org.uk/}\n",
                                                "sources: &a [*a]\n"))},
         ("re:content/causes\\.md:\\d+: an alias \\(\\*name\\) that refers to itself — write the value out instead of using & and \\*",)),
    Case("frontmatter-not-closed", "the closing '---' is missing",
         {"content/causes.md": "---\n" + FRONT + "\nSome body text.\n"},
         ("content/causes.md:1: the front matter is never closed — add a '---' line after the last field",)),
    Case("frontmatter-missing", "no front matter at all (file starts with '# Causes')",
         {"content/causes.md": "# Causes\n\nSome body text.\n"},
         ("content/causes.md:1: no front matter found — start the file with a '---' line",)),
    Case("frontmatter-empty", "front matter with nothing between the '---' lines",
         {"content/causes.md": "---\n---\n\nText.\n"},
         ('content/causes.md:2: the front matter is empty — add "title: …" and the other fields',)),
    Case("frontmatter-list", "front matter that is a YAML list, not key: value lines",
         {"content/causes.md": "---\n- title\n- causes\n---\n\nText.\n"},
         ("content/causes.md:2: the front matter should be a set of 'key: value' lines — see docs/design.md for the fields",)),
    # --- front matter: fields -------------------------------------------------------------------------
    Case("wrong-type-order", "order: first (text where a number is needed)",
         {"content/causes.md": md(FRONT + "order: first\n")},
         ('content/causes.md:9: "order" should be a whole number but is text — '
          "order: position in the navigation when site.yml does not list the page",)),
    Case("wrong-type-summary", "summary: one string instead of a list",
         {"content/causes.md": md(FRONT + "summary: Just one point\n")},
         ('content/causes.md:9: "summary" should be a list but is text — summary: list of key points',)),
    Case("title-yes-no", "title: no (YAML reads it as false)",
         {"content/causes.md": md(FRONT.replace("title: Causes", "title: no"))},
         ('content/causes.md:2: "title" is a yes/no value, not text — put the text in quotes, e.g. title: "no"',)),
    Case("title-yes", "title: Yes (YAML reads it as true)",
         {"content/causes.md": md(FRONT.replace("title: Causes", "title: Yes"))},
         ('content/causes.md:2: "title" is a yes/no value, not text — put the text in quotes, e.g. title: "Yes"',)),
    Case("date-in-quotes", 'reviewed: "2026-11-01" (a date in quotes is text)',
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", 'reviewed: "2026-11-01"'))},
         ('content/causes.md:4: "reviewed" should be a date like 2026-11-25 but is text (a date in quotes is read as '
          "text) — remove the quotes: reviewed: 2026-11-01",)),
    Case("summary-colon-item", "a key point with ': ' in it (line 11: '  - Note: it often passes')",
         {"content/causes.md": md(FRONT + "summary:\n  - It is common.\n  - Note: it often passes, with time.\n")},
         ('content/causes.md:11: "summary" item 2 was read as "name: value" because of the ": " in it — put the text '
          'in quotes: - "Note: it often passes, with time."',)),
    Case("title-hash", "title: Update #2 (YAML drops ' #2' as a comment)",
         {"content/causes.md": md(FRONT.replace("title: Causes", "title: Update #2"))},
         ('content/causes.md:2: "title" was cut at " #": YAML read the rest as a comment — '
          'put the whole value in quotes: title: "Update #2"',)),
    Case("date-does-not-exist", "reviewed: 2026-02-30",
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: 2026-02-30"))},
         ("content/causes.md:4: not a real date: day is out of range for month — write an existing date as YYYY-MM-DD",)),
    Case("datetime-bad-hour", "reviewed: 2026-01-01 25:00:00 (a time that does not exist)",
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: 2026-01-01 25:00:00"))},
         ("content/causes.md:4: not a real date: hour must be in 0..23 — write an existing date as YYYY-MM-DD",)),
    Case("date-as-text", "reviewed: last week",
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: last week"))},
         ('content/causes.md:4: "reviewed" should be a date like 2026-11-25 but is text — '
          "reviewed: date of the last review, YYYY-MM-DD",)),
    Case("reviewed-in-the-future", "reviewed: 2099-01-01 (a day that has not come)",
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: 2099-01-01")
                                  .replace("next_review: 2027-11-01", "next_review: 2099-11-01"))},
         ("content/causes.md:4: reviewed 2099-01-01 is in the future — write the day the page was last reviewed",)),
    Case("next-review-far", "next_review: 2126-11-01 (a century, not a year, after reviewed)",
         {"content/causes.md": md(FRONT.replace("next_review: 2027-11-01", "next_review: 2126-11-01"))},
         warnings=("content/causes.md:5: next_review 2126-11-01 is more than 3 years after reviewed 2026-11-01 — check "
                   "the year: most pages are reviewed again within a year",), ok=True),
    Case("review-last-years", "reviewed: 9998-01-01, next_review: 9999-01-01 (3 years later is past year 9999)",
         {"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: 9998-01-01")
                                  .replace("next_review: 2027-11-01", "next_review: 9999-01-01"))},
         ("content/causes.md:4: reviewed 9998-01-01 is in the future — write the day the page was last reviewed",)),
    Case("review-order", "next_review before reviewed",
         {"content/causes.md": md(FRONT.replace("next_review: 2027-11-01", "next_review: 2026-10-01"))},
         ("content/causes.md:5: next_review is not after reviewed — set next_review to a later date than reviewed",)),
    Case("unknown-field", "titel: Oops (a typo'd field)",
         {"content/causes.md": md(FRONT + "titel: Oops\n")},
         ('content/causes.md:9: unknown field "titel" in the front matter — did you mean "title"?',)),
    Case("missing-field", "no description",
         {"content/causes.md": md(FRONT.replace("description: Why it happens.\n", ""))},
         ('content/causes.md:2: "description" is missing from the front matter — add "description: …" '
          "(one sentence for search results (160 characters at most))",)),
    Case("description-too-long", "a 170-character description",
         {"content/causes.md": md(FRONT.replace("Why it happens.", "x" * 170))},
         ('content/causes.md:3: "description" is 170 characters long; keep it to 160 — '
          "description: one sentence for search results (160 characters at most)",)),
    # --- the file itself ------------------------------------------------------------------------------
    Case("empty-file", "an empty causes.md",
         {"content/causes.md": ""},
         ("content/causes.md:1: the file is empty — start it with front matter: a '---' line, 'title: …' and the "
          "other fields, then '---'",)),
    Case("not-utf8", "a Latin-1 'é' on line 11",
         {"content/causes.md": md(body="Caf\xe9 text.\n").encode("latin-1")},
         ("content/causes.md:11: is not UTF-8 text — save the file with UTF-8 encoding",)),
    Case("nul-bytes", "a NUL byte in the text",
         {"content/causes.md": md(body="Text\x00 here.\n").encode()},
         ("content/causes.md:11: contains NUL bytes, so it is not a text file — save it again as plain UTF-8 text",)),
    Case("utf8-bom", "a UTF-8 byte-order mark before '---'",
         {"content/causes.md": b"\xef\xbb\xbf" + md().encode()}, ok=True, check=_bom_title),
    Case("crlf", "Windows (CRLF) line endings",
         {"content/causes.md": md(body="## Part one\n\nText.\n").replace("\n", "\r\n").encode()},
         ok=True, check=_crlf_clean),
    Case("crlf-line-numbers", "CRLF line endings and a broken link on line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [signs](sings.md).\n").replace("\n", "\r\n").encode()},
         ("content/causes.md:13: link to a missing page: sings.md — check the file name in content/",)),
    Case("bom-line-numbers", "a BOM and a YAML error on line 2",
         {"content/causes.md": b"\xef\xbb\xbf" + md(FRONT.replace("title: Causes", 'title: "Causes')).encode()},
         (f"content/causes.md:2: invalid YAML: a quote is opened but never closed — {YAML_HINT}",)),
    Case("huge-page", "a 10 MB page",
         {"content/causes.md": md(body="Words and more words. " * 460_000 + "\n")},
         ("content/causes.md: is 10.1 MB, more than the 2 MB a page may be — split it into smaller pages",)),
    Case("same-slug-by-case", "Causes.md next to causes.md",
         {"content/causes.md": md(), "content/Causes.md": md()},
         ("content/Causes.md: has the same page address as content/causes.md (the names differ only in capitals) — "
          "merge the two files, or rename this one",)),
    Case("reserved-slug", "a page called embed.md (its address /embed/ is the embed guide's)",
         {"content/embed.md": md()},
         ("content/embed.md: the page name \"embed\" is used by the site's own files — rename it, e.g. to embed-page.md",)),
    Case("file-name-with-space", "content/my page.md",
         {"content/my page.md": md()},
         ("content/my page.md: the file name cannot be a web address (use lower-case letters, digits and hyphens) "
          "— rename it to my-page.md",)),
    Case("file-name-non-ascii", "content/causés.md",
         {"content/causés.md": md()},
         ("content/causés.md: the file name cannot be a web address (use lower-case letters, digits and hyphens) "
          "— rename it to causes.md",)),
    Case("symlink-outside", "content/causes.md is a symlink to a file outside content/",
         setup=_symlink_outside,
         errors=("content/causes.md: is a link to a file outside content/ — copy the file into content/ instead "
                 "of linking to it",)),
    Case("unreadable-directory", "a folder named causes.md",
         setup=_directory_named_md,
         errors=("content/causes.md: cannot be read (Is a directory) — check that the file exists and is a normal file",)),
    Case("unreadable-chmod", "causes.md with permissions 000",
         setup=_chmod_000,
         errors=("content/causes.md: cannot be read (permission denied) — check the file's permissions, e.g. chmod a+r",),
         root_skip="running as root: chmod 000 does not stop root from reading; unreadable-directory covers the path"),
    Case("markdown-extension", "content/signs.markdown (only .md files are pages)",
         {"content/causes.md": md(), "content/signs.markdown": md()},
         warnings=("content/signs.markdown: not a page: pages are .md files directly in content/ — rename it to "
                   "signs.md",), ok=True),
    Case("page-in-sub-folder", "content/drafts/signs.md and content/fr/signs.md (fr is not in languages)",
         {"content/causes.md": md(), "content/drafts/signs.md": md(), "content/fr/signs.md": md()},
         warnings=("content/drafts/signs.md: not a page: pages are .md files directly in content/ — move it into "
                   "content/",
                   "content/fr/signs.md: not a page: pages are .md files directly in content/ — move it into "
                   "content/, or add fr to languages in site.yml"), ok=True),
    # --- links ----------------------------------------------------------------------------------------
    Case("link-missing-page", "[signs](sings.md) on line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [signs](sings.md) for more.\n")},
         ("content/causes.md:13: link to a missing page: sings.md — check the file name in content/",)),
    Case("link-missing-anchor", "[help](get-help.md#call-some) on line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [help](get-help.md#call-some) now.\n")},
         ('content/causes.md:13: link to a missing anchor: get-help.md#call-some — did you mean "call-someone"?',)),
    Case("link-javascript", "[here](javascript:alert(1))",
         {"content/causes.md": md(body="Intro.\n\nClick [here](javascript:alert(1)) now.\n")},
         (f"content/causes.md:13: link with an unsafe scheme: javascript:alert(1) — {SCHEME_HINT}",)),
    Case("source-without-url-or-doi", "a source with only a publisher and a title",
         {"content/causes.md": md(FRONT.replace(", url: https://www.mind.org.uk/}", "}"))},
         ('content/causes.md:8: source "Two" has no url or doi — add the https:// address you read it at (url: …) '
          "or its DOI (doi: 10.…)",)),
    Case("source-bare-nice", "a NICE source that names no guideline",
         {"content/causes.md": md(FRONT.replace("{publisher: Mind, title: Two,", "{publisher: NICE, title: Guidance,"))},
         ('content/causes.md:8: NICE source "Guidance" names no guideline — cite one guideline with its code in the '
          'title, e.g. "Post-traumatic stress disorder (NG116)", and its https://www.nice.org.uk/guidance/… url',)),
    Case("link-http", "[nhs](http://nhs.uk)",
         {"content/causes.md": md(body="Intro.\n\nSee [nhs](http://nhs.uk) now.\n")},
         (f"content/causes.md:13: link with an unsafe scheme: http://nhs.uk — {SCHEME_HINT}",)),
    Case("link-root-relative", "[help](/get-help/)",
         {"content/causes.md": md(body="Intro.\n\nSee [help](/get-help/) now.\n")},
         ("content/causes.md:13: link starting with '/' breaks when the site lives in a sub-folder: /get-help/ — "
          "link to the page's file instead, e.g. [text](causes.md)",)),
    Case("link-protocol-relative", "[x](//evil.example/) (a protocol-relative link to another site)",
         {"content/causes.md": md(body="Intro.\n\nSee [x](//evil.example/) now.\n")},
         ("content/causes.md:13: protocol-relative link: //evil.example/ — write the full address starting with https://",)),
    Case("link-web-address-without-https", "[grief](www.nhs.uk) on line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [grief](www.nhs.uk) for more.\n")},
         ("content/causes.md:13: link to www.nhs.uk is not a page or a web address — did you mean https://www.nhs.uk? "
          "A web address starts with https://",)),
    Case("link-page-without-md", "[help](get-help) on line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [help](get-help) now.\n")},
         ("content/causes.md:13: link to get-help is not a page or a web address — did you mean get-help.md? "
          "Link to a page by its file name",)),
    Case("link-other-language", "[x](es/duelo.md) from an English page, line 13",
         {"content/causes.md": md(body="Intro.\n\nSee [grief](es/duelo.md) now.\n")},
         ("content/causes.md:13: link to es/duelo.md leaves content/: a page links only to pages of its own language "
          "(readers change language with the language menu) — link to the version of that page in content/ by its "
          "file name alone, e.g. [text](page.md)",)),
    Case("links-to-built-pages", "links to what the build makes: ../ (home), ../sitemap.xml, "
         "../api/pages.json, ../print/index.html, ../search/, ../embed/causes/",
         {"content/causes.md": md(body="See [home](../), [map](../sitemap.xml), "
                                                  "[data](../api/pages.json), [print](../print/index.html), "
                                                  "[search](../search/) and [embed](../embed/causes/).\n")},
         ok=True),
    # --- images ---------------------------------------------------------------------------------------
    Case("image-in-assets", "![A calm lake](../assets/img/lake.png) with assets/img/lake.png present",
         {"content/causes.md": md(body="Intro.\n\n![A calm lake](../assets/img/lake.png)\n"),
          "assets/img/lake.png": LAKE},
         ok=True, check=_image_works),
    Case("image-odd-names", "![Hash](../assets/img/a%23b.svg) and ![Lake](../assets/lake%20view.svg): a '#' and "
         "a space in the names of assets/img/a#b.svg and assets/lake view.svg",
         {"content/causes.md": md(body="Intro.\n\n![Hash](../assets/img/a%23b.svg)\n![Lake](../assets/lake%20view.svg)\n"),
          "assets/img/a#b.svg": SVG, "assets/lake view.svg": SVG},
         ok=True, check=_odd_names_work),
    Case("image-missing", "![A calm lake](../assets/img/lake.png) on line 13, no such file",
         {"content/causes.md": md(body="Intro.\n\n![A calm lake](../assets/img/lake.png)\n")},
         ("content/causes.md:13: image ../assets/img/lake.png not found: there is no assets/img/lake.png — copy the "
          "file into assets/ (as assets/img/lake.png), or fix the path",)),
    Case("image-misspelt", "![A calm lake](../assets/img/lake.jpg) on line 13, assets/img/lake.png present",
         {"content/causes.md": md(body="Intro.\n\n![A calm lake](../assets/img/lake.jpg)\n"),
          "assets/img/lake.png": LAKE},
         ('content/causes.md:13: image ../assets/img/lake.jpg not found: there is no assets/img/lake.jpg — did you '
          'mean "../assets/img/lake.png"?',)),
    Case("image-path-from-site", "![A calm lake](assets/img/lake.png): the path from the site folder, not the page",
         {"content/causes.md": md(body="Intro.\n\n![A calm lake](assets/img/lake.png)\n"),
          "assets/img/lake.png": LAKE},
         ("content/causes.md:13: image assets/img/lake.png is not in the assets/ folder (read from this page's file, "
          f"it is content/assets/img/lake.png) — {ASSETS_HINT} ../assets/img/lake.png",)),
    Case("image-name-only", "![A calm lake](lake.png), the file in assets/",
         {"content/causes.md": md(body="Intro.\n\n![A calm lake](lake.png)\n"), "assets/lake.png": LAKE},
         ("content/causes.md:13: image lake.png is not in the assets/ folder (read from this page's file, it is "
          f"content/lake.png) — {ASSETS_HINT} ../assets/lake.png",)),
    # --- raw HTML and template-looking text -----------------------------------------------------------
    Case("raw-script", "<script>alert(1)</script> in the Markdown",
         {"content/causes.md": md(body="Intro.\n\n<script>alert(1)</script>\n\nMore.\n")},
         warnings=(f"content/causes.md:13: raw HTML removed: <script> — {HTML_HINT}",), ok=True, check=_no_script),
    Case("raw-iframe", '<iframe src="https://evil.example/">',
         {"content/causes.md": md(body='Intro.\n\n<iframe src="https://evil.example/"></iframe>\n\nMore.\n')},
         warnings=(f'content/causes.md:13: raw HTML removed: <iframe>, src="https://evil.example/" — {HTML_HINT}',),
         ok=True, check=_no_iframe),
    Case("raw-onerror", '<img src="../assets/img/favicon.svg" alt="x" onerror="alert(1)">',
         {"content/causes.md": md(body='Intro.\n\n<img src="../assets/img/favicon.svg" alt="x" onerror="alert(1)">'
                                       '\n\nMore.\n')},
         warnings=(f"content/causes.md:13: raw HTML removed: onerror= — {HTML_HINT}",), ok=True, check=_no_onerror),
    Case("jinja-looking-text", "{{ site.title }}, {% raw %} and {# #} in the text",
         {"content/causes.md": md(body="Intro {{ site.title }} and {% raw %}x{% endraw %} and {# c #}.\n")},
         ok=True, check=_jinja_literal),
    # --- Markdown extensions --------------------------------------------------------------------------
    Case("h1-in-body", "'# Causes' on line 11",
         {"content/causes.md": md(body="# Causes\n\nIntro.\n")},
         warnings=("content/causes.md:11: a level-1 heading in the body — the title is the page's only # heading; "
                   "use ## for sections",), ok=True),
    Case("unknown-callout", '!!! warning "Careful" on line 13',
         {"content/causes.md": md(body='Intro.\n\n!!! warning "Careful"\n    Text.\n')},
         ('content/causes.md:13: unknown callout type "warning" — use one of: info, tip, non-urgent, urgent, immediate',)),
    Case("callout-not-indented", '!!! tip "Try" on line 13, its text on line 14 not indented',
         {"content/causes.md": md(body='Intro.\n\n!!! tip "Try"\nWrite it down.\n')},
         (f"content/causes.md:13: callout has no text — {CALLOUT_HINT}",)),
    Case("footnote-without-note", "It helps.[^goodwin] on line 13, no [^goodwin]: line",
         {"content/causes.md": md(body="Intro.\n\nIt often helps.[^goodwin]\n\nMore.\n")},
         ('content/causes.md:13: footnote [^goodwin] has no note — add a line "[^goodwin]: …" with its source, or fix '
          "the name",)),
    Case("footnote-misspelt", "[^godwin] on line 13, the note [^goodwin]: on line 15",
         {"content/causes.md": md(body="Intro.\n\nIt often helps.[^godwin]\n\n[^goodwin]: Goodwin (2017).\n")},
         ('content/causes.md:13: footnote [^godwin] has no note — did you mean [^goodwin]? Or add a line '
          '"[^godwin]: …" with its source, or fix the name',
          "content/causes.md:15: note [^goodwin] is never used — put [^goodwin] right after the figure it supports, "
          "or delete the note")),
    Case("footnote-unused", "a note [^spare]: on line 15 that no marker uses",
         {"content/causes.md": md(body="Intro.\n\nIt often helps.\n\n[^spare]: Someone (2020).\n")},
         ("content/causes.md:15: note [^spare] is never used — put [^spare] right after the figure it supports, or "
          "delete the note",)),
    Case("block-misspelt", "```crisis-directry on line 13",
         {"content/causes.md": md(body="Intro.\n\n```crisis-directry\n```\n")},
         ("content/causes.md:13: unknown block 'crisis-directry' — did you mean crisis-directory? Write the line as "
          "```crisis-directory",)),
    Case("block-capital", "```Checklist on line 13",
         {"content/causes.md": md(body="Intro.\n\n```Checklist\nlegend: Have you\n```\n")},
         ("content/causes.md:13: unknown block 'Checklist' — did you mean checklist? Write the line as ```checklist",)),
    Case("block-support-line", "```support-line (no s) on line 13",
         {"content/causes.md": md(body="Intro.\n\n```support-line\ntopic: grief\n```\n")},
         ("content/causes.md:13: unknown block 'support-line' — did you mean support-lines? Write the line as "
          "```support-lines",)),
    Case("code-block-text", "```text … ``` (a plain code block)",
         {"content/causes.md": md(body="Intro.\n\n```text\ntopic: grief\n```\n")},
         ok=True, check=_code_block_kept),
    Case("checklist-not-closed", "```checklist on line 13 is never closed",
         {"content/causes.md": md(body="Intro.\n\n```checklist\nlegend: Have you\n")},
         ("content/causes.md:13: the checklist block is never closed — add a ``` line after it",)),
    Case("checklist-bad-yaml", "items: [a, b (unclosed bracket on line 15)",
         {"content/causes.md": md(body="Intro.\n\n```checklist\nlegend: Have you\nitems: [a, b\n```\n")},
         (f"content/causes.md:15: invalid YAML: a [ list is opened but never closed with ] — {YAML_HINT}",)),
    Case("checklist-colon-item", "a checklist item with ': ' in it ('  - Felt: flat and far away' on line 17)",
         {"content/causes.md": md(body="Intro.\n\n```checklist\nlegend: Have you\nintro: Not a diagnosis.\nitems:\n"
                                        "  - Felt: flat and far away\n  - Tired\nresults:\n  - {min: 0, message: ok}\n"
                                        "urgent_message: Get help.\n```\n")},
         ('content/causes.md:17: checklist item 1 was read as "name: value" because of the ": " in it — put the '
          'text in quotes: - "Felt: flat and far away"',)),
    Case("checklist-missing-field", "a checklist without urgent_message",
         {"content/causes.md": md(body="Intro.\n\n```checklist\nlegend: Have you\nintro: Not a diagnosis.\nitems:\n"
                                        "  - Felt flat\nresults:\n  - {min: 0, message: ok}\n```\n")},
         ('content/causes.md:14: "urgent_message" is missing from the checklist — add "urgent_message: …" '
          "(what to say when an urgent item is ticked)",)),
    # --- templates ------------------------------------------------------------------------------------
    Case("template-missing", "template: nosuch in the front matter (line 9)",
         {"content/causes.md": md(FRONT + "template: nosuch\n")},
         ('content/causes.md:9: template "nosuch" does not exist — use page or home, or create templates/nosuch.html',)),
    Case("template-syntax-error", "templates/page.html with '{{ page.title }' on line 3",
         {"templates/page.html": '{% extends "base.html" %}\n{% block content %}\n<h1>{{ page.title }</h1>\n'
                                 "{% endblock %}\n"},
         ("templates/page.html:3: template syntax error: unexpected '}' — check the {% %} and {{ }} tags on this line",)),
    Case("template-undefined", "templates/page.html uses page.tittle on line 3",
         {"templates/page.html": '{% extends "base.html" %}\n{% block content %}\n<h1>{{ page.tittle }}</h1>\n'
                                 "{% endblock %}\n"},
         ("templates/page.html:3: template error: 'page' has no attribute 'tittle' — did you mean \"title\"?",)),
    # --- site.yml -------------------------------------------------------------------------------------
    Case("site-base-url", "base_url: example.org",
         {"content/site.yml": SITE_YML.replace("https://example.org/", "example.org")},
         ('content/site.yml:2: "base_url" should be a full address starting with https:// — '
          'write the full address ending in "/", e.g. base_url: https://example.org/',)),
    Case("site-base-url-slash", "base_url without the final '/'",
         {"content/site.yml": SITE_YML.replace("https://example.org/", "https://example.org/numbness")},
         ("content/site.yml:2: \"base_url\" should end with '/' and have no '?' or '#' part — "
          'write the full address ending in "/", e.g. base_url: https://example.org/',)),
    Case("site-missing", "content/site.yml deleted",
         {"content/site.yml": None},
         ("content/site.yml: site.yml is missing — create content/site.yml with title, base_url and the other settings",)),
    Case("nav-missing-page", "nav lists causes, but there is no causes.md",
         {"content/site.yml": SITE_YML.replace("nav: [index, get-help]", "nav: [index, get-help, causes]")},
         ('content/site.yml:10: nav lists "causes", but there is no content/causes.md — fix the name or create the page',)),
    # --- one mistake, one problem: a page that fails to load is not reported again by what names it -------
    Case("translated-page-broken", "title:Causes (no space) in causes.md, which content/es/causas.md translates",
         {**SPANISH, "content/causes.md": md(FRONT.replace("title: Causes", "title:Causes")),
          "content/es/causas.md": page("Causas", "Texto corto.\n", translation_of="causes")},
         ("content/causes.md:3: invalid YAML: mapping values are not allowed in this context — " + YAML_HINT,)),
    Case("nav-page-not-utf8", "get-help.md (in nav, the help page and pinned in search) is not UTF-8",
         {"content/get-help.md": md(body="Caf\xe9 text.\n").encode("latin-1"),
          "content/site.yml": SITE_YML + "search:\n  pinned:\n    - {terms: [crisis], page: get-help}\n"},
         ("content/get-help.md:11: is not UTF-8 text — save the file with UTF-8 encoding",)),
    Case("anchor-into-unconverted-page", "a 12,000-character line in causes.md, which index.md links into",
         {"content/causes.md": md(body="## Part one\n\n" + "word " * 2400 + "\n"),
          "content/index.md": page("Home", "See [part one](causes.md#part-one) and [help](get-help.md).\n")},
         ("content/causes.md:13: a line longer than 10,000 characters — break it into shorter lines or paragraphs",)),
    Case("help-page-typo", "help_page: gethelp (line 11; the page is get-help.md)",
         {"content/site.yml": SITE_YML + "help_page: gethelp\n"},
         ('content/site.yml:11: the help page "gethelp" does not exist — did you mean "get-help"?',)),
    Case("spanish-nav-typo", "the Spanish nav (line 17) lists causas, but there is no content/es/causas.md",
         {**SPANISH, "content/site.yml": SPANISH["content/site.yml"].replace("[index, obtener-ayuda]",
                                                                             "[index, obtener-ayuda, causas]")},
         ('content/site.yml:17: nav lists "causas", but there is no content/es/causas.md — fix the name or create the page',)),
    Case("language-folder-missing", "content/es/ deleted while site.yml still lists es (line 13)",
         SPANISH, setup=lambda site: shutil.rmtree(site / "content" / "es"),
         errors=('content/site.yml:13: the folder content/es/ of language "es" is missing — create content/es/ with the '
                 "Español pages, or remove es from languages in site.yml",)),
    # --- crisis.yml -----------------------------------------------------------------------------------
    Case("crisis-bad-number", 'number: "116-123-CALL"',
         {"content/crisis.yml": CRISIS_YML.replace('"116 123"', '"116-123-CALL"')},
         ('content/crisis.yml:16: "number" is not a phone number (use digits, spaces and hyphens, e.g. "116 123") — '
          "number: phone number in quotes",)),
    Case("crisis-unquoted-number", "number: 116123 (a YAML number)",
         {"content/crisis.yml": CRISIS_YML.replace('"116 123"', "116123")},
         ('content/crisis.yml:16: "number" should be in quotes, e.g. "116 123", so leading zeros and spaces are kept — '
          "number: phone number in quotes",)),
    Case("crisis-legacy-number", 'number: "1-800-273-8255" (the retired US line)',
         {"content/crisis.yml": CRISIS_YML.replace('"116 123"', '"1-800-273-8255"')},
         ('content/crisis.yml:16: "number" is a legacy number that must not be published; use 988 — '
          "number: phone number in quotes",)),
    Case("crisis-missing-field", "a helpline without hours",
         {"content/crisis.yml": CRISIS_YML.replace("        hours: 24/7\n", "")},
         ('content/crisis.yml:9: "hours" is missing from a line of uk — add "hours: …" (opening hours, e.g. 24/7)',)),
    Case("crisis-unknown-region", "default_region: us (crisis.yml has only uk)",
         {"content/site.yml": SITE_YML.replace("default_region: uk", "default_region: us")},
         ('content/site.yml:8: default_region "us" is not a region in crisis.yml — use one of: uk',)),
    Case("crisis-missing", "content/crisis.yml deleted",
         {"content/crisis.yml": None},
         ("content/crisis.yml: crisis.yml is missing — every site needs crisis resources: create content/crisis.yml",)),
)
CASES = {case.name: case for case in CATALOGUE}
assert len(CASES) == len(CATALOGUE), "case names must be unique"


def catalogue_table() -> str:
    """Return the catalogue as a Markdown table: input → what the editor sees."""
    rows = ["| case | input | what the editor sees |", "|---|---|---|"]
    for case in CATALOGUE:
        rows.append(f"| {case.name} | {case.input} | {case.sees()} |".replace("\n", " "))
    return "\n".join(rows)


# --- running the cases -----------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one run of the command line did to a site."""

    site: Path
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, bytes]
    after: dict[str, bytes]
    leftovers: list[str]


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name.startswith((".dist.tmp-", ".dist.old-")))


def run_in_fork(*args: str) -> Run:
    """Run `build.py ARGS` in-process (a forked copy of this interpreter calling cli.main): no start-up cost."""
    return run_forked(list(args))


def run_cases(cases: list[Case], base: Path, root: Path) -> dict[str, Outcome]:
    """Copy the built base site for each case and apply it, run every `build` in forks; return what happened."""
    sites, befores = [], []
    for case in cases:
        site = root / case.name
        shutil.copytree(base, site, symlinks=True)
        write_files(site, case.files)
        if case.setup:
            case.setup(site)
        sites.append(site)
        befores.append(snapshot(site / "dist"))
    runs = run_forked_many([["build", "--site", str(site)] for site in sites])
    return {case.name: Outcome(site, run.returncode, run.stdout, run.stderr, before, snapshot(site / "dist"),
                               _leftovers(site))
            for case, site, before, run in zip(cases, sites, befores, runs)}


@pytest.fixture(scope="module")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the smallest valid site, built once successfully."""
    site = tmp_path_factory.mktemp("catalogue") / "base"
    write_files(site, default_files())
    result = run_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    return site


def _skipped(case: Case) -> bool:
    return bool(case.root_skip) and os.geteuid() == 0


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest, base_site: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Run every selected case (each in its own fork, a few at a time) and return the outcomes."""
    module = sys.modules[__name__]
    wanted = set()
    for item in request.session.items:  # only the cases this pytest run selected (e.g. with -k)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if getattr(item, "module", None) is module and "case" in params:
            wanted.add(params["case"].name)
    todo = [c for c in CATALOGUE if c.name in wanted and not _skipped(c)]
    root = tmp_path_factory.mktemp("cases")
    done = run_cases(todo, base_site, root)
    yield done
    for outcome in done.values():  # let tmp_path cleanup remove an unreadable file
        for path in outcome.site.rglob("*"):
            if not path.is_symlink() and path.is_file():
                path.chmod(0o644)


def _matches(pattern: str, line: str) -> bool:
    return bool(re.fullmatch(pattern[3:], line)) if pattern.startswith("re:") else pattern == line


def error_lines(outcome: Outcome) -> list[str]:
    """Return the problem lines of a failed build (no warnings, no summary)."""
    lines = outcome.stderr.splitlines()
    return [line for line in lines[:-1] if not line.startswith("warning: ")]


def warning_lines(outcome: Outcome) -> list[str]:
    """Return the warnings, without their 'warning: ' prefix."""
    return [line.removeprefix("warning: ") for line in outcome.stderr.splitlines() if line.startswith("warning: ")]


def assert_failed_cleanly(outcome: Outcome) -> None:
    """Exit 1, a summary last line, no traceback, dist/ untouched, no temporary folders left."""
    assert "Traceback" not in outcome.stderr
    assert outcome.returncode == 1, outcome.stderr
    last = outcome.stderr.splitlines()[-1]
    count = len(error_lines(outcome))
    noun = "problem" if count == 1 else "problems"
    assert last == f"Build failed: {count} {noun}; {outcome.site / 'dist'}/ was left unchanged", outcome.stderr
    assert outcome.stdout == ""
    assert outcome.after == outcome.before, "dist/ changed although the build failed"
    assert outcome.leftovers == []


def _params() -> list:
    params = []
    for case in CATALOGUE:
        marks = []
        if case.crash:
            marks.append(pytest.mark.xfail(strict=True, reason=case.crash))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def _exact_params() -> list:
    params = []
    for case in CATALOGUE:
        reason = case.crash or case.bug
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def test_catalogue_has_enough_cases():
    assert len(CATALOGUE) >= 30
    failing = [c for c in CATALOGUE if not c.ok]
    assert all(c.errors or c.want for c in failing), "every failing case names what the editor sees"


@pytest.mark.parametrize("case", _params())
def test_catalogue_case(case: Case, outcomes: dict[str, Outcome]):
    if _skipped(case):
        pytest.skip(case.root_skip)
    outcome = outcomes[case.name]
    if case.ok:
        assert "Traceback" not in outcome.stderr
        assert outcome.returncode == 0, outcome.stderr
        assert warning_lines(outcome) == list(case.warnings)
        note = f" ({len(case.warnings)} warning{'s' if len(case.warnings) != 1 else ''})" if case.warnings else ""
        out = re.escape(f"{outcome.site / 'dist'}/{note}")
        assert re.fullmatch(rf"Built 3 pages in \d+\.\d\d s → {out}\n", outcome.stdout), outcome.stdout
        assert outcome.after != outcome.before and "causes/index.html" in outcome.after
        assert outcome.leftovers == []
        if case.check:
            case.check(outcome.site / "dist")
        return
    assert_failed_cleanly(outcome)
    printed = error_lines(outcome)
    for expected in case.errors:
        assert any(_matches(expected, line) for line in printed), f"missing {expected!r} in:\n{outcome.stderr}"
    assert [w for w in warning_lines(outcome)] == list(case.warnings)


@pytest.mark.parametrize("case", [p for p in _exact_params() if not p.values[0].ok])
def test_catalogue_prints_exactly(case: Case, outcomes: dict[str, Outcome]):
    """The problem lines are exactly the expected ones: nothing missing, no follow-on noise, the right line."""
    if _skipped(case):
        pytest.skip(case.root_skip)
    outcome = outcomes[case.name]
    assert outcome.returncode == 1 and "Traceback" not in outcome.stderr
    expected = list(case.want or case.errors)
    printed = error_lines(outcome)
    assert len(printed) == len(expected), outcome.stderr
    for pattern, line in zip(expected, printed):
        assert _matches(pattern, line), f"{line!r} does not match {pattern!r}"


# --- page names the site uses itself ---------------------------------------------------------------------

@pytest.mark.parametrize(("title", "expected"), [
    ("Search", 'content/search.md: the page name "search" is taken by the generated /search/ page — choose another '
               'title, e.g. "Search page"'),
    ("Print", 'content/print.md: the page name "print" is taken by the generated /print/ page — choose another title, '
              'e.g. "Print page"'),
    ("Offline", 'content/offline.md: the page name "offline" is taken by the generated /offline/ page — choose another '
                'title, e.g. "Offline page"'),
    ("ES", 'content/es.md: the page name "es" is the address of the Español pages (/es/) — choose another title, '
           'e.g. "ES page"'),
])
def test_new_refuses_the_names_of_generated_pages_and_other_languages(make_site, title: str, expected: str):
    """`new` refuses what the next build would refuse (exit 1, nothing written), with the build's words."""
    site = make_site(SPANISH)
    before = sorted(p.name for p in (site / "content").iterdir())
    run = run_in_fork("new", title, "--site", str(site))
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [expected]
    assert sorted(p.name for p in (site / "content").iterdir()) == before


def test_a_page_named_like_another_language_is_refused_by_the_build(make_site):
    site = make_site({**SPANISH, "content/es.md": md()})
    run = run_in_fork("check", "--site", str(site))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[:-1] == [
        'content/es.md: the page name "es" is the address of the Español pages (/es/) — rename it, e.g. to es-page.md']


def test_two_pages_writing_one_output_file_are_both_named(make_site, monkeypatch):
    """Should a page still get past the name checks to the writers, their error names both content files."""
    import feelagain.pipeline as pipeline

    monkeypatch.setattr(pipeline, "reserved_name", lambda *args: None)  # the fork inherits it
    site = make_site({**SPANISH, "content/es.md": md()})
    run = run_in_fork("build", "--site", str(site))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[:-1] == [
        "content/es.md: writes es/index.html, which content/es/index.md also writes (two sources write the same "
        "output file) — rename one of them"]


# --- raw HTML policy -------------------------------------------------------------------------------------

RAW_BODY = """\
Intro.

<script>alert(1)</script>

<iframe src="https://evil.example/frame"></iframe>

<img src="../assets/img/favicon.svg" alt="A picture" onerror="alert(2)">

<p><a href="javascript:alert(3)">Click</a></p>

<p style="color:red">Red words.</p>

<img src="data:image/png;base64,AAAA" alt="Dot">

More.
"""
RAW_WARNINGS = [  # body text starts on line 11 (see FRONT)
    f"content/causes.md:13: raw HTML removed: <script> — {HTML_HINT}",
    f'content/causes.md:15: raw HTML removed: <iframe>, src="https://evil.example/frame" — {HTML_HINT}',
    f"content/causes.md:17: raw HTML removed: onerror= — {HTML_HINT}",
    f'content/causes.md:19: raw HTML removed: href="javascript:alert(3)" — {HTML_HINT}',
    f"content/causes.md:21: raw HTML removed: style= — {HTML_HINT}",
    f'content/causes.md:23: raw HTML removed: src="data:image/png;base64,AAAA" — {HTML_HINT}',
]


@pytest.fixture
def raw_site(make_site) -> Path:
    """Return a built site, then add a page full of unsafe raw HTML."""
    site = make_site()
    assert run_in_fork("build", "--site", str(site)).returncode == 0
    write_files(site, {"content/causes.md": md(body=RAW_BODY)})
    return site


def test_raw_html_is_removed_with_a_warning_per_line(raw_site: Path):
    result = run_in_fork("build", "--site", str(raw_site))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(line.removeprefix("warning: ") for line in result.stderr.splitlines()) == RAW_WARNINGS
    assert result.stdout.rstrip().endswith("(6 warnings)")
    for path in ("causes/index.html", "embed/causes/index.html"):
        html = (raw_site / "dist" / path).read_text(encoding="utf-8")
        body = html[html.index("<p>Intro.</p>"):html.index("<p>More.</p>")]
        for banned in ("<script", "<iframe", "onerror", "javascript:", "style=", "data:", "alert("):
            assert banned not in body, f"{banned} survived in {path}: {body}"
        assert re.search(r'<img src="[^"]*assets/favicon\.[0-9a-f]{8}\.svg" alt="A picture">', body)  # re-rooted
        assert "<p>Red words.</p>" in body
    api = (raw_site / "dist" / "api" / "pages" / "causes.json").read_text(encoding="utf-8")
    for banned in ("<script", "<iframe", "onerror", "javascript:", "style=", "data:image"):
        assert banned not in api, f"{banned} survived in the content API"


def test_warnings_of_a_successful_build_are_in_line_order(raw_site: Path):
    result = run_in_fork("build", "--site", str(raw_site))
    assert result.returncode == 0
    assert [line.removeprefix("warning: ") for line in result.stderr.splitlines()] == RAW_WARNINGS


def test_raw_html_fails_the_build_with_strict(raw_site: Path):
    before = snapshot(raw_site / "dist")
    result = run_in_fork("build", "--site", str(raw_site), "--strict")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[:-1] == RAW_WARNINGS  # the same lines, now as errors (no "warning: " prefix)
    assert lines[-1] == f"Build failed: 6 problems; {raw_site / 'dist'}/ was left unchanged"
    assert snapshot(raw_site / "dist") == before


def _build_page(make_site, body: str, *args: str):
    site = make_site({"content/causes.md": md(body=body)})
    result = run_in_fork("build", "--site", str(site), *args)
    html = (site / "dist" / "causes" / "index.html").read_text(encoding="utf-8") if result.returncode == 0 else ""
    return result, html


def test_inline_raw_html_keeps_its_text_inside_the_element(make_site):
    result, html = _build_page(make_site, 'Intro.\n\nRead <a href="https://www.nhs.uk/">the NHS page</a> and '
                                          '<abbr title="general practitioner">GP</abbr> notes.\n')
    assert result.returncode == 0, result.stderr
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer">the NHS page</a>' in html
    assert '<abbr title="general practitioner">GP</abbr>' in html


def test_inline_script_text_is_not_published(make_site):
    result, html = _build_page(make_site, "Intro <script>alert(1)</script> inline.\n")
    assert result.returncode == 0, result.stderr
    assert "alert(1)" not in html


def test_attr_list_cannot_add_event_handlers_or_styles(make_site):
    result, html = _build_page(make_site, 'Intro.\n\nPara.\n{: onclick="alert(1)" style="color:red" }\n\n'
                                          '[x](https://a.example/){: onmouseover="alert(2)" }\n')
    assert "Traceback" not in result.stderr
    assert result.returncode == 1 or ("onclick" not in html and "onmouseover" not in html and "style=" not in html)


def test_entity_encoded_javascript_link_is_refused(make_site):
    result, html = _build_page(make_site, "Intro.\n\n[x](java&#x09;script:alert(1)) and "
                                          "[y](&#106;avascript:alert(2))\n")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, html


# --- link policy -----------------------------------------------------------------------------------------

def test_only_safe_schemes_survive_and_external_links_get_rel(make_site):
    # tel: and sms: numbers must be in the site's crisis.yml (crisis-number rule): 116 123 is.
    body = ("Intro.\n\n[a](https://www.nhs.uk/) [b](mailto:help@example.org) [c](tel:116123) [d](sms:116123) "
            "[e](get-help.md) [f](#part) <https://www.mind.org.uk/>\n\n## Part\n\nText.\n")
    site = make_site({"content/causes.md": md(body=body)})
    result = run_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    html = (site / "dist" / "causes" / "index.html").read_text(encoding="utf-8")
    prose = html[html.index('<div class="prose">'):html.index("</div>", html.index('<div class="prose">'))]
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer">a</a>' in prose
    assert '<a href="https://www.mind.org.uk/" rel="noopener noreferrer">https://www.mind.org.uk/</a>' in prose
    assert '<a href="mailto:help@example.org">b</a>' in prose
    assert '<a href="tel:116123">c</a>' in prose
    assert '<a href="sms:116123">d</a>' in prose
    assert '<a href="../get-help/">e</a>' in prose
    assert '<a href="#part">f</a>' in prose
    hrefs = re.findall(r'href="([^"]*)"', html)
    for href in hrefs:
        scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", href)
        assert scheme is None or scheme.group(1) in ("https", "mailto", "tel", "sms"), href
    for tag in re.findall(r"<a [^>]*href=\"https://[^>]*>", prose):  # template links are the templates' business
        assert 'rel="noopener noreferrer"' in tag, tag


UNSAFE = ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)", "data:text/html,hi",
          "http://www.nhs.uk/", "ftp://files.example/x", "file:///etc/passwd"]


def test_unsafe_schemes_fail_the_build(make_site):
    site = make_site()
    assert run_in_fork("build", "--site", str(site)).returncode == 0
    before = snapshot(site / "dist")
    body = "Intro.\n\n" + "".join(f"See [this]({href}) now.\n\n" for href in UNSAFE)
    write_files(site, {"content/causes.md": md(body=body)})
    result = run_in_fork("build", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:-1] == [  # body text starts on line 11; one link every other line
        f"content/causes.md:{13 + 2 * i}: link with an unsafe scheme: {href[:40]} — {SCHEME_HINT}"
        for i, href in enumerate(UNSAFE)]
    assert snapshot(site / "dist") == before


if __name__ == "__main__":
    print(catalogue_table())


def test_a_doi_source_is_linked_on_the_page_and_in_the_structured_data(make_site):
    front = FRONT.replace("  - {publisher: Mind, title: Two, url: https://www.mind.org.uk/}\n",
                          "  - {publisher: BJPsych, title: Two, year: 2009, doi: 10.1192/bjp.bp.108.051110}\n")
    site = make_site({"content/causes.md": md(front, body="Intro.\n\nIn one survey, 46% said so.[^b]\n\n"
                                                          "[^b]: Price and others (2009).\n")})
    result = run_in_fork("build", "--site", str(site), "--strict")
    assert result.returncode == 0, result.stderr
    html = (site / "dist" / "causes" / "index.html").read_text(encoding="utf-8")
    assert ('<li>BJPsych (2009). <cite>Two</cite>. DOI: <a href="https://doi.org/10.1192/bjp.bp.108.051110">'
            "10.1192/bjp.bp.108.051110</a></li>") in html
    assert ('"url":"https://doi.org/10.1192/bjp.bp.108.051110","datePublished":"2009","identifier":'
            '{"@type":"PropertyValue","propertyID":"doi","value":"10.1192/bjp.bp.108.051110"}') in html
    assert '<h2 class="footnotes__title" id="fa-notes">Notes</h2>' in html


def test_a_statistic_without_a_footnote_fails_only_a_strict_build(make_site):
    site = make_site({"content/causes.md": md(body="Intro.\n\nIn one survey, 46% said so.\n")})
    assert run_in_fork("build", "--site", str(site)).returncode == 0
    result = run_in_fork("build", "--site", str(site), "--strict")
    assert result.returncode == 1
    assert 'content/causes.md:13: statistic "46%" has no footnote' in result.stderr


def test_a_statistic_in_a_key_point_or_the_description_fails_a_strict_build_at_its_line(make_site):
    """Key points and the description cannot carry a footnote (a marker there shows as typed): a figure belongs
    in the body. Lines: 3 description, 9 summary, 10 and 11 its items."""
    front = FRONT.replace("Why it happens.", "Why it happens to 1 in 10 people.") + (
        "summary:\n  - It is common.\n  - Twenty per cent said so.[^a]\n")
    site = make_site({"content/causes.md": md(front, body="Intro.\n")})
    assert run_in_fork("build", "--site", str(site)).returncode == 0
    result = run_in_fork("check", "--strict", "--site", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    hint = ("footnotes work only in the body: keep figures out of the title, description and key points, and give "
            "them in the body with a footnote to the source — see docs/editing.md")
    assert result.stderr.splitlines()[:-1] == [
        f'content/causes.md:3: statistic "1 in 10" in the front matter — {hint}',
        f'content/causes.md:11: statistic "Twenty per cent" in the front matter — {hint}']


def test_check_finds_a_missing_image_and_names_a_pages_version_in_its_own_language(make_site):
    """`check` (which writes nothing) knows the names in assets/ and which page translates which: a missing image
    and a link into the other language are reported as `build` reports them."""
    site = make_site({**SPANISH,
                      "content/causes.md": md(body="Intro.\n\n![A calm lake](../assets/img/lake.jpg)\n"),
                      "content/es/index.md": page("Inicio", "Hola. Mira la [ayuda](get-help.md).\n",
                                                  translation_of="index")})
    run = run_in_fork("check", "--site", str(site))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    said = run.stderr.splitlines()[:-1]
    assert any(line.startswith("content/causes.md:") and "image ../assets/img/lake.jpg not found" in line
               for line in said), said
    assert any(line.startswith("content/es/index.md:") and "link to obtener-ayuda.md" in line for line in said), said


def test_a_link_to_a_page_only_in_another_language_names_no_version(make_site):
    """A Spanish page with no English version: a link to it from an English page must not advise linking to
    a file that does not exist."""
    site = make_site({**SPANISH,
                      "content/es/solo.md": page("Solo", "Solo en español.\n"),
                      "content/causes.md": md(body="Intro. See [solo](solo.md).\n")})
    run = run_in_fork("check", "--site", str(site))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    said = [line for line in run.stderr.splitlines() if "solo.md" in line]
    assert said and all("its version in" not in line for line in said), said


def test_a_note_translation_without_a_note_is_one_problem(make_site):
    """The bad translation is reported at its line; the region itself stays, so a language whose default_region
    names it gets no second, false 'is not a region' problem."""
    crisis = CRISIS_YML + (  # a second region, the Spanish pages' first, whose translation has a note
        "  - code: intl\n    name: Other countries\n    translations: {es: {name: Otros países, note: Gratis.}}\n    emergency: null\n"
        "    lines:\n      - name: Find A Helpline\n        description: Find a helpline.\n        hours: 24/7\n"
        "        verified_on: 2026-11-20\n        source: https://findahelpline.com\n"
        "        contacts: [{kind: web, url: https://findahelpline.com}]\n")
    site_yml = SPANISH["content/site.yml"].replace("    default_region: uk\n", "    default_region: intl\n")
    assert site_yml != SPANISH["content/site.yml"]
    site = make_site({**SPANISH, "content/site.yml": site_yml, "content/crisis.yml": crisis})
    run = run_in_fork("check", "--site", str(site))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    line = 1 + crisis.splitlines().index("  - code: intl") + 2
    assert run.stderr.splitlines()[:-1] == [
        f'content/crisis.yml:{line}: translations.es.note of region "intl" translates a note its emergency number '
        "does not have — add the English note to emergency (note: …), or remove note from the translation"]
