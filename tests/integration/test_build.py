"""Whole builds, end to end through the command line (issue #2's acceptance).

- determinism: the same input gives byte-identical output, whatever the folder and whether the cache is warm;
- sub-path hosting: with base_url https://clinic.example/numbness/, every internal href/src of every page
  resolves to a file in dist/ when the site is served from /numbness/;
- a site's own templates/page.html replaces the bundled one;
- JSON-LD parses and says MedicalWebPage (+ lastReviewed), and FAQPage on an FAQ page;
- sitemap.xml lists every page; fingerprinted assets exist, match their hash and are referenced;
- dist/_headers: CSP without 'unsafe-inline', no-referrer, nosniff, a Permissions-Policy that denies camera,
  microphone and geolocation, frame-ancestors 'none' for pages and the configured origins for /embed/*.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.support.forked import cli_in_fork
from tests.support.sites import SITE_YML, default_files, page, snapshot, write_files

BASE_URL = "https://clinic.example/numbness/"
FRAMERS = ["https://clinic.example", "https://gp.example"]
FAQ_BODY = """\
Answers to common questions. If you need help now, see [get help](get-help.md).

## Is feeling numb normal?

Yes. Many people feel flat at times.

## Will it last?

It often gets better with time and support.
"""


def site_files() -> dict[str, str]:
    """Return a five-page site hosted under a sub-path, with an FAQ page and framing rules for embeds."""
    site_yml = (SITE_YML.replace("https://example.org/", BASE_URL)
                .replace("nav: [index, get-help]", "nav: [index, causes, faq, about, get-help]")
                + "embed:\n  frame_ancestors: [" + ", ".join(FRAMERS) + "]\n")
    return {
        **default_files(),
        "content/site.yml": site_yml,
        "content/causes.md": page("Causes", "Stress can play a part. See [the questions](faq.md#will-it-last).\n\n"
                                            "## Stress\n\nIt is common.\n", aspect="causes"),
        "content/faq.md": page("Questions", FAQ_BODY, faq="true"),
        "content/about.md": page("About", "Who we are. Read about [causes](causes.md#stress).\n"),
        "assets/img/lake.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>\n',
    }


PAGES = {"index": "", "causes": "causes/", "faq": "faq/", "about": "about/", "get-help": "get-help/"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a site folder that was built once with the command line."""
    site = tmp_path_factory.mktemp("build") / "site"
    write_files(site, site_files())
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return site


def html_files(dist: Path) -> list[Path]:
    """Return every HTML file of a built site."""
    return sorted(dist.rglob("*.html"))


class _Refs(HTMLParser):
    """Collects every URL an HTML page points at, and every id it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "action", "poster", "data"):
            if values.get(name) is not None:
                self.refs.append((tag, values[name] or ""))
        if values.get("srcset"):
            parts = (values["srcset"] or "").split(",")
            self.refs += [(tag, part.strip().split()[0]) for part in parts if part.strip()]


def parse_refs(path: Path) -> _Refs:
    """Return the URLs and ids of one HTML file."""
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def served_url(dist: Path, path: Path, base_url: str) -> str:
    """Return the URL a file of dist/ is served at (dir/index.html is served as dir/)."""
    rel = path.relative_to(dist).as_posix()
    if rel == "index.html":
        rel = ""
    elif rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def resolve(dist: Path, base_url: str, url: str) -> tuple[Path, str] | None:
    """Return (file in dist/, fragment) an absolute URL of the site maps to; None for other sites' URLs."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme != base.scheme or parts.netloc != base.netloc:
        return None
    assert parts.path.startswith(base.path), f"{url} leaves {base.path}"
    rel = unquote(parts.path[len(base.path):])
    target = dist / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def broken_links(dist: Path, base_url: str) -> list[str]:
    """Return 'page: href' for every internal reference that does not resolve to a file (or anchor) in dist/."""
    broken = []
    for path in html_files(dist):
        page_url = served_url(dist, path, base_url)
        for tag, ref in parse_refs(path).refs:
            if tag == "meta" or urlsplit(ref).scheme in ("mailto", "tel", "sms"):
                continue
            found = resolve(dist, base_url, urljoin(page_url, ref))
            if found is None:
                continue
            target, fragment = found
            if not target.is_file():
                broken.append(f"{path.relative_to(dist)}: {ref}")
            elif fragment and target.suffix == ".html" and fragment not in parse_refs(target).ids:
                broken.append(f"{path.relative_to(dist)}: {ref} (no id {fragment!r})")
    return broken


# --- determinism -------------------------------------------------------------------------------------------

def test_two_builds_of_the_same_input_are_byte_identical(built: Path, tmp_path: Path):
    first = snapshot(built / "dist")
    again = tmp_path / "elsewhere" / "copy"  # another folder, no cache, no previous dist/
    write_files(again, site_files())
    result = cli_in_fork("build", "--site", str(again), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert snapshot(again / "dist") == first
    warm = cli_in_fork("build", "--site", str(built))  # same folder, warm cache, previous dist/ present
    assert warm.returncode == 0, warm.stderr
    assert snapshot(built / "dist") == first


def test_output_does_not_mention_the_build_folder(built: Path):
    for name, data in snapshot(built / "dist").items():
        assert str(built).encode() not in data, name
        assert b"/tmp/" not in data, name


# --- links under a sub-path --------------------------------------------------------------------------------

def test_every_internal_link_resolves_under_the_sub_path(built: Path):
    dist = built / "dist"
    assert len(html_files(dist)) >= 2 * len(PAGES) + 2  # pages, their embeds, 404, embed guide
    assert broken_links(dist, BASE_URL) == []


def test_pages_link_relatively_not_from_the_domain_root(built: Path):
    """Links in pages must not start with '/' (that would leave /numbness/); 404.html is the one exception."""
    for path in html_files(built / "dist"):
        if path.name == "404.html" and path.parent == built / "dist":
            continue
        for tag, ref in parse_refs(path).refs:
            assert not ref.startswith("/"), f"{path}: {tag} {ref}"


def test_404_page_links_work_from_any_depth(built: Path):
    """Hosts serve 404.html for any missing URL, so its links must work from /numbness/a/b/c/ too."""
    dist = built / "dist"
    refs = parse_refs(dist / "404.html").refs
    assert refs
    for deep in ("", "missing/", "a/b/c/"):
        for _tag, ref in refs:
            if urlsplit(ref).scheme in ("mailto", "tel", "sms") or ref.startswith("#"):
                continue  # a fragment alone points into 404.html itself
            found = resolve(dist, BASE_URL, urljoin(BASE_URL + deep, ref))
            assert found is None or found[0].is_file(), f"404.html at /{deep}: {ref}"


def test_links_resolve_on_a_site_without_an_about_page(tmp_path: Path):
    site = tmp_path / "site"
    write_files(site, default_files())
    result = cli_in_fork("build", "--site", str(site))
    assert "Traceback" not in result.stderr
    if result.returncode == 0:
        assert [b for b in broken_links(site / "dist", "https://example.org/") if "about" in b] == []


# --- templates ---------------------------------------------------------------------------------------------

def test_a_sites_own_page_template_is_used(tmp_path: Path):
    site = tmp_path / "site"
    own = ('{% extends "base.html" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n'
           '<p class="own-template">Own template for {{ page.slug }}</p>\n{{ page.body }}\n{% endblock %}\n')
    write_files(site, {**site_files(), "templates/page.html": own})
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    dist = site / "dist"
    assert '<p class="own-template">Own template for causes</p>' in (dist / "causes/index.html").read_text()
    # home.html extends page.html, so the home page gets the site's page template too
    assert '<p class="own-template">Own template for index</p>' in (dist / "index.html").read_text()
    assert "Page last reviewed" not in (dist / "causes/index.html").read_text()  # bundled page.html is not used


# --- machine-readable output -------------------------------------------------------------------------------

def jsonld_blocks(path: Path) -> list[dict]:
    """Return the parsed JSON-LD blocks of an HTML file."""
    html = path.read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def graph_types(block: dict) -> dict[str, dict]:
    """Return the nodes of a JSON-LD block by @type."""
    nodes = block.get("@graph", [block])
    return {node["@type"]: node for node in nodes}


def test_every_page_has_medical_web_page_json_ld(built: Path):
    dist = built / "dist"
    for slug, url in PAGES.items():
        blocks = jsonld_blocks(dist / url / "index.html")
        assert len(blocks) == 1, slug
        block = blocks[0]
        assert block["@context"] == "https://schema.org"
        nodes = graph_types(block)
        medical = nodes["MedicalWebPage"]
        assert medical["lastReviewed"] == "2026-11-01"
        assert medical["url"] == BASE_URL + url
        assert ("FAQPage" in nodes) == (slug == "faq"), slug
    assert graph_types(jsonld_blocks(dist / "causes/index.html")[0])["MedicalWebPage"]["aspect"] == "causes"


def test_every_json_ld_block_in_the_output_parses(built: Path):
    for path in html_files(built / "dist"):
        for block in jsonld_blocks(path):  # raises on invalid JSON
            assert "@context" in block, path


def test_faq_page_has_faq_json_ld(built: Path):
    faq = graph_types(jsonld_blocks(built / "dist" / "faq" / "index.html")[0])["FAQPage"]
    questions = [(q["name"], q["acceptedAnswer"]["text"]) for q in faq["mainEntity"]]
    assert questions == [("Is feeling numb normal?", "Yes. Many people feel flat at times."),
                         ("Will it last?", "It often gets better with time and support.")]
    assert all(q["@type"] == "Question" and q["acceptedAnswer"]["@type"] == "Answer" for q in faq["mainEntity"])


def test_sitemap_lists_every_page(built: Path):
    dist = built / "dist"
    root = ET.fromstring((dist / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)]
    assert len(locs) == len(set(locs))
    assert {BASE_URL + url for url in PAGES.values()} <= set(locs)
    assert set(locs) - {BASE_URL + url for url in PAGES.values()} <= {BASE_URL + "embed/"}
    for loc in locs:
        target, _ = resolve(dist, BASE_URL, loc)
        assert target.is_file(), loc
    for lastmod in root.findall("s:url/s:lastmod", ns):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod.text or "")
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (dist / "robots.txt").read_text()


def test_assets_are_fingerprinted_and_referenced(built: Path):
    dist = built / "dist"
    assets = sorted((dist / "assets").iterdir())
    assert assets
    for path in assets:
        match = re.fullmatch(r"(.+)\.([0-9a-f]{8})(\.[a-z0-9]+)", path.name)
        assert match, path.name
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:8] == match.group(2), path.name
    names = {p.name for p in assets}
    referenced = set()
    for path in html_files(dist):
        for _tag, ref in parse_refs(path).refs:
            if "assets/" in ref:
                referenced.add(ref.rsplit("/", 1)[-1])
    assert referenced <= names
    css = [n for n in names if n.startswith("site.") and n.endswith(".css")]
    assert len(css) == 1 and css[0] in referenced
    for url in PAGES.values():
        assert f"assets/{css[0]}" in (dist / url / "index.html").read_text()
    assert any(n.startswith("lake.") for n in names)  # the site's own asset is copied too
    # The fingerprinted copy of embed.js is the same file as the stable one, with the site's language codes
    # written in (a clinic that pins it gets what /embed.js gives), and named by the hash of those bytes (above).
    copies = list((dist / "assets").glob("embed.*.js"))
    assert len(copies) == 1, copies
    assert (dist / "embed.js").read_bytes() == copies[0].read_bytes()
    assert b'var LANGUAGES = ["en"];' in copies[0].read_bytes()


def test_the_guides_pinned_script_is_the_fingerprinted_embed_js_with_its_sha384(built: Path):
    """The guide's "Pinned" snippet names the file the build wrote, with that file's integrity value; a host
    then gives that file (and no other asset) Access-Control-Allow-Origin, which a cross-origin SRI check needs."""
    import base64

    dist = built / "dist"
    copy = next((dist / "assets").glob("embed.*.js"))
    html = (dist / "embed" / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<code id="embed-pinned">(.*?)</code>', html, re.S)
    assert match, "the guide has no pinned snippet"
    snippet = unescape(match.group(1))
    tags = re.findall(r"<script\b[^>]*>", snippet)
    assert len(tags) == 1, snippet
    attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tags[0]))
    assert attrs["src"] == f"{BASE_URL}assets/{copy.name}", attrs
    want = "sha384-" + base64.b64encode(hashlib.sha384(copy.read_bytes()).digest()).decode()
    assert attrs["integrity"] == want, (attrs, want)
    assert attrs["crossorigin"] == "anonymous" and attrs["referrerpolicy"] == "no-referrer", attrs
    assert re.search(r"\basync\b", tags[0]), tags[0]
    rules = parse_headers((dist / "_headers").read_text())
    assert served_headers(rules, f"/numbness/assets/{copy.name}").get("Access-Control-Allow-Origin") == ["*"]
    css = next((dist / "assets").glob("site.*.css")).name
    assert "Access-Control-Allow-Origin" not in served_headers(rules, f"/numbness/assets/{css}")


# --- security headers --------------------------------------------------------------------------------------

def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """Return {path pattern: {header: value}} of a Netlify/Cloudflare _headers file."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            assert line not in rules, f"pattern {line} appears twice"
            current = rules[line] = {}
        else:
            assert current is not None
            name, value = line.strip().split(":", 1)
            current[name.strip()] = value.strip()
    return rules


def served_headers(rules: dict[str, dict[str, str]], path: str) -> dict[str, list[str]]:
    """Every value each header gets at path from the rules that match it (hosts apply them all)."""
    found: dict[str, list[str]] = {}
    for pattern, headers in rules.items():
        if re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), path):
            for name, value in headers.items():
                found.setdefault(name, []).append(value)
    return found


def test_security_headers(built: Path):
    rules = parse_headers((built / "dist" / "_headers").read_text())
    page_patterns = ["/numbness/" + url for url in PAGES.values()] + ["/numbness/404.html"]
    for pattern in page_patterns + ["/numbness/embed/*"]:
        # The headers that say nothing of framing come from the one catch-all rule.
        headers = {**rules["/numbness/*"], **rules[pattern]}
        csp = headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "default-src 'self'" in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        policy = headers["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation"):
            assert f"{feature}=()" in policy, pattern
    for pattern in page_patterns:
        assert "frame-ancestors 'none'" in rules[pattern]["Content-Security-Policy"], pattern
    embed_csp = rules["/numbness/embed/*"]["Content-Security-Policy"]
    assert "frame-ancestors " + " ".join(FRAMERS) in embed_csp
    assert "'none'" not in embed_csp.split("frame-ancestors", 1)[1]
    assert "X-Frame-Options" not in rules["/numbness/embed/*"]


@pytest.mark.parametrize("path", ["/numbness/nope/", "/numbness/index.html", "/numbness/pagefind/pagefind.js",
                                  "/numbness/sitemap.xml", "/numbness/manifest.webmanifest", "/numbness/causes/",
                                  "/numbness/embed/causes/", "/numbness/api/pages.json", "/numbness/embed.js"])
def test_every_address_gets_nosniff_and_no_referrer_once(built: Path, path: str):
    """A catch-all rule gives every address (404s and files no rule names too) the headers that say nothing of
    framing, and only it does: Cloudflare joins a header two matching rules set ("nosniff, nosniff")."""
    rules = parse_headers((built / "dist" / "_headers").read_text())
    headers = served_headers(rules, path)
    assert headers["X-Content-Type-Options"] == ["nosniff"], (path, headers)
    assert headers["Referrer-Policy"] == ["no-referrer"], (path, headers)
    assert len(headers["Permissions-Policy"]) == 1 and "camera=()" in headers["Permissions-Policy"][0], path
    assert set(rules["/numbness/*"]) == {"X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"}
    # Framing is as before: the embeds may be framed, the pages may not.
    policies = headers.get("Content-Security-Policy", [])
    if path.startswith("/numbness/embed/"):
        assert "X-Frame-Options" not in headers and policies, headers
        assert all("frame-ancestors " + " ".join(FRAMERS) in p for p in policies), headers
    elif path == "/numbness/causes/":
        assert set(headers["X-Frame-Options"]) == {"DENY"}, headers
        assert policies and all("frame-ancestors 'none'" in p for p in policies), headers


def test_no_page_rule_also_covers_the_embeds(built: Path):
    """Hosts merge every rule a path matches, so a page rule matching /embed/x would forbid framing it."""
    rules = parse_headers((built / "dist" / "_headers").read_text())
    for pattern, headers in rules.items():
        if "frame-ancestors 'none'" not in headers.get("Content-Security-Policy", ""):
            continue
        regex = re.escape(pattern).replace(r"\*", ".*")
        assert not re.fullmatch(regex, "/numbness/embed/causes/"), pattern


def test_no_inline_scripts_styles_or_handlers(built: Path):
    """The CSP has no 'unsafe-inline', so nothing inline may be needed."""
    for path in html_files(built / "dist"):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            # JSON data blocks (structured data, the page's words for scripts) are never run.
            assert "src=" in tag or 'type="application/ld+json"' in tag or 'type="application/json"' in tag, f"{path}: {tag}"
        assert not re.search(r"<style\b", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert "javascript:" not in html, path


def test_failed_build_leaves_no_temporary_folders(built: Path, tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = snapshot(site / "dist")
    write_files(site, {"content/causes.md": "---\ntitle: x\n"})
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 1
    assert snapshot(site / "dist") == before
    # Only temporary folders count: .dist.spare (the previous generation, kept for the next build) may stay.
    assert [p.name for p in site.iterdir() if p.name.startswith((".dist.tmp-", ".dist.old-"))] == []


def test_bug_a_renamed_help_page_satisfies_the_help_link_check(tmp_path: Path):
    # Issue #15: with `help_page: help` in site.yml, a page linking help.md failed "does not link to the help
    # page", because the linter had its own idea of the help page. Now site.yml's help_page is the only one.
    site = tmp_path / "site"
    files = {**default_files(),
             "content/site.yml": SITE_YML.replace("nav: [index, get-help]", "nav: [index, help]") + "help_page: help\n",
             "content/help.md": page("Get help now", "## Call someone\n\nYou can call a helpline at any time.\n"),
             "content/get-help.md": None,
             "content/index.md": page("Home", "Some people think about suicide. [Get help now](help.md).\n")}
    write_files(site, files)
    result = cli_in_fork("check", "--site", str(site), "--strict")
    assert result.returncode == 0, result.stderr
    assert "help page" not in result.stderr
    write_files(site, {"content/index.md": page("Home", "Some people think about suicide. [Read more](index.md).\n")})
    failed = cli_in_fork("check", "--site", str(site))
    assert failed.returncode == 1
    assert "does not link to the help page" in failed.stderr and "(help.md)" in failed.stderr, failed.stderr
