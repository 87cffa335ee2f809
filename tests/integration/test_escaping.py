"""Issue #13 item 1: a hostile base_url never breaks out of HTML inside JSON, the embed snippets or text files.

config.py validates base_url, but these tests build the SiteConfig past that validation on purpose: every
writer must escape what it writes whatever the configuration holds.
"""
from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.html import Tags
from tests.support.sites import TODAY

# A quote and a tag to leave an attribute, a newline to add lines to text files, spaces, a backslash.
HOSTILE = 'https://evil.example/a"><img src=x onerror=alert(1)>\nDisallow: /\r\n x\\y <script>alert(2)</script>/'


def assert_harmless(html: str, allowed_tags: set[str]) -> None:
    """No tag outside allowed_tags, no event handler, and no URL attribute holding a raw quote, space or '<'."""
    for tag, attrs in Tags(html).tags:
        assert tag in allowed_tags, (tag, html)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            value = attrs.get(name) or ""
            assert not any(c in value for c in '"<> \n\r\\'), (name, value)


@pytest.fixture(scope="module")
def hostile_dist(tmp_path_factory) -> Path:
    """The smallest site, built with a hostile base_url injected past validation."""
    from tests.support.sites import default_files, write_files

    site = tmp_path_factory.mktemp("hostile") / "site"
    write_files(site, default_files())
    config = dataclasses.replace(load_config(site), base_url=HOSTILE)
    build(config, today=TODAY, use_cache=False)
    return site / "dist"


def test_oembed_html_is_one_harmless_iframe(hostile_dist: Path):
    for path in sorted((hostile_dist / "oembed").glob("*.json")):
        html = json.loads(path.read_text(encoding="utf-8"))["html"]
        tags = Tags(html).tags
        assert [t for t, _ in tags] == ["iframe"], html
        assert set(tags[0][1]) == {"class", "src", "title", "width", "height", "loading", "sandbox", "referrerpolicy"}
        assert_harmless(html, {"iframe"})
        assert tags[0][1]["src"].startswith("https://evil.example/a%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E%0A")


def test_api_page_html_keeps_links_inside_their_attributes(hostile_dist: Path):
    for path in sorted((hostile_dist / "api" / "pages").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert_harmless(record["html"], {"p", "a", "h2", "ul", "li", "strong", "em"})
        for section in record["sections"]:
            assert_harmless(section["html"], {"p", "a", "h2", "ul", "li", "strong", "em"})
    home = json.loads((hostile_dist / "api" / "pages" / "index.json").read_text(encoding="utf-8"))
    assert [a.get("href") for t, a in Tags(home["html"]).tags if t == "a"] == [
        "https://evil.example/a%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E%0ADisallow:%20/%0D%0A%20x%5Cy%20"
        "%3Cscript%3Ealert(2)%3C/script%3E/get-help/"]


def test_embed_guide_snippets_are_harmless_once_copied(hostile_dist: Path):
    import re
    from html import unescape

    guide = (hostile_dist / "embed" / "index.html").read_text(encoding="utf-8")
    snippets = [unescape(s) for s in re.findall(r'<pre><code id="embed-[a-z-]+-(?:script|iframe)">(.*?)</code>',
                                                guide, re.S)]
    assert len(snippets) >= 4  # two per page
    for snippet in snippets:  # what a clinic pastes into its own page
        assert_harmless(snippet, {"iframe", "div", "a", "script"})
        assert [a.get("src") for t, a in Tags(snippet).tags if t == "script"] in ([], [
            "https://evil.example/a%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E%0ADisallow:%20/%0D%0A%20x%5Cy%20"
            "%3Cscript%3Ealert(2)%3C/script%3E/embed.js"])


def test_robots_txt_gets_no_extra_lines(hostile_dist: Path):
    lines = (hostile_dist / "robots.txt").read_bytes().decode().split("\n")
    assert lines[:3] == ["User-agent: *", "Allow: /", ""]
    assert len(lines) == 5 and lines[3].startswith("Sitemap: https://evil.example/") and lines[4] == ""
    assert "\r" not in lines[3] and " " not in lines[3].removeprefix("Sitemap: ")


def test_sitemap_locations_are_single_urls(hostile_dist: Path):
    root = ET.parse(hostile_dist / "sitemap.xml").getroot()
    locs = [el.text or "" for el in root.iter() if el.tag.endswith("}loc")]
    assert locs and all(loc.startswith("https://evil.example/") for loc in locs)
    assert not any(c in loc for loc in locs for c in ' \n\r"<>\\')


def test_headers_file_has_only_path_rules_and_known_headers(hostile_dist: Path):
    known = {"Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Permissions-Policy",
             "X-Frame-Options", "Access-Control-Allow-Origin", "Cache-Control"}
    text = (hostile_dist / "_headers").read_bytes().decode()
    assert "\r" not in text
    for line in text.split("\n"):
        if line.startswith("  "):
            assert line.strip().split(":", 1)[0] in known, line
        elif line:
            assert line.startswith("/") and " " not in line and "\\" not in line, line


def test_every_published_html_page_has_no_injected_markup(hostile_dist: Path):
    for path in sorted(hostile_dist.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, path
        for tag, attrs in Tags(html).tags:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)


def test_snippet_functions_escape_on_their_own(make_site):
    from feelagain import embed, seo
    from feelagain.discover import read_sources
    from feelagain.errors import Problems
    from feelagain.headers import netlify_headers
    from feelagain.pipeline import parse_pages

    config = dataclasses.replace(load_config(make_site()), base_url=HOSTILE)
    problems = Problems()
    page = parse_pages(read_sources(config.content_dir, problems), problems)[0]
    for snippet in (embed.iframe_snippet(page, config), embed.script_snippet(page, config)):
        assert_harmless(snippet, {"iframe", "div", "a", "script"})
    assert seo.robots(config).count(b"\n") == 4
    assert b"Disallow" not in seo.robots(config).split(b"Sitemap:")[0]
    assert all(not line or line.startswith((b"/", b"  ")) for line in netlify_headers(config, [""]).split(b"\n"))
