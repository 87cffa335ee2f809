"""The copy-paste embed snippets and oEmbed answers (feelagain/embed.py): what a clinic pastes into its page."""
from __future__ import annotations

import pytest

from feelagain import embed
from feelagain.config import load_config
from feelagain.discover import read_sources
from feelagain.errors import Problems
from feelagain.pipeline import parse_pages
from tests.support.html import Tags


def tag(html: str, name: str) -> dict[str, str | None]:
    found = [attrs for t, attrs in Tags(html).tags if t == name]
    assert len(found) == 1, (name, html)
    return found[0]


@pytest.fixture
def site(make_site):
    config = load_config(make_site())
    problems = Problems()
    pages = parse_pages(read_sources(config.content_dir, problems), problems)
    return config, next(p for p in pages if p.slug == "index")


def test_the_script_and_the_frame_never_send_the_clinics_address(site):
    """The guide promises the embed "does not tell us which site it is on": no Referer on loading either."""
    config, page = site
    assert tag(embed.script_snippet(page, config), "script")["referrerpolicy"] == "no-referrer"
    assert tag(embed.iframe_snippet(page, config), "iframe")["referrerpolicy"] == "no-referrer"
    assert tag(embed.oembed(page, config)["html"], "iframe")["referrerpolicy"] == "no-referrer"


def test_the_script_snippet_names_no_region_unless_asked(site):
    """A region in the snippet outranks the reader's own: a US clinic pasting a 'uk' snippet would show 999."""
    config, page = site
    assert config.default_region == "uk"
    placeholder = tag(embed.script_snippet(page, config), "div")
    assert "data-region" not in placeholder and placeholder["data-feelagain"] == "index", placeholder
    # A region asked for explicitly is still written.
    assert tag(embed.script_snippet(page, config, "us"), "div")["data-region"] == "us"


def test_the_guide_lists_snippets_without_a_region(site):
    config, page = site
    from feelagain.model import Site

    entries = list(embed.embed_index(config, Site(pages=(page,), nav=())))
    assert entries and all("data-region" not in e["script_snippet"] for e in entries), entries


def test_in_page_links_of_an_embed_page_stay_in_the_frame():
    """<base target="_top"> would send href="#…" to the top window (replacing the clinic's page) without JS."""
    html = ('<a href="#need-help" data-change-region>Change country</a> '
            '<a class="footnote-ref" title="a > b" href="#fn:1">1</a> '
            '<a href="#x" target="_top">Top on purpose</a> <a href="../signs/">Signs</a> '
            '<p>&lt;a href="#shown-as-text"&gt;</p> <abbr title="#">x</abbr>')
    out = embed.frame_local_links(html)
    tags = [attrs for t, attrs in Tags(out).tags if t == "a"]
    assert [a.get("target") for a in tags] == ["_self", "_self", "_top", None], out
    assert '&lt;a href="#shown-as-text"&gt;' in out and '<abbr title="#">' in out
    assert embed.frame_local_links(out) == out  # a second pass changes nothing


def test_the_host_script_gets_the_sites_languages_default_first(make_site):
    from feelagain.assets import collect_assets
    from tests.support.sites import ROOT

    config = load_config(make_site())
    script = collect_assets((ROOT / "assets",))["embed.js"].data
    assert script.count(embed.LANGUAGES_MARK) == 1, "assets/embed.js lost the line the build fills in"
    built = embed.host_script(script, config)
    assert b'var LANGUAGES = ["en"];' in built and embed.LANGUAGES_MARK not in built
    bundled = load_config(ROOT)
    assert b'var LANGUAGES = ["en", "es"];' in embed.host_script(script, bundled)
    assert embed.host_script(b"/* a site's own script */", config) == b"/* a site's own script */"


def test_the_frame_snippet_fills_its_column_and_oembed_gives_whole_pixels(site):
    """The plain frame says width="100%" (a fixed width would overflow a phone where a clinic cannot add CSS);
    oEmbed's width must be whole pixels."""
    config, page = site
    frame = tag(embed.iframe_snippet(page, config), "iframe")
    answer = embed.oembed(page, config)
    assert frame["width"] == "100%" and isinstance(answer["width"], int) and answer["width"] > 0, (frame, answer)
    assert frame["height"] == str(answer["height"])
    assert frame["class"] == embed.FRAME_CLASS and "style" not in frame  # no inline style: a clinic's CSP may block it
    assert tag(answer["html"], "iframe") == frame


def test_integrity_is_the_sha384_a_browser_checks():
    """Subresource Integrity values: "sha384-" and the base64 of the digest (these two checked with
    `openssl dgst -sha384 -binary | base64`)."""
    assert embed.integrity(b"") == "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
    assert embed.integrity(b"abc") == "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"


def test_the_pinned_snippet_names_the_fingerprinted_file_with_its_integrity(make_site):
    """The "Pinned" tag: the fingerprinted copy (its name changes with its bytes) with integrity, CORS mode
    (needed for a cross-origin SRI check; sends no cookies), no Referer, and async like the usual snippet."""
    from pathlib import PurePosixPath

    from feelagain.assets import fingerprint

    config = load_config(make_site())
    data = embed.host_script(b"var LANGUAGES = [];", config)
    dest = fingerprint("embed.js", data)
    script = tag(embed.pinned_snippet(config, dest, data), "script")
    assert script == {"src": f"{config.base_url}assets/{dest.name}", "integrity": embed.integrity(data),
                      "crossorigin": "anonymous", "referrerpolicy": "no-referrer", "async": None}, script
    assert dest.parent == PurePosixPath("assets") and dest != fingerprint("embed.js", b"var LANGUAGES = [];")
