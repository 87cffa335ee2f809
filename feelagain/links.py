"""Internal link and anchor checks across the whole site; errors point at the Markdown line."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from .errors import BuildError, SourceLocation, did_you_mean
from .markup import Link

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


def check_links(slug: str, loc: SourceLocation, links: Iterable[tuple[Link, int]],
                anchors: Mapping[str, Collection[str]]) -> list[BuildError]:
    """Return an error for every link from this page to a missing page or anchor, or with an unsafe scheme.

    links holds each link of the page with its file line (line_of_link).
    """
    errors: list[BuildError] = []
    for link, line in links:
        at = loc.at(line)
        if link.kind == "page":
            target = link.slug or ""
            if target not in anchors:
                guess = did_you_mean(target, sorted(anchors))
                errors.append(BuildError(at, f"link to a missing page: {link.href}",
                                         guess or "check the file name in content/"))
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
        else:
            continue
        if link.fragment and link.fragment not in anchors[target]:
            guess = did_you_mean(link.fragment, sorted(anchors[target]))
            errors.append(BuildError(at, f"link to a missing anchor: {link.href}",
                                     guess or "anchors come from headings: '## Stress' → #stress"))
    return errors
