"""Security headers for static hosts (the _headers format of Netlify and Cloudflare Pages)."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from .config import SiteConfig
from .model import safe_url

CSP = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; object-src 'none'"
# Only the search pages (search/, es/search/) run WebAssembly (Pagefind); never 'unsafe-eval' or 'unsafe-inline'.
SEARCH_CSP = f"{CSP}; script-src 'self' 'wasm-unsafe-eval'"
COMMON = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                          "microphone=(), payment=(), usb=()",
}


def header_sets(config: SiteConfig, page_urls: list[str]) -> list[tuple[str, dict[str, str]]]:
    """Return (path pattern, headers) pairs: site pages unframeable, embeds framable by the configured origins.

    Hosts merge the headers of every rule a path matches, so the page rules name each page instead of '/*':
    a catch-all frame-ancestors 'none' would also forbid framing the embeds. The one catch-all ('/*', first)
    carries only COMMON, which says nothing of framing: every address gets it, 404s, sitemap.xml, the manifest
    and Pagefind's files too. No other rule repeats it: Cloudflare joins a header that two matching rules set
    with a comma ("nosniff, nosniff"), where Netlify keeps the later one.
    """
    base = safe_url(urlsplit(config.base_url).path)  # a space or newline here would start a new rule
    ancestors = " ".join(config.frame_ancestors)
    page_rule = {"Content-Security-Policy": f"{CSP}; frame-ancestors 'none'", "X-Frame-Options": "DENY"}
    embed_rule = {"Content-Security-Policy": f"{CSP}; frame-ancestors {ancestors}"}
    shared = {"Access-Control-Allow-Origin": "*"}  # the content API and oEmbed answers, read from other sites
    sets = [(f"{base}*", COMMON)]
    sets += [(f"{base}{url}" if url else base, page_rule) for url in page_urls]
    # A language's home (es/) gets no 'es/*' rule: that would also forbid framing the language's embeds.
    prefixes = config.language_prefixes
    sets += [(f"{base}{url}*", page_rule) for url in page_urls if url and url not in prefixes]
    search_rule = {**page_rule, "Content-Security-Policy": f"{SEARCH_CSP}; frame-ancestors 'none'"}
    for prefix in prefixes:
        sets += [
            (f"{base}{prefix}search/", search_rule),  # each language's search page runs Pagefind too
            (f"{base}{prefix}search/index.html", search_rule),
            # Each language's print page, offline notice and embed guide are pages like the default's (below).
            (f"{base}{prefix}print/", page_rule),
            (f"{base}{prefix}print/index.html", page_rule),
            (f"{base}{prefix}offline/", page_rule),
            (f"{base}{prefix}offline/index.html", page_rule),
            (f"{base}{prefix}404.html", page_rule),
            (f"{base}{prefix}embed/", page_rule),
            (f"{base}{prefix}embed/index.html", page_rule),
            (f"{base}{prefix}embed/*", embed_rule),
            (f"{base}{prefix}api/*", shared),
            (f"{base}{prefix}oembed/*", shared),
        ]
    sets += [
        (f"{base}search/", search_rule),
        (f"{base}search/index.html", search_rule),
        # The generated print and offline pages are pages like any other.
        (f"{base}print/", page_rule),
        (f"{base}print/index.html", page_rule),
        (f"{base}offline/", page_rule),
        (f"{base}offline/index.html", page_rule),
        (f"{base}404.html", page_rule),
        # The embed guide is a normal page under /embed/: hosts add these to the /embed/* rule, and with
        # two policies the stricter frame-ancestors wins, so the guide stays unframeable.
        (f"{base}embed/", page_rule),
        (f"{base}embed/index.html", page_rule),
        (f"{base}embed/*", embed_rule),
        # The service worker must be re-checked on every visit, or a rebuilt site would wait for it.
        (f"{base}sw.js", {"Cache-Control": "no-cache"}),
        (f"{base}embed.js", {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"}),
        (f"{base}api/*", shared),
        (f"{base}oembed/*", shared),
        (f"{base}assets/*", {"Cache-Control": "public, max-age=31536000, immutable"}),
        # The pinned copy of embed.js (assets/embed.<hash>.js): a clinic's <script integrity="…" crossorigin>
        # from another origin runs only with this header. (/embed.js has it too, above; a plain tag needs none.)
        (f"{base}assets/embed.*.js", {"Access-Control-Allow-Origin": "*"}),
    ]
    return sets


def netlify_headers(config: SiteConfig, page_urls: list[str]) -> bytes:
    """Return the _headers file: each rule's path, its headers, then a blank line (none after the last)."""
    return "".join(netlify_header_parts(config, page_urls)).encode()


def netlify_header_parts(config: SiteConfig, page_urls: list[str]) -> Iterator[str]:
    """Yield the text of the _headers file in pieces (7 MB at 10,000 pages: the build spools it)."""
    # Most rules share one set of headers (every page's): its lines are made once, not once per page.
    blocks: dict[int, str] = {}
    separator = ""
    for pattern, values in header_sets(config, page_urls):
        block = blocks.get(id(values))
        if block is None:
            block = blocks[id(values)] = "".join(f"  {name}: {value}\n" for name, value in values.items())
        yield separator
        yield pattern
        yield "\n"
        yield block
        separator = "\n"
