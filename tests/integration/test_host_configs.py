"""README's nginx and Apache samples give the same headers and 404 pages as the build's own dist/_headers.

The two samples are read out of README.md and run through a small model of how each server picks its
configuration for a request: nginx's location matching (exact `=`, then the longest prefix, then regexes in
order; nested locations; a block's `add_header` lines replace its parents'; `index` and `error_page` are internal
redirects that match again) and Apache's (`Header always set` in order, `<If>`/`<Else>` after the plain
directives, `ErrorDocument` for a missing file). Each address of the bundled site is then checked against the
rules of dist/_headers that match it (Netlify and Cloudflare merge them, and the browser enforces every CSP it
gets, so the strictest frame-ancestors wins).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from feelagain.config import load_config
from tests.support.sitebuild import REPO_ROOT, build_bundled_site

README = REPO_ROOT / "README.md"


def fenced(lang: str) -> str:
    """Return the one ```lang block of README.md."""
    blocks = re.findall(rf"^```{lang}\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    assert len(blocks) == 1, f"README.md should have one ```{lang} block, found {len(blocks)}"
    return blocks[0]


# ------------------------------------------------------------------------------------------------- nginx

@dataclass
class Block:
    """An nginx block: its directives ([name, *args]) and its locations ((modifier, pattern, Block))."""

    directives: list[list[str]] = field(default_factory=list)
    locations: list[tuple[str, str, Block]] = field(default_factory=list)
    parent: Block | None = None


def parse_nginx(text: str) -> Block:
    text = re.sub(r"(?m)^\s*#.*$", "", text)
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|[{};]|[^\s{};"]+', text)
    root = block = Block()
    words: list[str] = []
    for token in tokens:
        if token == ";":
            block.directives.append(words)
            words = []
        elif token == "{":
            assert words[0] == "location", f"unexpected block {words}"
            modifier, pattern = (words[1], words[2]) if len(words) == 3 else ("", words[1])
            child = Block(parent=block)
            block.locations.append((modifier, pattern, child))
            block, words = child, []
        elif token == "}":
            assert block.parent is not None
            block = block.parent
        else:
            words.append(token[1:-1] if token.startswith('"') else token)
    assert block is root and not words, "unbalanced braces in the nginx sample"
    return root


def nginx_location(block: Block, uri: str) -> Block:
    """Return the innermost location that answers uri (nginx's rules, applied again inside the chosen one)."""
    for modifier, pattern, child in block.locations:
        if modifier == "=" and uri == pattern:
            return child
    prefixes = [(len(p), m, c) for m, p, c in block.locations if m in ("", "^~") and uri.startswith(p)]
    best = max(prefixes, key=lambda x: x[0]) if prefixes else None
    if best is None or best[1] != "^~":
        for modifier, pattern, child in block.locations:
            if modifier in ("~", "~*") and re.search(pattern, uri, re.I if modifier == "~*" else 0):
                return nginx_location(child, uri)
    return nginx_location(best[2], uri) if best else block


def inherited(block: Block, name: str) -> list[list[str]]:
    """Return the directives called name of the nearest block (this one, then its parents) that has any."""
    at: Block | None = block
    while at is not None:
        found = [d[1:] for d in at.directives if d[0] == name]
        if found:
            return found
        at = at.parent
    return []


def nginx_serve(server: Block, dist: Path, uri: str) -> tuple[int, str, dict[str, str]]:
    """Return (status, the file served as a URI, headers) for a GET of uri."""
    status = 200
    if uri.endswith("/") and (dist / uri.lstrip("/") / "index.html").is_file():
        uri += "index.html"  # the index module: an internal redirect, matched again
    if not (dist / uri.lstrip("/")).is_file():
        pages = {code: target for *codes, target in inherited(nginx_location(server, uri), "error_page")
                 for code in codes}
        assert "404" in pages, f"no error_page 404 applies to {uri}"
        status, uri = 404, pages["404"]
    location = nginx_location(server, uri)
    headers = {}
    for args in inherited(location, "add_header"):
        assert args[-1] == "always", f"add_header {args[0]} needs 'always' (or 404 pages go without it)"
        headers[args[0]] = args[1]
    return status, uri, headers


# ------------------------------------------------------------------------------------------------ Apache

CONDITION = re.compile(r"^(!\s*)?%\{REQUEST_URI\}\s*(=~|!~)\s*m#(.*)#$")


def apache_test(expression: str, uri: str) -> bool:
    """Evaluate an <If> expression made of `%{REQUEST_URI} =~ m#re#` / `!~` tests joined by &&."""
    results = []
    for part in expression.split("&&"):
        match = CONDITION.match(part.strip())
        assert match, f"the test cannot read this <If> condition: {part.strip()}"
        found = re.search(match.group(3), uri) is not None
        if match.group(2) == "!~":
            found = not found
        results.append(not found if match.group(1) else found)
    return all(results)


def apache_sections(text: str) -> tuple[list[str], list[tuple[str | None, list[str]]]]:
    """Return the plain directives and the <If>/<Else> sections ((condition or None for Else, directives))."""
    plain: list[str] = []
    sections: list[tuple[str | None, list[str]]] = []
    current: list[str] | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        opened = re.match(r'^<If "(.*)">$', line)
        if opened or line == "<Else>":
            current = []
            sections.append((opened.group(1) if opened else None, current))
        elif line in ("</If>", "</Else>"):
            current = None
        else:
            (plain if current is None else current).append(line)
    return plain, sections


def apache_config(text: str, uri: str) -> list[str]:
    """Return the directives that apply to uri: the plain ones, then the <If>/<Else> sections in order
    (Apache merges <If> sections after everything else); an <Else> applies when the <If> before it did not."""
    plain, sections = apache_sections(text)
    applied = list(plain)
    last = False
    for condition, directives in sections:
        taken = (not last) if condition is None else apache_test(condition, uri)
        if taken:
            applied += directives
        last = taken
    return applied


def apache_serve(text: str, dist: Path, uri: str) -> tuple[int, str, dict[str, str]]:
    """Return (status, the file served as a URI, headers) for a GET of uri."""
    status = 200
    if uri.endswith("/") and (dist / uri.lstrip("/") / "index.html").is_file():
        uri += "index.html"  # DirectoryIndex: an internal redirect
    if not (dist / uri.lstrip("/")).is_file():
        pages = [d.split()[2] for d in apache_config(text, uri) if d.startswith("ErrorDocument 404 ")]
        assert pages, f"no ErrorDocument 404 applies to {uri}"
        status, uri = 404, pages[-1]  # the last one merged wins
    headers: dict[str, str] = {}
    for directive in apache_config(text, uri):
        match = re.match(r'^Header always set (\S+) "(.*)"$', directive)
        if match:
            headers[match.group(1)] = match.group(2)
        else:
            assert not directive.startswith("Header"), f"the test reads only `Header always set`: {directive}"
    return status, uri, headers


# ------------------------------------------------------------------------------------- the built site

def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """Return {path pattern: {header: value}} of a Netlify/Cloudflare _headers file."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            current = rules[line] = {}
        else:
            name, value = line.strip().split(":", 1)
            current[name.strip()] = value.strip()
    return rules


def matching(rules: dict[str, dict[str, str]], uri: str) -> list[dict[str, str]]:
    return [values for pattern, values in rules.items()
            if pattern == uri or (pattern.endswith("*") and uri.startswith(pattern[:-1]))]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundled_site(tmp_path_factory.mktemp("hosts") / "dist")


@pytest.fixture(scope="module")
def rules(dist: Path) -> dict[str, dict[str, str]]:
    return parse_headers((dist / "_headers").read_text(encoding="utf-8"))


def embed_csp() -> str:
    ancestors = " ".join(load_config(REPO_ROOT).frame_ancestors)
    return (f"default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; object-src 'none'; "
            f"frame-ancestors {ancestors}")


def serve(server: str, dist: Path, uri: str) -> tuple[int, str, dict[str, str]]:
    if server == "nginx":
        return nginx_serve(parse_nginx(fenced("nginx")), dist, uri)
    return apache_serve(fenced("apache"), dist, uri)


def sample_addresses(dist: Path) -> list[str]:
    """Every kind of address of the bundled site, in both languages."""
    embeds = sorted(p.parent.name for p in (dist / "embed").glob("*/index.html"))
    es_embeds = sorted(p.parent.name for p in (dist / "es" / "embed").glob("*/index.html"))
    assert embeds and es_embeds, "the bundled site should have English and Spanish embeds"
    return ["/", "/signs/", "/get-help/", "/es/", "/es/senales/", "/es/obtener-ayuda/", "/search/", "/es/search/",
            "/embed/", "/embed/index.html", f"/embed/{embeds[0]}/", f"/embed/{embeds[-1]}/",
            f"/es/embed/{es_embeds[0]}/", f"/es/embed/{es_embeds[-1]}/", "/print/", "/offline/", "/404.html",
            "/es/404.html", "/es/embed/", "/es/embed/index.html", "/es/print/", "/es/offline/"]


SERVERS = ["nginx", "apache"]


@pytest.mark.parametrize("server", SERVERS)
def test_spanish_embeds_may_be_framed(server: str, dist: Path):
    """A clinic's Spanish iframe loads: /es/embed/<slug>/ gets the embed CSP of site.yml and no DENY."""
    slugs = sorted(p.parent.name for p in (dist / "es" / "embed").glob("*/index.html"))
    assert "senales" in slugs
    for slug in slugs:
        status, _, headers = serve(server, dist, f"/es/embed/{slug}/")
        assert status == 200
        assert headers.get("Content-Security-Policy") == embed_csp(), slug
        assert "X-Frame-Options" not in headers, slug
        assert headers.get("X-Content-Type-Options") == "nosniff"


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("uri", ["/embed/", "/embed/index.html", "/es/embed/", "/es/embed/index.html"])
def test_every_languages_embed_guide_is_a_page_that_may_not_be_framed(server: str, dist: Path, uri: str):
    """The Spanish embed guide (/es/embed/) sits inside the framable /es/embed/, yet it is a page like the English
    one: a frame of it could dress up its snippets."""
    assert (dist / "es" / "embed" / "index.html").is_file()
    status, _, headers = serve(server, dist, uri)
    assert status == 200
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), (uri, headers)
    assert headers.get("X-Frame-Options") == "DENY", uri


@pytest.mark.parametrize("server", SERVERS)
def test_headers_match_the_built_headers_file(server: str, dist: Path, rules: dict[str, dict[str, str]]):
    """Each address gets the CSP and framing rule that dist/_headers gives it (the strictest of its rules)."""
    for uri in sample_addresses(dist):
        status, _, headers = serve(server, dist, uri)
        assert status == 200, uri
        expected = matching(rules, uri)
        policies = [r["Content-Security-Policy"] for r in expected if "Content-Security-Policy" in r]
        assert policies, f"_headers has no CSP for {uri}"
        strict = [p for p in policies if "frame-ancestors 'none'" in p] or policies
        assert headers.get("Content-Security-Policy") in strict, (uri, headers, strict)
        denied = any(r.get("X-Frame-Options") == "DENY" for r in expected)
        assert (headers.get("X-Frame-Options") == "DENY") == denied, uri
        assert headers.get("Referrer-Policy") == "no-referrer", uri


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(("uri", "page"), [
    ("/nope/", "/404.html"), ("/signs/missing.png", "/404.html"), ("/es/no-existe/", "/es/404.html"),
    ("/es/senales/nada/", "/es/404.html"), ("/es/search/nada", "/es/404.html"), ("/espanol/", "/404.html"),
])
def test_missing_addresses_get_their_language_404(server: str, dist: Path, uri: str, page: str):
    status, served, headers = serve(server, dist, uri)
    assert (status, served) == (404, page)
    assert (dist / page.lstrip("/")).is_file()
    assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", "")
    assert headers.get("X-Frame-Options") == "DENY"


def test_the_models_can_fail(dist: Path):
    """The old samples (framing only under ^/embed/, one 404 page) fail the checks above."""
    old_nginx = ("error_page 404 /404.html;\nlocation / { add_header X-Frame-Options \"DENY\" always; }\n"
                 "location /embed/ { add_header Content-Security-Policy \"x; frame-ancestors *\" always; }\n")
    status, served, headers = nginx_serve(parse_nginx(old_nginx), dist, "/es/embed/senales/")
    assert headers == {"X-Frame-Options": "DENY"}
    assert nginx_serve(parse_nginx(old_nginx), dist, "/es/no-existe/")[1] == "/404.html"
    old_apache = ('Header always set X-Frame-Options "DENY"\n<If "%{REQUEST_URI} =~ m#^/embed/#">\n'
                  'Header always set Content-Security-Policy "x"\n</If>\nErrorDocument 404 /404.html\n')
    assert apache_serve(old_apache, dist, "/es/embed/senales/")[2] == {"X-Frame-Options": "DENY"}
    assert apache_serve(old_apache, dist, "/embed/signs/")[2]["Content-Security-Policy"] == "x"
    assert apache_serve(old_apache, dist, "/es/no-existe/")[1] == "/404.html"
