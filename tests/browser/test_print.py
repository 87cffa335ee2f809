"""The whole guide in print: /print/ printed to PDF by Chromium (A4 and Letter) and read back with pdftotext.

Needs poppler-utils (pdftotext), which scripts/setup.sh --test installs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import interface_string

pytestmark = pytest.mark.browser

# 14 sections, each from a new sheet, plus title/contents and the crisis page. Long sections take several
# sheets; the bundled guide prints to about 50 A4 pages. A much larger count means broken page breaks
# (e.g. a sheet per paragraph); a smaller one means sections or page breaks went missing.
PAGE_RANGE = {"A4": (16, 90), "Letter": (16, 90)}


class _Sections(HTMLParser):
    """Titles of the print sections (h2.print-section__title) and the crisis line names in the footer."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.titles: list[str] = []
        self._grab = False

    def handle_starttag(self, tag, attrs):
        if tag == "h2" and "print-section__title" in (dict(attrs).get("class") or ""):
            self._grab = True
            self.titles.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._grab = False

    def handle_data(self, data):
        if self._grab:
            self.titles[-1] += data


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_pages(pdf: Path) -> list[str]:
    exe = shutil.which("pdftotext")
    if not exe:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils (scripts/setup.sh --test)", pytrace=False)
    out = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


_SITE = yaml.safe_load((Path(__file__).resolve().parents[2] / "content" / "site.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def section_titles(built_site: Path) -> list[str]:
    parser = _Sections()
    parser.feed((built_site / "print" / "index.html").read_text(encoding="utf-8"))
    return [_words(t) for t in parser.titles]


def test_print_page_has_every_nav_page_in_order(built_site: Path, section_titles: list[str]):
    from tests.support import sitebuild

    # The printed guide is the default language's (issue #18: other languages' pages live under /<code>/).
    others = tuple(f"/{lang['code']}/" for lang in (_SITE.get("languages") or [])[1:])
    paths = [p for p in sitebuild.sitemap_paths(built_site) if not p.startswith(("/embed/", *others))]
    assert len(section_titles) == len(paths), (section_titles, paths)
    html = (built_site / "print" / "index.html").read_text(encoding="utf-8")
    assert section_titles[0] and "Contents" in html
    # The title page's date is the newest review date, never the clock.
    dates = re.findall(r'\(reviewed <time datetime="(\d{4}-\d{2}-\d{2})"', html)
    assert len(dates) == len(paths)
    assert re.search(r"reviewed on or before <time datetime=\"" + max(dates), html)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_printed_guide_has_every_section_and_crisis_lines_last(visit, tmp_path, section_titles, paper):
    v = visit("/print/", wait="networkidle")
    v.page.emulate_media(media="print")
    pdf = tmp_path / f"guide-{paper}.pdf"
    v.page.pdf(path=str(pdf), format=paper, print_background=False)
    pages = _pdf_pages(pdf)
    low, high = PAGE_RANGE[paper]
    assert low <= len(pages) <= high, f"{paper}: {len(pages)} pages, expected {low}–{high}"
    text = _words(" ".join(pages))
    for title in section_titles:
        assert _words(title) in text, f"section {title!r} missing from the {paper} PDF"
    # Each section starts on a new sheet: its title is on the first lines of some page.
    tops = [_words(" ".join(p.strip().splitlines()[:3])) for p in pages]
    for title in section_titles:
        assert any(t.startswith(_words(title)) or _words(title) in t for t in tops), f"{title!r} does not start a page"
    # The reader's region (the default, United Kingdom) and its lines are on the last page, nowhere hidden.
    last = _words(pages[-1])
    assert "Need help now?" in last and "Samaritans" in last and "116 123" in last, last[:400]
    assert "If you are in danger now" in last
    # Nav, buttons, the search box and the skip link are not printed.
    assert "Pages in this guide" not in text and "Skip to main content" not in text
    assert "Print this page" not in text and "Print the whole guide" not in text
    # Source URLs are printed after the link text.
    assert "https://doi.org/" in text


def test_nothing_is_clipped_in_print_layout(visit):
    v = visit("/print/", wait="networkidle", width=640)  # about the printable width of A4 with our margins
    v.page.emulate_media(media="print")
    wide = v.page.evaluate("""() => {
      const limit = document.documentElement.clientWidth + 1;
      const out = [];
      for (const el of document.querySelectorAll('main *, footer *')) {
        const r = el.getBoundingClientRect();
        if (!r.width || getComputedStyle(el).display === 'none' || el.closest('.visually-hidden')) continue;
        const clip = ['hidden', 'clip'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1;
        if (r.right > limit || clip) out.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(r.right)}px`);
      }
      return out.slice(0, 10);
    }""")
    assert not wide, f"text wider than the paper or clipped: {wide}"
    font = v.page.evaluate("() => getComputedStyle(document.querySelector('.prose p')).fontSize")
    assert font in ("14.6667px", "16px"), f"body text should print at 11–12 pt, got {font}"
    colour = v.page.evaluate("() => getComputedStyle(document.querySelector('.prose p')).color")
    assert colour == "rgb(0, 0, 0)", colour


def test_print_button_on_every_page_with_js_only(visit, site_pages):
    for case in site_pages:
        if ("/embed/" in case.path or case.status != 200 or case.path.endswith(("/search/", "/offline/"))
                or case.path.endswith("/404.html")):  # another language's own 404 page has no print button
            continue
        v = visit(case)
        expect(v.page.locator("[data-print]")).to_be_visible()
        lang = v.page.evaluate("document.documentElement.lang")
        names = "|".join(re.escape(interface_string(lang, t)) for t in ("Print this page", "Print the whole guide"))
        expect(v.page.locator("[data-print]")).to_have_accessible_name(re.compile(rf"^({names})$"))
        v.page.emulate_media(media="print")
        expect(v.page.locator("[data-print]")).to_be_hidden()
    nojs = visit("/causes/", js=False)
    expect(nojs.page.locator("[data-print]")).to_be_hidden()


@pytest.mark.parametrize("path", ["/", "/about/"])
def test_home_and_about_link_to_the_whole_guide(visit, path):
    v = visit(path)
    link = v.page.get_by_role("link", name="Print the whole guide")
    expect(link).to_be_visible()
    link.click()
    v.page.wait_for_url(re.compile(r"/print/$"))
    expect(v.page.locator("h1")).to_have_text(re.compile(r"\S"))


# ------------------------------------------------------------------------------------------ the Spanish guide

_ES_NAV = next(lang for lang in _SITE["languages"] if lang["code"] == "es")["nav"]


@pytest.fixture(scope="module")
def spanish_titles(built_site: Path) -> list[str]:
    parser = _Sections()
    parser.feed((built_site / "es" / "print" / "index.html").read_text(encoding="utf-8"))
    return [_words(t) for t in parser.titles]


@pytest.mark.parametrize("path", ["/es/", "/es/acerca-de/"])
def test_spanish_home_and_about_link_to_the_spanish_guide(visit, path):
    from tests.support.catalog import es

    v = visit(path)
    link = v.page.locator("main").get_by_role("link", name=es("Print the whole guide"))
    expect(link).to_be_visible()
    link.click()
    v.page.wait_for_url(re.compile(r"/es/print/$"))
    expect(v.page.locator("html")).to_have_attribute("lang", "es")
    expect(v.page.locator("#contents-title")).to_have_text(es("Contents"))


def test_spanish_printed_guide_has_every_spanish_section_in_spanish_and_its_crisis_lines_last(visit, tmp_path,
                                                                                              spanish_titles):
    from tests.support.catalog import es

    assert len(spanish_titles) == len(_ES_NAV)
    v = visit("/es/print/", wait="networkidle")
    v.page.emulate_media(media="print")
    pdf = tmp_path / "guia-A4.pdf"
    v.page.pdf(path=str(pdf), format="A4", print_background=False)
    pages = _pdf_pages(pdf)
    assert len(pages) >= len(_ES_NAV) + 2, len(pages)
    text = _words(" ".join(pages))
    tops = [_words(" ".join(p.strip().splitlines()[:3])) for p in pages]
    at = -1
    for title in spanish_titles:  # each section on its own sheet, in the Spanish nav order
        found = next((i for i, t in enumerate(tops) if i > at and (t.startswith(title) or title in t)), None)
        assert found is not None, f"{title!r} does not start a page after the section before it"
        at = found
    assert _words(es("Key points")) in text and "Key points" not in text and "Contents" not in text
    # The Spanish default region (United States) and its Spanish-language line are on the last page.
    last = _words(pages[-1])
    assert _words(es("Need help now?")) in last and "988" in last, last[:400]
    assert es("Print this page") not in text and es("Print the whole guide") not in text
