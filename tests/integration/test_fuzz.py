"""Property-based tests: whatever an editor types, the build either succeeds or fails with tidy problems.

Random Markdown bodies (built from Markdown, HTML and Jinja tokens plus unicode) and random front-matter values
(strings, numbers, dates, lists, nested mappings and odd YAML) go through `pipeline.build()` in-process. The only
allowed outcomes are a BuildResult or BuildFailed whose problems all carry a `path[:line]: problem` location.
Every page a successful build writes must be well-formed HTML (balanced non-void elements), and its JSON files
and JSON-LD must parse.

Two YAML shapes that once crashed the engine (complex keys, recursive aliases) are part of the odd-YAML
strategy and are also pinned by their own regression test at the end.
"""
from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feelagain.config import load_config
from feelagain.errors import BuildFailed
from feelagain.pipeline import build
from tests.support.sites import TODAY, default_files, write_files

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LOCATION = re.compile(r"(content|templates)/[^:]+(:\d+)?: .+|[^:\s]+: .+")

TOKENS = [
    "#", "# ", "## ", "### ", "*", "**", "_", "__", "[", "]", "](", "(", ")", "`", "``", "```", "```checklist\n",
    "~~~", "<", ">", "</", "/>", "{{", "}}", "{%", "%}", "{#", "#}", "!!!", "!!! tip ", '!!! urgent "Now"\n    ',
    "!!! nosuch\n", "|", "| a | b |\n|---|---|\n", "---", "\n", "\n\n", "    ", "\t", "- ", "1. ", ": ", "{: ",
    "{: .x }", "&", "&amp;", "&#", "&#x", ";", "<div>", "</div>", "<p>", "</p>", "<span>", "</span>", "<a href=",
    "<script>", "</script>", "<iframe>", "<!--", "-->", "<![CDATA[", "<?php", "javascript:", "https://", "mailto:",
    "get-help.md", "index.md", "#call-someone", "nowhere.md", "![", "\"", "'", "\\", "é", "ß", "中文", "😀",
    "\u200b", "\u2028", "\u00a0", "\ufeff", "\r", "\r\n", "\x0c", "word", "Feeling flat", ". ", "!", "?", "%",
]
# Characters that cannot be written to a UTF-8 file (surrogates) are left out; NUL is kept (a tidy error).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
BODIES = st.lists(st.one_of(st.sampled_from(TOKENS), TEXT), max_size=40).map("".join)

VALID_META = {
    "title": "Causes", "description": "Why it happens.", "reviewed": datetime.date(2026, 11, 1),
    "next_review": datetime.date(2027, 11, 1),
    "sources": [{"publisher": "NHS", "title": "One"}, {"publisher": "Mind", "title": "Two"}],
}
FIELDS = ["title", "nav_title", "description", "order", "reviewed", "next_review", "sources", "summary", "aspect",
          "faq", "template", "titel", "url", "draft", "1"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20), st.floats(allow_nan=True),
    st.dates(), st.datetimes(), TEXT, st.sampled_from(["no", "yes", "on", "~", "null", "2026-02-30", "1e3", "0x1F",
                                                        ".inf", "page", "home", "nosuch", "../../etc", "causes"]),
)
VALUES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                       st.dictionaries(st.one_of(TEXT, st.sampled_from(
                                                           ["publisher", "title", "url", "year"])), kids, max_size=4)),
                      max_leaves=12)
ODD_YAML = [
    "title: &t Shared\nnav_title: *t\n", "title: !!str 1\n", "<<: {aspect: causes}\n", "summary: |\n  one\n  two\n",
    "description: >-\n  folded\n  text\n", "? title\n: Question key\n", "title: 'it''s'\n", 'title: "\\u00e9\\t"\n',
    "title: [\n", "title: {\n", "%TAG ! tag:x,2026:\n", "title: @x\n", "title: `x`\n", "title: x: y\n", "- a\n",
    "reviewed: 2026-13-01\n", "reviewed: 2026-01-01 25:00:00\n", "title: !!binary aGk=\n", "title: !!set {a, b}\n",
    "summary: !!omap [a: 1]\n", "title: !!float x\n", "title: !!python/object:os.system x\n", "title:\tx\n",
    "\ttitle: x\n", "title: \"unclosed\n", "title: x\ntitle: y\n", "...\n", "---\n", "sources: [{publisher: 1}]\n",
    "sources:\n  - just text\n", "faq: maybe\n", "order: 1.5\n", "summary: [1, 2]\n",
]
# Once crashed the engine; now clear errors (see the regression test at the end).
KNOWN_CRASHES = ["? [a, b]\n: 1\n", "sources: &a [*a]\n"]
ODD_YAML += KNOWN_CRASHES


class _Balance(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()


def html_problems(html: str) -> list[str]:
    """Return why an HTML document is not well-formed (empty when it is)."""
    checker = _Balance()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"<{tag}> is never closed" for tag in checker.stack]


def test_balance_checker_catches_mistakes():
    assert html_problems("<p>a<br>b<img src=x></p><div><span>x</span></div>") == []
    assert html_problems("<p><span>x</p>") != []
    assert html_problems("<div>") == ["<div> is never closed"]


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory: pytest.TempPathFactory):
    """Return (site folder, config) of a small valid site; the tests rewrite content/x.md."""
    site = tmp_path_factory.mktemp("fuzz") / "site"
    write_files(site, default_files())
    return site, load_config(site)


def page_text(meta_yaml: str, body: str) -> str:
    """Return a Markdown file from front-matter YAML text and a body."""
    return "---\n" + meta_yaml + "---\n\n" + body


def build_and_check(site: Path, config, text: str) -> None:
    """Build with content/x.md = text; assert the outcome is a success with good HTML, or tidy problems."""
    (site / "content" / "x.md").write_bytes(text.encode("utf-8"))
    try:
        build(config, today=TODAY, use_cache=False)
    except BuildFailed as failed:
        assert failed.errors, "BuildFailed without a problem"
        for problem in failed.errors + failed.warnings:
            line = str(problem)
            assert "\n" not in line.rstrip("\n") or "Traceback" not in line
            assert LOCATION.fullmatch(line.split("\n")[0]), line
        return
    dist = site / "dist"
    for name in ("x/index.html", "embed/x/index.html", "index.html"):
        html = (dist / name).read_text(encoding="utf-8")
        assert html_problems(html) == [], f"{name} is not well-formed:\n{html}"
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            json.loads(block)
    json.loads((dist / "api" / "pages" / "x.json").read_text(encoding="utf-8"))
    json.loads((dist / "oembed" / "x.json").read_text(encoding="utf-8"))


VALID_YAML = yaml.safe_dump(VALID_META, sort_keys=False, allow_unicode=True)


@FUZZ
@given(body=BODIES)
@example(body="<div>\n\n*a*\n\n</div>")
@example(body="Intro <script>alert(1)</script> x [a](get-help.md) <a href=\"https://x.example\">t</a>")
@example(body="```checklist\nlegend: x\n```\n\n!!! tip\n    {{ page }} {% if %}")
@example(body="| a |\n|---|\n| <b> |\n\n[x]: <>\n\n<!-- lint: allow nosuch -->\n")
def test_random_markdown_never_crashes_the_build(fuzz_site, body: str):
    site, config = fuzz_site
    build_and_check(site, config, page_text(VALID_YAML, body))


TEXT1 = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(str.strip)
TITLES = st.one_of(TEXT1, st.sampled_from(["<b>Bold</b>", "{{ site.title }}", "Update #2", "a: b", "Ünïcødé 😀",
                                           "</script><script>x</script>", "x" * 200, "  padded  ", "&amp;"]))
PLAUSIBLE = {  # values of the right shape, often valid, sometimes just outside the rules
    "title": TITLES, "nav_title": TITLES, "description": st.one_of(TITLES, st.text(max_size=200)),
    "order": st.integers(min_value=-10**6, max_value=10**6),
    "reviewed": st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
    "next_review": st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 12, 31)),
    "sources": st.lists(st.fixed_dictionaries(
        {"publisher": TITLES, "title": TITLES},
        optional={"url": st.sampled_from(["https://www.nhs.uk/", "http://x.example/", "javascript:alert(1)",
                                          "https://a.example/?q=<b>&x=\"y\""]),
                  "year": st.integers(min_value=1800, max_value=2100)}), max_size=3),
    "summary": st.lists(TITLES, max_size=3), "aspect": TITLES, "faq": st.booleans(),
    "template": st.sampled_from(["page", "home", "404", "embed", "embed-index", "base", "nosuch", "partials/nav"]),
}
MODES = ["plausible", "plausible", "plausible", "wild", "drop"]


@FUZZ
@given(data=st.data())
@example(data=None)  # the valid page itself
def test_random_front_matter_never_crashes_the_build(fuzz_site, data):
    site, config = fuzz_site
    meta = dict(VALID_META)
    odd: list[str] = []
    if data is not None:
        for field in sorted(data.draw(st.sets(st.sampled_from(sorted(PLAUSIBLE)), max_size=3), label="fields")):
            mode = data.draw(st.sampled_from(MODES), label=f"{field} mode")
            if mode == "drop":
                meta.pop(field, None)
            else:
                strategy = PLAUSIBLE.get(field, VALUES) if mode == "plausible" else VALUES
                meta[field] = data.draw(strategy, label=field)
        odd = [data.draw(st.sampled_from(ODD_YAML + [""] * len(ODD_YAML)), label="odd YAML")]  # half the time
        for key in re.findall(r"^(\w+):", odd[0], re.M):  # the odd line replaces the field (no duplicate key)
            meta.pop(key, None)
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) if meta else ""
    build_and_check(site, config, page_text(text + "".join(odd), "Some short words. [Get help](get-help.md).\n"))


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3))
@example(overrides={"summary": [{"a": None}]})
@example(overrides={"sources": [[]]})
@example(overrides={"reviewed": datetime.datetime(2026, 1, 1, 12)})
def test_wild_front_matter_values_never_crash_the_build(fuzz_site, overrides: dict):
    site, config = fuzz_site
    meta = {**VALID_META, **overrides}
    build_and_check(site, config, page_text(yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), "Words.\n"))


@FUZZ
@given(raw=st.text(st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_file_contents_never_crash_the_build(fuzz_site, raw: str):
    site, config = fuzz_site
    build_and_check(site, config, raw)


@pytest.mark.parametrize("odd", KNOWN_CRASHES, ids=["complex-key", "recursive-alias"])
def test_known_yaml_crashes(fuzz_site, odd: str):
    site, config = fuzz_site
    meta = {k: v for k, v in VALID_META.items() if k != "sources"}
    build_and_check(site, config, page_text(yaml.safe_dump(meta, sort_keys=False) + odd, "Words.\n"))
