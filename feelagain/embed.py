"""Syndication: embed snippets, oEmbed responses, the content API and their JSON schemas."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from markupsafe import escape

from .config import SiteConfig
from .crisis import Contact, Crisis, Line
from .discover import SLUG_PATTERN
from .model import MadeOnRead, Page, Site, join_url, safe_url
from .schema import LANGUAGE_TAG
from .spool import Spooled, spool_text

EMBED_HEIGHT = 800  # a fallback height until the frame reports its real one
# The oEmbed answer's width (oEmbed wants whole pixels). The plain frame itself says width="100%": the Nu checker
# flags it (HTML wants a number there), but every browser honours it, and a clinic that can paste only a frame
# often cannot add CSS either; a fixed width would overflow a phone's screen. FRAME_CLASS lets a clinic style it.
EMBED_WIDTH = 640
FRAME_WIDTH = "100%"
FRAME_CLASS = "feelagain-frame"
CACHE_AGE = 86400
SANDBOX = "allow-scripts allow-same-origin allow-popups allow-modals allow-top-navigation-by-user-activation"


def origin(base_url: str) -> str:
    """Return scheme://host[:port] of a URL."""
    parts = urlsplit(base_url)
    return safe_url(f"{parts.scheme}://{parts.netloc}")


def attribution(page: Page, config: SiteConfig) -> dict[str, Any]:
    """Return the attribution an embed must always show."""
    return {"text": f"From {config.title}, published by {config.organisation}.",
            "original_href": join_url(config.base_url, page.url), "reviewed": page.meta.reviewed,
            "licence": {"name": config.licence_name, "url": config.licence_url}}


def iframe_snippet(page: Page, config: SiteConfig) -> str:
    """Return a plain <iframe> snippet (for sites that cannot add our script)."""
    src = escape(join_url(config.base_url, f"{page.lang_prefix}embed/{page.slug}/"))
    title = escape(f"{page.meta.title} – {config.title}")
    return (f'<iframe class="{FRAME_CLASS}" src="{src}" title="{title}" width="{FRAME_WIDTH}" '
            f'height="{EMBED_HEIGHT}" loading="lazy" sandbox="{SANDBOX}" referrerpolicy="no-referrer"></iframe>')


# The line of assets/embed.js that the build fills in with the site's language codes.
LANGUAGES_MARK = b"var LANGUAGES = [];"


def host_script(script: bytes, config: SiteConfig) -> bytes:
    """Return the host-page script (embed.js) with config's language codes written in, the default first.

    With them it knows that data-lang="en" (the default language) has no address prefix, and which codes the
    site has at all. A script without the mark (a site's own embed.js) is returned as it is.
    """
    codes = json.dumps([lang.code for lang in config.all_languages])
    return script.replace(LANGUAGES_MARK, b"var LANGUAGES = " + codes.encode() + b";", 1)


def integrity(data: bytes) -> str:
    """Return the Subresource Integrity value of a file's bytes ("sha384-" and the base64 digest)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def pinned_snippet(config: SiteConfig, dest: PurePosixPath, data: bytes) -> str:
    """Return the "Pinned" script tag: the fingerprinted copy of embed.js (dest, its bytes data) with integrity.

    That copy's name changes whenever its bytes do, so a clinic can check it with integrity="…": the browser
    refuses a changed file. crossorigin="anonymous" is needed for that check on a script from another origin (the
    file is sent with Access-Control-Allow-Origin, see headers.py); no cookies are sent.
    """
    src = escape(join_url(config.base_url, dest.as_posix()))
    return (f'<script src="{src}" integrity="{integrity(data)}" crossorigin="anonymous" '
            f'referrerpolicy="no-referrer" async></script>')


def script_snippet(page: Page, config: SiteConfig, region: str | None = None) -> str:
    """Return the one-line embed: a placeholder (a plain link until the script runs) plus our embed.js.

    No data-region unless one is asked for: a region in the snippet outranks the reader's own (guessed from
    their time zone, or chosen), so a clinic pasting the snippet as it is would show our default country's
    lines to readers elsewhere. referrerpolicy: loading embed.js must not tell us which site it is on.
    """
    title = escape(f"{page.meta.title} – {config.title}")
    href, script = escape(join_url(config.base_url, page.url)), escape(join_url(config.base_url, "embed.js"))
    lang = f' data-lang="{escape(page.lang_prefix.rstrip("/"))}"' if page.lang_prefix else ""
    where = f' data-region="{escape(region)}"' if region else ""
    return (f'<div data-feelagain="{page.slug}"{lang} data-title="{title}"{where}>'
            f'<a href="{href}">{escape(page.meta.title)}</a></div>\n'
            f'<script src="{script}" async referrerpolicy="no-referrer"></script>')


# An <a> start tag with its attributes (values in quotes may hold '>'); text never matches, since '<' in text is
# always written &lt;.
_LINK_TAG = re.compile(r"""<a(?:\s+[^\s"'=<>`/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
_IN_PAGE = re.compile(r"""\shref\s*=\s*["']?#""")
_TARGET = re.compile(r"\starget\s*=", re.I)


def frame_local_links(html: str) -> str:
    """Return an embed page's html with target="_self" on each in-page link (href="#…") that names no target.

    Embed pages send links to the top window (<base target="_top">): a link to a part of the same page would
    replace the clinic's whole page with ours. embed-frame.js did this fix only when JavaScript runs.
    """
    def mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        if not _IN_PAGE.search(tag) or _TARGET.search(tag):
            return tag
        return tag[:2] + ' target="_self"' + tag[2:]

    return _LINK_TAG.sub(mark, html)


def _sections(html: str) -> list[dict[str, str]]:
    sections = []
    for part in re.split(r"(?=<h2[ >])", html):
        match = re.match(r'<h2(?: id="([^"]*)")?[^>]*>(.*?)</h2>(.*)', part, re.S)
        if match:
            sections.append({"id": match.group(1) or "", "title": re.sub(r"<[^>]+>", "", match.group(2)).strip(),
                             "html": match.group(3).strip()})
    return sections


# What a reuser must do with the crisis lines (domain.md: syndication never removes or changes crisis information).
CRISIS_USAGE = (
    "Show these crisis lines wherever you show this content: the lines of default_region, or of the region your "
    "readers live in. Show that region's emergency number and every one of its lines, with the names, numbers, "
    "keywords, addresses and hours exactly as they are here. Never change, shorten or leave out a line. Fetch "
    "this file again at least every max_age seconds and show the lines it has then: lines change, and each "
    "one says when it was last checked (verified_on) and where (source). A page's html may hold a box of help "
    "lines for one region (data-crisis-mirror): keep it too.")
CRISIS_FILE = "api/crisis.json"  # under each language's prefix: api/crisis.json, es/api/crisis.json
# Each contact kind with the crisis.yml fields it carries, as in crisis.NEEDS (keyword only for texts).
CONTACT_FIELDS = {"call": "number", "text": "number", "chat": "url", "web": "url", "email": "address"}


def _contact_api(contact: Contact) -> dict[str, str]:
    data = {"kind": contact.kind, CONTACT_FIELDS[contact.kind]: contact.text}
    if contact.keyword:
        data["keyword"] = contact.keyword
    data["href"] = contact.href  # the link our pages use (tel:, sms:, https:, mailto:)
    return data


def _line_api(line: Line) -> dict[str, Any]:
    data: dict[str, Any] = {"name": line.name, "description": line.description, "hours": line.hours}
    if line.url:
        data["url"] = line.url
    data["contacts"] = [_contact_api(c) for c in line.contacts]
    data["verified_on"] = line.verified_on.isoformat() if line.verified_on else None
    data["source"] = line.source
    if line.hours_source:
        data["hours_source"] = line.hours_source
    if line.language:
        data["language"] = line.language  # a line only for pages in this language
    if line.text_lang:
        data["text_language"] = line.text_lang  # these of its words are in this language, not the page's
        data["text_language_fields"] = list(line.own_text)  # e.g. ["name"] when only the name is untranslated
    return data


def crisis_api(crisis: Crisis, language: str) -> dict[str, Any]:
    """Return the crisis lines a reuser must show with content in `language` (crisis localized to it).

    Every region with its emergency number and crisis lines as the site's pages in that language show them:
    numbers, keywords and addresses exactly as crisis.yml has them, each with verified_on and source. Support
    lines (grief, substance) are not crisis lines: they are in the html where a page has them.
    """
    regions = []
    for region in crisis.regions:
        emergency = region.emergency
        regions.append({
            "code": region.code, "name": region.name,
            "emergency": None if emergency is None else {
                "number": emergency.number, "href": emergency.tel,
                **({"note": emergency.note} if emergency.note else {}),
                **({"note_language": region.note_lang} if emergency.note and region.note_lang else {}),
                "verified_on": emergency.verified_on.isoformat() if emergency.verified_on else None,
                "source": emergency.source},
            "lines": [_line_api(line) for line in region.lines]})
    return {"must_show": True, "usage": CRISIS_USAGE, "language": language, "default_region": crisis.default,
            "max_age": CACHE_AGE, "regions": regions}


def crisis_ref(config: SiteConfig, crisis: Crisis) -> dict[str, Any]:
    """Return what a page record says of the crisis lines: that they must be shown, and where they are.

    The lines themselves are in one file per language (CRISIS_FILE, made from crisis_api): carried in every
    record they would be 10 KB each, 100 MB on a 10,000-page site, all rewritten whenever a line changes.
    """
    return {"must_show": True, "url": join_url(config.base_url, config.lang_prefix + CRISIS_FILE),
            "language": config.language, "default_region": crisis.default}


def page_api(page: Page, config: SiteConfig, body_html: str, crisis: Crisis) -> dict[str, Any]:
    """Return the content-API record of a page, pointing to its language's crisis lines (crisis: localized)."""
    meta = page.meta
    return {
        "slug": page.slug, "title": meta.title, "description": meta.description, "summary": list(meta.summary),
        "html": body_html, "sections": _sections(body_html),
        "reviewed": meta.reviewed.isoformat(), "next_review": meta.next_review.isoformat(),
        "sources": [{k: v for k, v in dataclasses.asdict(s).items() if v is not None} for s in meta.sources],
        "url": join_url(config.base_url, page.url), "embed_url": join_url(config.base_url, f"{page.lang_prefix}embed/{page.slug}/"),
        "licence": {"name": config.licence_name, "url": config.licence_url},
        "attribution": f"Content from {config.title} ({join_url(config.base_url, page.url)}), published by "
                       f"{config.organisation} under {config.licence_name}. Last reviewed {meta.reviewed.isoformat()}.",
        "crisis": crisis_ref(config, crisis),
    }


def oembed(page: Page, config: SiteConfig) -> dict[str, Any]:
    """Return the oEmbed 'rich' response of a page."""
    return {"version": "1.0", "type": "rich", "title": page.meta.title, "provider_name": config.title,
            "provider_url": safe_url(config.base_url), "html": iframe_snippet(page, config), "width": EMBED_WIDTH,
            "height": EMBED_HEIGHT, "cache_age": CACHE_AGE}


def to_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


SOURCE_SCHEMA = {"type": "object", "required": ["publisher", "title"], "additionalProperties": False,
                 "properties": {"publisher": {"type": "string"}, "title": {"type": "string"},
                                "url": {"type": "string", "pattern": "^https://"}, "year": {"type": "integer"},
                                "doi": {"type": "string", "pattern": "^10\\.\\d{4,9}/"},
                                "lang": {"type": "string", "pattern": "^" + LANGUAGE_TAG.pattern + "$",
                                         "description": "the language of the title (BCP 47), when the editor gave it"}}}
_DATE = {"type": "string", "format": "date", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"}
CONTACT_SCHEMA = {
    "type": "object", "required": ["kind", "href"], "additionalProperties": False,
    "properties": {"kind": {"enum": list(CONTACT_FIELDS)}, "number": {"type": "string", "minLength": 1},
                   "keyword": {"type": "string", "minLength": 1}, "url": {"type": "string", "pattern": "^https://"},
                   "address": {"type": "string", "minLength": 1}, "href": {"type": "string", "minLength": 1}},
    "allOf": [{"if": {"properties": {"kind": {"const": kind}}}, "then": {"required": [field]}}
              for kind, field in CONTACT_FIELDS.items()],
}
LINE_SCHEMA = {
    "type": "object", "required": ["name", "description", "hours", "contacts", "verified_on", "source"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string", "minLength": 1}, "description": {"type": "string"},
                   "hours": {"type": "string", "minLength": 1}, "url": {"type": "string", "pattern": "^https://"},
                   "contacts": {"type": "array", "minItems": 1, "items": CONTACT_SCHEMA},
                   "verified_on": _DATE, "source": {"type": "string", "minLength": 1},
                   "hours_source": {"type": "string", "pattern": "^https://"},
                   "language": {"type": "string"}, "text_language": {"type": "string"},
                   "text_language_fields": {"type": "array", "minItems": 1, "uniqueItems": True,
                                            "items": {"enum": ["name", "description", "hours"]}}},
}
CRISIS_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["must_show", "usage", "language", "default_region", "max_age", "regions"],
    "properties": {
        "must_show": {"const": True}, "usage": {"type": "string", "minLength": 1}, "language": {"type": "string"},
        "default_region": {"type": "string", "minLength": 1}, "max_age": {"type": "integer", "minimum": 1},
        "regions": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "name", "emergency", "lines"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "emergency": {"oneOf": [{"type": "null"}, {
                    "type": "object", "required": ["number", "href", "verified_on", "source"], "additionalProperties": False,
                    "properties": {"number": {"type": "string", "minLength": 1}, "href": {"type": "string", "pattern": "^tel:"},
                                   "note": {"type": "string"}, "note_language": {"type": "string"}, "verified_on": _DATE, "source": {"type": "string", "minLength": 1}}}]},
                "lines": {"type": "array", "items": LINE_SCHEMA}}}},
    },
}
CRISIS_REF_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["must_show", "url", "language", "default_region"],
    "description": "Show the crisis lines at url (api/crisis.schema.json) with this page, as their usage says.",
    "properties": {"must_show": {"const": True}, "url": {"type": "string", "format": "uri"},
                   "language": {"type": "string"}, "default_region": {"type": "string", "minLength": 1}},
}
CRISIS_FILE_SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Feel Again crisis lines",
                      **CRISIS_SCHEMA}
PAGE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Feel Again page",
    "type": "object", "additionalProperties": False,
    "required": ["slug", "title", "description", "summary", "html", "sections", "reviewed", "next_review",
                 "sources", "url", "embed_url", "licence", "attribution", "crisis"],
    "properties": {
        "slug": {"type": "string", "pattern": "^" + SLUG_PATTERN.replace("(?:", "(") + "$"}, "title": {"type": "string"},
        "description": {"type": "string", "maxLength": 160}, "summary": {"type": "array", "items": {"type": "string"}},
        "html": {"type": "string"},
        "sections": {"type": "array", "items": {"type": "object", "required": ["id", "title", "html"],
                                                "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                                               "html": {"type": "string"}}}},
        "reviewed": {"type": "string", "format": "date"}, "next_review": {"type": "string", "format": "date"},
        "sources": {"type": "array", "items": SOURCE_SCHEMA},
        "url": {"type": "string", "format": "uri"}, "embed_url": {"type": "string", "format": "uri"},
        "licence": {"type": "object", "required": ["name", "url"]}, "attribution": {"type": "string"},
        "crisis": CRISIS_REF_SCHEMA,
    },
}
INDEX_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Feel Again page index",
    "type": "object", "required": ["site", "licence", "crisis", "crisis_url", "pages"],
    "properties": {
        "site": {"type": "object", "required": ["title", "url", "organisation", "language"]},
        "licence": {"type": "object", "required": ["name", "url"]}, "crisis": CRISIS_SCHEMA,
        "crisis_url": {"type": "string", "format": "uri",
                       "description": "the language's crisis file, as each record's crisis.url"},
        "pages": {"type": "array", "items": {"type": "object", "required": ["slug", "title", "description", "reviewed", "url", "api_url"]}},
    },
}
OEMBED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "oEmbed rich response",
    "type": "object", "required": ["version", "type", "html", "width", "height"],
    "properties": {
        "version": {"const": "1.0"}, "type": {"const": "rich"}, "title": {"type": "string"},
        "provider_name": {"type": "string"}, "provider_url": {"type": "string", "format": "uri"},
        "html": {"type": "string", "pattern": "^<iframe "}, "width": {"type": "integer", "minimum": 1},
        "height": {"type": "integer", "minimum": 1}, "cache_age": {"type": "integer", "minimum": 0},
    },
}


def api_index(config: SiteConfig, site: Site, crisis: Crisis, spool_dir: Path | None = None) -> Spooled:
    """Return the content-API index of config's language (api/pages.json, es/api/pages.json), spooled in
    spool_dir (or the system's temporary folder).

    It lists that language's pages, each with the address of its record, and carries that language's crisis
    lines whole (crisis: localized to it) and, as every record does, the address of its crisis file.
    """
    prefix = config.lang_prefix
    index = [{"slug": page.slug, "title": page.meta.title, "description": page.meta.description,
              "reviewed": page.meta.reviewed.isoformat(), "url": join_url(config.base_url, page.url),
              "api_url": join_url(config.base_url, f"{prefix}api/pages/{page.slug}.json")} for page in site.pages]
    data = {"site": {"title": config.title, "url": safe_url(config.base_url), "organisation": config.organisation,
                     "language": config.language},
            "licence": {"name": config.licence_name, "url": config.licence_url},
            "crisis": crisis_api(crisis, config.language), "crisis_url": crisis_ref(config, crisis)["url"],
            "pages": index}
    # What to_json writes, in pieces: joined, 10,000 pages' pieces would be ~280,000 strings at once.
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    return spool_text(itertools.chain(encoder.iterencode(data), ["\n"]), spool_dir)


def index_path(config: SiteConfig) -> PurePosixPath:
    """Return where config's language's content-API index goes (api/pages.json, es/api/pages.json)."""
    return PurePosixPath(f"{config.lang_prefix}api/pages.json")


def api_files(config: SiteConfig, site: Site, crisis: Crisis,
              spool_dir: Path | None = None) -> dict[PurePosixPath, bytes | Spooled]:
    """Return the content-API index of config's language (spooled, see api_index) and, for the default
    language, the schemas every language's files follow.

    crisis: the crisis lines localized to config's language (the index lists that language's pages).
    """
    files: dict[PurePosixPath, bytes | Spooled] = {index_path(config): api_index(config, site, crisis, spool_dir)}
    if not config.lang_prefix:
        files[PurePosixPath("api/page.schema.json")] = to_json(PAGE_SCHEMA)
        files[PurePosixPath("api/pages.schema.json")] = to_json(INDEX_SCHEMA)
        files[PurePosixPath("api/oembed.schema.json")] = to_json(OEMBED_SCHEMA)
        files[PurePosixPath("api/crisis.schema.json")] = to_json(CRISIS_FILE_SCHEMA)
    return files


EMBED_INDEX_URL = "embed/"  # under each language's prefix: embed/, es/embed/


def embed_index_url(config: SiteConfig) -> str:
    """Return the address of config's language's embed guide (embed/, es/embed/)."""
    return config.lang_prefix + EMBED_INDEX_URL


def embed_index(config: SiteConfig, site: Site,
                other_pages: tuple[Page, ...] = ()) -> MadeOnRead[Page, dict[str, str | None]]:
    """Return what the 'Embed these pages' guide of config's language lists: each page with its two snippets.

    site: that language's pages. other_pages (pages in other languages) are listed too (the default language's
    guide lists them). A page in another language than the site's default has snippets with data-lang. No
    snippet names a region: each reader's own applies (see script_snippet). Ids in the guide must be unique: a
    Spanish page in the default guide is "es-index", beside "index"; in the Spanish guide it is "index".
    """
    here = config.lang_prefix

    def entry(p: Page) -> dict[str, str | None]:
        own = p.lang_prefix == here  # a page of the guide's own language
        return {"slug": p.slug if own else p.lang_prefix.replace("/", "-") + p.slug, "title": p.meta.title,
                "lang": None if own else p.lang_prefix.rstrip("/") or None,
                "embed_href": f"{p.slug}/" if own else f"../{'../' * here.count('/')}{p.lang_prefix}embed/{p.slug}/",
                "iframe_snippet": iframe_snippet(p, config), "script_snippet": script_snippet(p, config)}

    # Made when the template reads them: a large site's snippets are never all in memory.
    return MadeOnRead(list(site.pages) + list(other_pages), entry)
