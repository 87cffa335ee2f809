"""What search engines and other machines read: JSON-LD, sitemap.xml and robots.txt."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape
from typing import Any

from .config import SiteConfig
from .model import Page, join_url, safe_url


def script_json(data: Any) -> str:
    """Return JSON that is safe inside a <script> element (no '</script>' can close it early)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def page_jsonld(page: Page, config: SiteConfig, faq: tuple[tuple[str, str], ...]) -> str:
    """Return the JSON-LD of a page: MedicalWebPage, plus FAQPage on FAQ pages."""
    url = join_url(config.base_url, page.url)
    publisher = {"@type": "Organization", "name": config.organisation}
    medical: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "name": page.meta.title,
        "description": page.meta.description,
        "inLanguage": config.language,
        "lastReviewed": page.meta.reviewed.isoformat(),
        "dateModified": page.meta.reviewed.isoformat(),
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "publisher": publisher,
        "reviewedBy": publisher,
        "license": config.licence_url,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": safe_url(config.base_url)},
    }
    if page.meta.aspect:
        medical["aspect"] = page.meta.aspect
    if page.meta.sources:
        medical["citation"] = [
            {"@type": "CreativeWork", "name": s.title, "publisher": {"@type": "Organization", "name": s.publisher},
             **({"url": s.link} if s.link else {}), **({"datePublished": str(s.year)} if s.year else {}),
             **({"identifier": {"@type": "PropertyValue", "propertyID": "doi", "value": s.doi}} if s.doi else {})}
            for s in page.meta.sources]
    graph: list[dict[str, Any]] = [medical]
    if faq:
        graph.append({"@type": "FAQPage", "@id": url + "#faq", "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": _plain(a)}}
            for q, a in faq]})
    return script_json({"@context": "https://schema.org", "@graph": graph})


def sitemap(urls: list[tuple[str, str]], config: SiteConfig, alternates: dict[str, list[Any]] | None = None) -> bytes:
    """Return sitemap.xml for (site-relative URL, last-modified date) pairs (see sitemap_parts)."""
    return "".join(sitemap_parts(urls, config, alternates)).encode()


def sitemap_parts(urls: list[tuple[str, str]], config: SiteConfig,
                  alternates: dict[str, list[Any]] | None = None) -> Iterator[str]:
    """Yield the text of sitemap.xml for (site-relative URL, last-modified date) pairs, a URL at a time.

    A page with versions in other languages lists them all as xhtml:link alternates (itself included, plus
    x-default for the default language), as Google's sitemap guidance for localized pages asks.
    """
    alternates = alternates or {}
    xmlns = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if alternates else ""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{xmlns}>\n'
    for u, d in urls:
        links = ""
        for alt in alternates.get(u, []):
            href = escape(join_url(config.base_url, alt.url))
            links += f'<xhtml:link rel="alternate" hreflang="{escape(alt.code)}" href="{href}"/>'
            if alt.is_default:
                links += f'<xhtml:link rel="alternate" hreflang="x-default" href="{href}"/>'
        yield f"<url><loc>{escape(join_url(config.base_url, u), quote=False)}</loc><lastmod>{d}</lastmod>{links}</url>\n"
    yield "</urlset>\n"


def robots(config: SiteConfig) -> bytes:
    """Return robots.txt: everything may be crawled; embeds are marked noindex in the pages themselves."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {join_url(config.base_url, 'sitemap.xml')}\n".encode()
