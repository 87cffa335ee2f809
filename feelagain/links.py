"""Internal link and anchor checks across the whole site; errors point at the Markdown line."""
from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import PurePosixPath

from .errors import BuildError, SourceLocation, did_you_mean
from .markup import GENERATED_PAGES, Link, missing_asset, to_assets

IMAGE_HINT = ("copy the image into assets/ and use it from there: an image on another site tells that site "
              "who reads the page")


def line_of_link(link: Link, body_md: str, body_start_line: int) -> int:
    """Return the file line where a link is written in the Markdown body."""
    if link.line is not None:
        return link.line
    index = body_md.find(f"]({link.href}")
    if index < 0:
        index = body_md.find(link.href)
    return body_start_line + (body_md.count("\n", 0, index) if index >= 0 else 0)


def links_with_lines(links: Iterable[Link], body_md: str, body_start_line: int) -> list[tuple[Link, int]]:
    """Return each link with the file line where it is written (what check_links takes)."""
    return [(link, line_of_link(link, body_md, body_start_line)) for link in links]


# The host of "www.nhs.uk" or "nhs.uk/conditions": a web address written without https://
HOST = re.compile(r"(?:[a-z0-9-]+\.)+([a-z]{2,})", re.I)
FILE_ENDINGS = {"html", "htm", "md", "png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "txt", "doc", "docx", "csv",
                "json", "zip", "mp3", "mp4"}


def _closest(word: str, choices: Collection[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def folder_of(loc: SourceLocation) -> str:
    """Return the content folder of a page's file with a final '/': 'content/' or 'content/es/'."""
    return posixpath.dirname(loc.path.as_posix()) + "/"


def _not_a_page(href: str, anchors: Mapping[str, Collection[str]]) -> str:
    """Return the fix for a link that is neither a page's file nor a web address ("signs", "www.nhs.uk")."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    host = HOST.fullmatch(path.split("/", 1)[0])
    if host and host.group(1).lower() not in FILE_ENDINGS:
        return f"did you mean https://{path}? A web address starts with https://"
    folder = PurePosixPath(path.rstrip("/"))
    if folder.name in ("index.html", "index.htm"):  # "signs/index.html" is the signs page's address
        folder = folder.parent
    name = folder.name if folder.name not in GENERATED_PAGES else ""  # "print" is no page's file
    stem, _, ending = name.rpartition(".")
    page = name if name in anchors else stem if stem in anchors and ending in ("html", "htm") else ""
    if not page:
        page = _closest(stem if ending in FILE_ENDINGS else name, anchors) or ""
    if page:
        return f"did you mean {page}.md? Link to a page by its file name"
    return "link to a page by its file name (e.g. causes.md), or write a web address in full, starting with https://"


def check_links(slug: str, loc: SourceLocation, links: Iterable[tuple[Link, int]],
                anchors: Mapping[str, Collection[str]], assets: Collection[str] | None = None,
                translations: Mapping[str, str] | None = None,
                language_folders: Collection[str] | None = None) -> list[BuildError]:
    """Return an error for every link from this page to a missing page or anchor, or with an unsafe scheme.

    links holds each link of the page with its file line (line_of_link); anchors, the pages of its language
    with their ids. With assets (the names in assets/), an image or file that is not there is an error too
    (the writers refuse it in any case); with translations ({slug in another language: this language's
    version}), a link to another language's page names the version to link instead; with language_folders
    (the codes of the languages published under /<code>/), a link to another folder named like a language
    code ("../fr/") is refused.
    """
    errors: list[BuildError] = []
    folder = folder_of(loc)
    for link, line in links:
        at = loc.at(line)
        if link.kind == "other-language":
            own = (translations or {}).get(link.slug or "")
            fix = (f"link to {own}.md, its version in {folder}" if own else
                   f"link to the version of that page in {folder} by its file name alone, e.g. [text](page.md)")
            errors.append(BuildError(at, f"link to {link.href} leaves {folder}: a page links only to pages of "
                                         "its own language (readers change language with the language menu)", fix))
            continue
        # "../faq/": a page's address, not a language's home; "../xx/": a language this site does not have
        # (language_folders: the codes of the languages published under /<code>/).
        if link.kind == "home" and (link.slug in anchors or
                                    language_folders is not None and link.slug not in language_folders):
            errors.append(BuildError(at, f"link to {link.href} is not a page or a web address",
                                     _not_a_page(link.href, anchors)))
            continue
        if link.kind == "not-a-page":
            errors.append(BuildError(at, f"link to {link.href} is not a page or a web address",
                                     _not_a_page(link.href, anchors)))
            continue
        if link.kind in ("image", "file") and link.slug is None:
            path = link.href.split("#", 1)[0].split("?", 1)[0]
            name = path.split("assets/", 1)[1] if "assets/" in path else PurePosixPath(path).name
            if path.startswith("/"):
                problem = f"{link.kind} path starting with '/' breaks when the site lives in a sub-folder: {link.href}"
            else:
                target = posixpath.normpath(posixpath.join(folder, path))
                problem = (f"{link.kind} {link.href} is not in the assets/ folder (read from this page's file, "
                           f"it is {target})")
            errors.append(BuildError(at, problem, f"put the file in assets/ and write its path from this page's "
                                                  f"file: {to_assets(loc)}{name}"))
            continue
        if link.kind in ("image", "file"):
            if assets is not None and link.slug not in assets:
                errors.append(missing_asset(loc, Link(link.href, link.slug, None, link.kind, line), assets))
            continue
        if link.kind == "page":
            target = link.slug or ""
            if target not in anchors:
                guess = did_you_mean(target, sorted(anchors))
                own = (translations or {}).get(target)
                if own:
                    fix = (f"{link.href} is a page of another language: link to {own}.md, its version in "
                           f"{folder}")
                elif folder != "content/":  # a page of another language than the default one
                    fix = guess or (f"there is no {folder}{target}.md: a page links only to pages of its own "
                                    f"language — link to the version of that page in {folder}")
                else:
                    fix = guess or "check the file name in content/"
                errors.append(BuildError(at, f"link to a missing page: {link.href}", fix))
                continue
        elif link.kind == "anchor":
            target = slug
        elif link.kind == "remote-image":
            errors.append(BuildError(at, f"image from another site: {link.href[:40]}", IMAGE_HINT))
            continue
        elif link.kind == "unsafe" and link.href.startswith("//"):
            errors.append(BuildError(at, f"protocol-relative link: {link.href[:40]}",
                                     "write the full address starting with https://", rule="link-scheme"))
            continue
        elif link.kind == "unsafe":
            errors.append(BuildError(at, f"link with an unsafe scheme: {link.href[:40]}",
                                     "use https://, mailto:, tel: or sms: links, or a link to a .md page",
                                     rule="link-scheme"))
            continue
        elif link.kind == "asset" and link.href.startswith("/"):
            errors.append(BuildError(at, f"link starting with '/' breaks when the site lives in a sub-folder: {link.href}",
                                     "link to the page's file instead, e.g. [text](causes.md)"))
            continue
        elif link.kind == "asset" and link.slug is not None and link.slug not in anchors:
            # ../embed/<slug>/ or ../api/pages/<slug>.json: the build makes one for each page, and no other
            guess = did_you_mean(link.slug, sorted(anchors))
            errors.append(BuildError(at, f"link to {link.href}: there is no page {link.slug} in {folder}",
                                     guess or f"use the name of a page in {folder} (its file name without .md)"))
            continue
        else:
            continue
        if link.fragment and link.fragment not in anchors[target]:
            guess = did_you_mean(link.fragment, sorted(anchors[target]))
            errors.append(BuildError(at, f"link to a missing anchor: {link.href}",
                                     guess or "anchors come from headings: '## Stress' → #stress"))
    return errors
