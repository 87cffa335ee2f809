"""Catalogue, round 2 (issue #13): hangs, crashes and vague messages found by the second hostile-input hunt.

The cases reuse the machinery of `test_catalogue` (its `Case`, expected-line syntax and clean-failure checks) but
run in-process: each case is a forked copy of this interpreter that calls `feelagain.cli.main`, so there is no
Python start-up per case, and a hang is cut off (and reported) instead of blocking the suite. Every case must
finish within `BUDGET` seconds (generous, for the hang cases of item 7 on a busy machine).

Run `python -m tests.integration.test_catalogue_round2` to print the table "input → what the editor sees".
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.integration.test_catalogue import (  # noqa: F401 (base_site is a fixture used here)
    FRONT,
    YAML_HINT,
    Case,
    Outcome,
    _leftovers,
    _matches,
    assert_failed_cleanly,
    base_site,
    error_lines,
    md,
    snapshot,
    warning_lines,
)
from tests.support.forked import run_forked
from tests.support.sites import CRISIS_YML, SITE_YML, page, write_files

BUDGET = 5.0  # seconds any case may take (the hang cases of items 6-9 took from 3 s to forever)
KILL_AFTER = float(os.environ.get("ROUND2_KILL_AFTER", "30"))  # a case still running then is a hang: kill it and fail


@dataclass(frozen=True)
class Case2(Case):
    """A round-2 case: which item of issue #13 it covers, and the command it runs (default: build)."""

    item: int = 0
    args: tuple[str, ...] = ()  # e.g. ("new", "Embed"); "--site DIR" is added

    def sees(self) -> str:
        """Return what the editor sees, for the table."""
        if self.args and self.ok:
            return "exit 0: " + " / ".join(self.warnings or ("creates the page",))
        return super().sees()


def page_with(front_extra: str = "", body: str = "Short text here.\n", front: str = FRONT) -> str:
    """Return the catalogue's causes page with extra front matter lines and a body."""
    return md(front + front_extra, body)


def nested_yaml(depth: int) -> str:
    """Return a YAML value nested depth levels deep in flow style: [[[…]]]."""
    return "[" * depth + "]" * depth


def billion_laughs(levels: int, key: str = "lol") -> str:
    """Return YAML lines that define 9-fold aliases, levels deep (the 'billion laughs' shape)."""
    lines = [f'{key}0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"{key}{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _literal_href_kept(dist: Path) -> None:
    for path in ("causes/index.html", "embed/causes/index.html"):
        html = (dist / path).read_text(encoding="utf-8")
        assert '<p>Write href="plain" or src="pic.png" in a tag.</p>' in html, path
        assert '<code>&lt;a href="plain"&gt;</code>' in html, path
    api = json.loads((dist / "api" / "pages" / "causes.json").read_text(encoding="utf-8"))
    assert 'Write href="plain" or src="pic.png" in a tag.' in json.dumps(api, ensure_ascii=False).replace('\\"', '"')


def _fifo(site: Path) -> None:
    os.mkfifo(site / "content" / "pipe.md")


def _symlink_loop(site: Path) -> None:
    os.symlink("loop.md", site / "content" / "loop.md")


def _content_is_a_file(site: Path) -> None:
    shutil.rmtree(site / "content")
    (site / "content").write_text("not a folder\n", encoding="utf-8")


def _bad_base_template(site: Path) -> None:
    base = Path(__file__).resolve().parents[2] / "templates" / "base.html"
    data = base.read_bytes()
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "base.html").write_bytes(data.replace(b"<html", b"<html data-x=\"\xff\"", 1))


def _rename_help_page(site: Path) -> None:
    (site / "content" / "get-help.md").rename(site / "content" / "help.md")


SITE_LINES = SITE_YML.splitlines()
BASE_HINT = 'write the full address ending in "/", e.g. base_url: https://example.org/'
ALIAS = "an alias (*name) is not allowed here — write the value out instead of using & and *"
DEEP = "the YAML is nested more than 50 levels deep — write it out flat: a list of 'key: value' entries"
BILLION = billion_laughs(9)
CRISIS_DEFAULT = 'default_region "uk" is not a region in crisis.yml'
LONG_LINE = "a line longer than 10,000 characters — break it into shorter lines or paragraphs"
BRACKETS = ("too many '[' and '(' nested or left open in one paragraph — close each [ with ] and each ( with ), "
            "or write \\[ and \\( for brackets that are only text")


def site(*replace: tuple[str, str], add: str = "") -> str:
    """Return the test site.yml with some text replaced and lines added."""
    text = SITE_YML
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text + add


CATALOGUE2: tuple[Case2, ...] = (
    # --- 1: base_url must be a plain address ----------------------------------------------------------
    Case2("base-url-quote-script", 'base_url: https://x.org/"><script>alert(1)</script>/', item=1,
          files={"content/site.yml": site(("base_url: https://example.org/",
                                           "base_url: 'https://example.org/\"><script>alert(1)</script>/'"))},
          errors=('content/site.yml:2: "base_url" should be a plain web address without spaces, quotes or < > — '
                  + BASE_HINT,)),
    Case2("base-url-newline", 'base_url: "https://example.org/\\nDisallow: /" (a newline into robots.txt)', item=1,
          files={"content/site.yml": site(("base_url: https://example.org/",
                                           'base_url: "https://example.org/\\nDisallow: /"'))},
          errors=('content/site.yml:2: "base_url" should be a plain web address without spaces, quotes or < > — '
                  + BASE_HINT,)),
    Case2("base-url-userinfo", "base_url: https://user:secret@example.org/", item=1,
          files={"content/site.yml": site(("base_url: https://example.org/",
                                           "base_url: https://user:secret@example.org/"))},
          errors=('content/site.yml:2: "base_url" should not hold a user name or password — ' + BASE_HINT,)),
    Case2("base-url-no-host", "base_url: https:///path/", item=1,
          files={"content/site.yml": site(("base_url: https://example.org/", "base_url: https:///path/"))},
          errors=('content/site.yml:2: "base_url" should be a full address starting with https:// — ' + BASE_HINT,)),
    # --- 6: YAML aliases (billion laughs) -------------------------------------------------------------
    Case2("yaml-billion-laughs-front-matter", "9 levels of 9-fold aliases in the front matter", item=6,
          files={"content/causes.md": page_with(BILLION)},
          errors=(f"content/causes.md:10: {ALIAS}",)),
    Case2("yaml-billion-laughs-site", "9 levels of 9-fold aliases in site.yml", item=6,
          files={"content/site.yml": site(add="lint:\n  disabled: []\n" + billion_laughs(9, "x"))},
          errors=(f"content/site.yml:14: {ALIAS}",)),
    Case2("yaml-billion-laughs-crisis", "9 levels of 9-fold aliases in crisis.yml", item=6,
          files={"content/crisis.yml": CRISIS_YML + billion_laughs(9)},
          errors=(f"content/crisis.yml:18: {ALIAS}",)),
    Case2("yaml-billion-laughs-checklist", "9 levels of 9-fold aliases in a ```checklist block", item=6,
          files={"content/causes.md": page_with(body="Intro.\n\n```checklist\n" + BILLION + "```\n")},
          errors=(f"content/causes.md:15: {ALIAS}",)),
    Case2("yaml-merge-key", "a merge key '<<: *base' in a source", item=6,
          files={"content/causes.md": md(FRONT.replace("  - {publisher: NHS, title: One, url: https://www.nhs.uk/}",
                                                       "  - &s {publisher: NHS, title: One, url: https://www.nhs.uk/}\n  - {<<: *s, title: X}"))},
          errors=(f"content/causes.md:8: {ALIAS}",)),
    # --- 7: quadratic Markdown and regexes ------------------------------------------------------------
    Case2("md-10k-brackets-line", "one 10 KB line of '['", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "[" * 10_000 + "\n")},
          errors=(f"content/causes.md:13: {BRACKETS}",)),
    Case2("md-nested-closed-brackets", "'[' × 3,000 then ']' × 3,000 (closed, but nested)", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "[" * 3_000 + "]" * 3_000 + "\n")},
          errors=(f"content/causes.md:13: {BRACKETS}",)),
    Case2("md-many-links", "2,000 ordinary links in one paragraph (builds)", item=7, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "See [the NHS](https://www.nhs.uk/) page.\n" * 2_000)},
          warnings=("content/causes.md:13: paragraph has 2000 sentences > 5 — split it into smaller paragraphs or a list",)),
    Case2("md-100k-brackets", "100 KB of '[' over 100-character lines", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + ("[" * 100 + "\n") * 1000)},
          errors=(f"content/causes.md:13: {BRACKETS}",)),
    Case2("md-link-openers", "'[](' × 30,000 (in 100-character lines)", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + ("[](" * 33 + "\n") * 910)},
          errors=(f"content/causes.md:13: {BRACKETS}",)),
    Case2("md-guillemets-line", "'‹' × 100,000 on one line", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "‹" * 100_000 + "\n")},
          errors=(f"content/causes.md:13: {LONG_LINE}",)),
    Case2("md-guillemets", "'‹' × 100,000 (in 100-character lines)", item=7, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n" + ("‹" * 100 + "\n") * 1000)},
          warnings=()),
    Case2("md-attr-list-openers", "'para {: ' × 50,000 on one line", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "para {: " * 50_000 + "\n")},
          errors=(f"content/causes.md:13: {LONG_LINE}",)),
    Case2("md-attr-list-openers-lines", "'para {: ' × 1,250 per line, 40 lines (under the line limit)", item=7, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n" + ("para {: " * 1_250 + "\n") * 40)},
          warnings=("content/causes.md:10: reading grade 19496.6 > 8 — split long sentences and prefer short words",
                    "content/causes.md:13: paragraph reading grade 19496.2 > 10 — split long sentences and prefer short words",
                    'content/causes.md:13: sentence has 50000 words > 25 ("para {: para {: para…") — split it into '
                    "shorter sentences")),
    Case2("md-nested-divs", "50,000 nested <div>", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "<div>\n" * 50_000 + "x\n")},
          errors=("content/causes.md:113: raw HTML nested more than 100 levels deep — close each element (</div>) "
                  "before the next one, or write it in Markdown",)),
    Case2("md-many-headings", "1.9 MB of '## A' headings", item=7,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "## A\n\n" * 316_000)},
          errors=("content/causes.md:2013: more than 1,000 headings on one page — split it into smaller pages",)),
    # --- 8: crashes ("internal error") --------------------------------------------------------------
    Case2("yaml-nested-front-matter", "a value nested 500 deep in the front matter", item=8,
          files={"content/causes.md": page_with("aspect: " + nested_yaml(500) + "\n")},
          errors=(f"content/causes.md:9: {DEEP}",)),
    Case2("yaml-nested-site", "a value nested 999 deep in site.yml", item=8,
          files={"content/site.yml": site(add="tagline: " + nested_yaml(999) + "\n")},
          errors=(f"content/site.yml:11: {DEEP}",)),
    Case2("yaml-nested-crisis", "a value nested 400 deep in crisis.yml", item=8,
          files={"content/crisis.yml": CRISIS_YML.replace("hours: 24/7", "hours: " + nested_yaml(400))},
          errors=(f"content/crisis.yml:11: {DEEP}",)),
    Case2("yaml-nested-checklist", "a value nested 400 deep in a checklist", item=8,
          files={"content/causes.md": page_with(body="Intro.\n\n```checklist\nlegend: " + nested_yaml(400) + "\n```\n")},
          errors=(f"content/causes.md:14: {DEEP}",)),
    Case2("md-list-500-deep", "a Markdown list nested 500 deep", item=8,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "".join("    " * i + "- x\n" for i in range(500)))},
          errors=("content/causes.md:24: a list nested more than 10 levels deep — use fewer levels of sub-lists",)),
    Case2("md-20k-stars", "20,000 '*' on one line", item=8,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "*" * 20_000 + "\n")},
          errors=(f"content/causes.md:13: {LONG_LINE}",)),
    Case2("md-stars-around-word", "'*' × 2,000, a word, '*' × 2,000 (emphasis nested 2,000 deep)", item=8,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "*" * 2_000 + "a" + "*" * 2_000 + "\n")},
          errors=("content/causes.md:13: more than 100 '*' or '_' in a row — write \\* for a star that is only text, "
                  "and use one level of bold or italics",)),
    Case2("md-nested-strong", "'**a ' × 1,000, b, ' a**' × 1,000 (bold nested 1,000 deep: the recursion safety net)",
          item=8, files={"content/causes.md": page_with(body="Intro.\n\n" + "**a " * 1_000 + "b" + " a**" * 1_000 + "\n")},
          errors=("content/causes.md:13: the page is nested too deeply to convert — use fewer levels of lists, quotes, "
                  "bold or italics, and HTML elements",)),
    Case2("md-ruled-line", "a 300-character ruled line of '_' (a long <hr>, builds)", item=8, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "_" * 300 + "\n\nMore.\n")}),
    Case2("md-4k-stars", "4,000 '*' on one line (under the line limit)", item=8, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n" + "*" * 4_000 + "\n")}),
    Case2("yaml-bool-maybe", "faq: !!bool maybe", item=8,
          files={"content/causes.md": page_with("faq: !!bool maybe\n")},
          errors=('content/causes.md:9: "maybe" is not true or false — write true or false, without !!bool',)),
    Case2("yaml-timestamp-nope", "reviewed: !!timestamp nope", item=8,
          files={"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: !!timestamp nope"))},
          errors=('content/causes.md:4: "nope" is not a date — write an existing date as YYYY-MM-DD',)),
    Case2("symlink-loop", "content/loop.md → loop.md (a symlink loop)", item=8, setup=_symlink_loop,
          errors=("content/loop.md: is a link in a loop (it never reaches a file) — replace the link with the file",)),
    # --- 9: not a regular file ----------------------------------------------------------------------
    Case2("named-pipe", "content/pipe.md is a named pipe (FIFO)", item=9, setup=_fifo,
          errors=("content/pipe.md: is not a regular file — pages must be normal files; remove it or save it as a file",)),
    # --- 13: lint thresholds --------------------------------------------------------------------------
    Case2("lint-nan", "lint: {max_grade: .nan}", item=13,
          files={"content/site.yml": site(add="lint:\n  max_grade: .nan\n")},
          errors=('content/site.yml:12: "max_grade" should be a number from 1 to 30 but is nan — write e.g. "max_grade: 8.0"',)),
    Case2("lint-inf", "lint: {max_paragraph_grade: .inf}", item=13,
          files={"content/site.yml": site(add="lint:\n  max_paragraph_grade: .inf\n")},
          errors=('content/site.yml:12: "max_paragraph_grade" should be a number from 1 to 30 but is inf — '
                  'write e.g. "max_paragraph_grade: 10.0"',)),
    # --- 14: wrong or vague messages ------------------------------------------------------------------
    Case2("date-huge-integer", "reviewed: 9 × 5000 (a 5000-digit number)", item=14,
          files={"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: " + "9" * 5000))},
          errors=("content/causes.md:4: a number with 5000 digits is too long to read — write a shorter number, "
                  "or put the text in quotes",)),
    Case2("date-int-abc", "reviewed: !!int abc", item=14,
          files={"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: !!int abc"))},
          errors=('content/causes.md:4: "abc" is not a whole number — write a number without !!int',)),
    Case2("date-with-timezone", "reviewed: 2026-01-01 10:00:00+02:00", item=14,
          files={"content/causes.md": md(FRONT.replace("reviewed: 2026-11-01", "reviewed: 2026-01-01 10:00:00+02:00"))},
          errors=('content/causes.md:4: "reviewed" should be a date like 2026-11-25 but is a date and time — '
                  "reviewed: date of the last review, YYYY-MM-DD",)),
    Case2("nav-twice", "nav lists index twice", item=14,
          files={"content/site.yml": site(("nav: [index, get-help]", "nav: [index, get-help, index]"))},
          errors=('content/site.yml:10: nav lists "index" twice — keep one of them',)),
    Case2("nav-typo", "nav: [index, get-hlep]", item=14,
          files={"content/site.yml": site(("nav: [index, get-help]", "nav: [index, get-hlep]"))},
          errors=('content/site.yml:10: nav lists "get-hlep", but there is no content/get-hlep.md — '
                  'did you mean "get-help"?',)),
    Case2("crisis-one-bad-region", "the default region has one bad number; another region is fine", item=14,
          files={"content/crisis.yml": CRISIS_YML.replace('number: "999"', 'number: "9"')
                 + "  - code: intl\n    name: Anywhere else\n    emergency: null\n    lines: []\n"},
          errors=('content/crisis.yml:5: "number" is not a phone number (use digits, spaces and hyphens, e.g. "116 123") '
                  '— number: emergency number in quotes, e.g. "999"',)),
    Case2("template-not-utf8", "templates/base.html saved as Latin-1", item=14, setup=_bad_base_template,
          errors=("templates/base.html:3: is not UTF-8 text — save the file with UTF-8 encoding",)),
    Case2("help-page-renamed", "get-help.md renamed to help.md (site.yml unchanged)", item=14,
          setup=_rename_help_page,
          errors=('content/site.yml: the help page "get-help" does not exist — create content/get-help.md or set '
                  'help_page in site.yml',
                  'content/site.yml:10: nav lists "get-help", but there is no content/get-help.md — did you mean "help"?')),
    Case2("help-page-renamed-everywhere", "get-help.md renamed to help.md, and help_page, nav and links updated",
          item=14, ok=True, setup=_rename_help_page,
          files={"content/site.yml": site(("nav: [index, get-help]", "nav: [index, help]"), add="help_page: help\n"),
                 "content/index.md": page("Home", "Welcome. Read about [getting help](help.md).\n"),
                 "content/causes.md": page_with(body="Intro. If you think about suicide, [get help now](help.md).\n")}),
    Case2("yaml-tab-after-colon", "front matter with a tab in the indentation of a list item", item=14,
          files={"content/causes.md": md(FRONT.replace("  - {publisher: Mind", "\t- {publisher: Mind"))},
          errors=("content/causes.md:8: invalid YAML: a tab character is used for indentation — "
                  "use spaces, not tabs, to indent",)),
    Case2("raw-html-line", "raw HTML removed below a code sample that shows the same attribute", item=14,
          files={"content/causes.md": page_with(body='Intro.\n\n```html\n<p onclick="x()">Example</p>\n```\n\n'
                                                     'Never use `onclick=` here.\n\n<p onclick="y()">Real</p>\n')},
          ok=True,
          warnings=("content/causes.md:19: raw HTML removed: onclick= — write it in Markdown, or use only plain "
                    "HTML without scripts, frames or styles",)),
    Case2("raw-html-tab", "a raw-HTML link whose address holds an encoded tab (java&#9;script:)", item=14,
          files={"content/causes.md": page_with(body='Intro.\n\n<p><a href="java&#9;script:alert(1)">x</a></p>\n')},
          ok=True,
          warnings=('content/causes.md:13: raw HTML removed: href="java\\tscript:alert(1)" — write it in Markdown, '
                    "or use only plain HTML without scripts, frames or styles",)),
    # --- 16: text the engine must not rewrite or duplicate ------------------------------------------
    Case2("href-in-prose", 'prose and code that show href="plain" (embeds and the API keep them as written)', item=16,
          ok=True, check=_literal_href_kept,
          files={"content/causes.md": page_with(body='Intro.\n\nWrite href="plain" or src="pic.png" in a tag.\n\n'
                                                     '`<a href="plain">`\n')}),
    Case2("heading-need-help", "## Need help? in a body (the template uses id need-help)", item=16, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\n## Need help?\n\nText.\n")}),
    Case2("attr-id-main", "Para.{: #main } (the template's own id)", item=16,
          files={"content/causes.md": page_with(body="Intro.\n\nPara.\n{: #main }\n")},
          errors=('content/causes.md:14: the id "main" is used by the page template — choose another id',)),
    Case2("checklist-token-literal", "the text FEELAGAINCHECKLIST0X in a page with a checklist", item=16, ok=True,
          files={"content/causes.md": page_with(body="Intro.\n\nFEELAGAINCHECKLIST0X\n\n```checklist\n"
                                                     "legend: Have you felt\nintro: This is not a test.\n"
                                                     "items:\n  - {text: Flat, urgent: true}\nresults:\n  - {min: 0, message: Thanks.}\n"
                                                     "urgent_message: Get help now.\n```\n")}),
    Case2("verified-on-future", "verified_on: 2999-01-01 in crisis.yml", item=16,
          files={"content/crisis.yml": CRISIS_YML.replace("      verified_on: 2026-11-20\n      source: https",
                                                          "      verified_on: 2999-01-01\n      source: https")},
          errors=("content/crisis.yml:6: verified_on 2999-01-01 is in the future — write the day you checked the number",)),
    Case2("crisis-source-not-a-url", "a crisis number's source is a note, not the page where it was read", item=16,
          files={"content/crisis.yml": CRISIS_YML.replace("      source: https://www.lpft.nhs.uk/contact-us/need-help-now",
                                                          "      source: Feel Again crisis-line review, November 2026")},
          errors=('content/crisis.yml:7: "source" should be an https:// address — source: the https:// address of the '
                  "page where the number was read",)),
    Case2("upper-case-extension", "content/notes.MD (upper-case extension)", item=16,
          files={"content/notes.MD": page_with()},
          errors=("content/notes.MD: the extension must be .md in lower case — rename it to notes.md",)),
    # --- 17: placeholder text from `new` --------------------------------------------------------------
    Case2("placeholder-text", "a page left as `new` wrote it (placeholder text)", item=17, ok=True,
          files={"content/causes.md": md(FRONT.replace("description: Why it happens.",
                                                       "description: One sentence about this page for search results.")
                                         + "summary:\n  - The first key point.\n",
                                         "Intro.\n\nWrite here, in short sentences.\n")},
          warnings=('content/causes.md:3: placeholder text from "new" is still here — replace it with your own words',
                    'content/causes.md:10: placeholder text from "new" is still here — replace it with your own words',
                    'content/causes.md:15: placeholder text from "new" is still here — replace it with your own words')),
    # --- 20: config errors together ------------------------------------------------------------------
    Case2("config-errors-together", "a bad site.yml and a bad crisis.yml at once", item=20,
          files={"content/site.yml": site(("exit_url: https://www.google.com/", "exit_url: google")),
                 "content/crisis.yml": CRISIS_YML.replace('number: "999"', 'number: "9"')},
          errors=('content/crisis.yml:5: "number" is not a phone number (use digits, spaces and hyphens, e.g. "116 123") '
                  '— number: emergency number in quotes, e.g. "999"',
                  'content/site.yml:9: "exit_url" should be an https:// address — exit_url: where \'Leave this site\' goes')),
)
CASES2 = {case.name: case for case in CATALOGUE2}
assert len(CASES2) == len(CATALOGUE2), "case names must be unique"


def catalogue_table() -> str:
    """Return the round-2 catalogue as a Markdown table: item, input → what the editor sees."""
    rows = ["| item | case | input | what the editor sees |", "|---|---|---|---|"]
    for case in CATALOGUE2:
        rows.append(f"| {case.item} | {case.name} | {case.input} | {case.sees()} |".replace("\n", " "))
    return "\n".join(rows)


# --- running the cases in a forked interpreter -----------------------------------------------------------

def run_case2(case: Case2, base: Path, root: Path) -> tuple[Outcome, float]:
    """Copy the built base site, apply the case, run its command in a fork; return the outcome and seconds."""
    site_dir = root / case.name
    shutil.copytree(base, site_dir, symlinks=True)
    write_files(site_dir, case.files)
    if case.setup:
        case.setup(site_dir)
    before = snapshot(site_dir / "dist")
    argv = [*case.args, "--site", str(site_dir)] if case.args else ["build", "--site", str(site_dir)]
    run = run_forked(argv, KILL_AFTER)
    outcome = Outcome(site_dir, run.returncode, run.stdout, run.stderr, before, snapshot(site_dir / "dist"),
                      _leftovers(site_dir))
    return outcome, run.seconds


@pytest.fixture(scope="module")
def outcomes2(request: pytest.FixtureRequest, base_site: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Outcome, float]]]:
    """Run every selected case, one after the other (each in its own fork), and return the outcomes."""
    module = sys.modules[__name__]
    wanted = {item.callspec.params["case"].name for item in request.session.items
              if getattr(item, "module", None) is module and "case" in getattr(getattr(item, "callspec", None), "params", {})}
    root = tmp_path_factory.mktemp("cases2")
    yield {c.name: run_case2(c, base_site, root) for c in CATALOGUE2 if c.name in wanted}


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CATALOGUE2])
def test_round2_case(case: Case2, outcomes2: dict[str, tuple[Outcome, float]]):
    """Each case ends within the time budget: a clean build, or exit 1 with exactly the expected lines."""
    outcome, seconds = outcomes2[case.name]
    assert outcome.returncode != -9, f"still running after {KILL_AFTER:.0f} s (a hang)"
    assert seconds < BUDGET, f"took {seconds:.1f} s, over the {BUDGET:.0f} s budget\n{outcome.stderr[-2000:]}"
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr, outcome.stderr[-3000:]
    if case.ok:
        assert outcome.returncode == 0, outcome.stderr[-3000:]
        assert warning_lines(outcome) == list(case.warnings), outcome.stderr[-3000:]
        assert outcome.after != outcome.before and "causes/index.html" in outcome.after
        if case.check:
            case.check(outcome.site / "dist")
        return
    assert_failed_cleanly(outcome)
    printed = error_lines(outcome)
    assert len(printed) == len(case.errors), outcome.stderr[-3000:]
    for pattern, line in zip(case.errors, printed):
        assert _matches(pattern, line), f"{line!r} does not match {pattern!r}"
    assert warning_lines(outcome) == list(case.warnings)


def test_round2_needs_help_heading_keeps_ids_unique(outcomes2: dict[str, tuple[Outcome, float]]):
    outcome, _ = outcomes2["heading-need-help"]
    html = outcome.after["causes/index.html"].decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(set(ids)) == sorted(ids), [i for i in ids if ids.count(i) > 1]
    assert "Need help?</h2>" in html


def test_round2_literal_checklist_token_is_text(outcomes2: dict[str, tuple[Outcome, float]]):
    outcome, _ = outcomes2["checklist-token-literal"]
    html = outcome.after["causes/index.html"].decode()
    assert html.count("<fieldset") == 1
    assert "<p>FEELAGAINCHECKLIST0X</p>" in html


# --- `new` -----------------------------------------------------------------------------------------------

@pytest.fixture
def fresh_site(tmp_path: Path) -> Path:
    """Return a site folder with only site.yml and crisis.yml."""
    write_files(tmp_path, {"content/site.yml": SITE_YML, "content/crisis.yml": CRISIS_YML})
    return tmp_path


def _front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize(("title", "expected"), [
    ("C:\\temp notes", "C:\\temp notes"), ("Folder\\", "Folder\\"), ('Say "hi" #1', 'Say "hi" #1'),
    ("Tab\there", "Tab here"), ("Bell\x07 and \x7f", "Bell and"), ("Line\nbreak", "Line break"),
    ("  spaced  ", "spaced"),
])
def test_new_writes_the_title_as_valid_yaml(fresh_site: Path, title: str, expected: str):
    """Item 15: whatever the title, `new` writes front matter that YAML reads back as that title (on one line,
    without control characters, which a title cannot show)."""
    run = run_forked(["new", title, "--site", str(fresh_site)])
    assert run.returncode == 0, run.stderr
    created = [p for p in (fresh_site / "content").glob("*.md")]
    assert len(created) == 1
    assert _front(created[0])["title"] == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("Embed", 'content/embed.md: the page name "embed" is used by the site\'s own files — choose another title, '
              'e.g. "Embed page"'),
    ("", '"title" is empty — give the page a title, e.g. python build.py new "Sleep and numbness"'),
    ("   ", '"title" is empty — give the page a title, e.g. python build.py new "Sleep and numbness"'),
])
def test_new_refuses_titles_the_build_would_refuse(fresh_site: Path, title: str, expected: str):
    """Item 15: a reserved or empty page name is refused by `new` with the build's words."""
    run = run_forked(["new", title, "--site", str(fresh_site)])
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [expected]
    assert sorted(p.name for p in (fresh_site / "content").iterdir()) == ["crisis.yml", "site.yml"]


def test_new_with_a_300_character_title(fresh_site: Path):
    """Item 8: a very long title gets a file name short enough for any file system, and a page that builds."""
    title = "Feeling " + "very " * 58 + "flat"
    assert len(title) >= 300
    run = run_forked(["new", title, "--site", str(fresh_site)])
    assert run.returncode == 0, run.stderr
    (created,) = (fresh_site / "content").glob("*.md")
    assert len(created.name) <= 83 and created.name.startswith("feeling-very-very")
    assert _front(created)["title"] == title


def test_new_when_content_is_a_file(tmp_path: Path):
    """Item 8: `content` that is a file, not a folder, is a clear error (exit 1), and the file is untouched."""
    (tmp_path / "content").write_text("notes\n", encoding="utf-8")
    run = run_forked(["new", "Sleep", "--site", str(tmp_path)])
    assert run.returncode == 1, run.stderr
    assert run.stderr.strip().splitlines() == [
        "content: is a file, not a folder — move it away and create a content/ folder for your pages"]
    assert (tmp_path / "content").read_text(encoding="utf-8") == "notes\n"


def test_new_page_fails_check_strict_until_its_placeholders_are_replaced(fresh_site: Path):
    """Item 17: what `new` writes is flagged by `check --strict`, naming each placeholder's line."""
    write_files(fresh_site, {"content/index.md": md(), "content/get-help.md": md()})
    assert run_forked(["new", "Sleep and numbness", "--site", str(fresh_site)]).returncode == 0
    run = run_forked(["check", "--strict", "--site", str(fresh_site)])
    assert run.returncode == 1
    flagged = [line for line in run.stderr.splitlines() if "placeholder" in line]
    assert [line.split(": ")[0] for line in flagged] == [
        "content/sleep-and-numbness.md:3", "content/sleep-and-numbness.md:7", "content/sleep-and-numbness.md:13"]


if __name__ == "__main__":
    print(catalogue_table())
