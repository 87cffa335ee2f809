"""The printable guide's id and link rewriting."""
from __future__ import annotations

from feelagain.printbook import localise, section_anchor


def test_ids_labels_and_in_page_links_get_the_page_prefix():
    html = ('<h2 id="sleep">Sleep</h2><a href="#sleep">up</a><input id="c-1"><label for="c-1">x</label>'
            '<section aria-labelledby="a b"></section><p data-id="keep" data-href="#keep">t</p>')
    out = localise(html, "causes", {})
    assert '<h2 id="causes--sleep">' in out and 'href="#causes--sleep"' in out
    assert 'id="causes--c-1"' in out and 'for="causes--c-1"' in out
    assert 'aria-labelledby="causes--a causes--b"' in out
    assert 'data-id="keep"' in out and 'data-href="#keep"' in out


def test_links_to_other_pages_stay_inside_the_printed_guide():
    targets = {"../signs/": "signs", "../": "index"}
    html = '<a href="../signs/#list">a</a><a href="../signs/">b</a><a href="../">c</a><a href="https://x.org/">d</a>'
    out = localise(html, "causes", targets)
    assert 'href="#signs--list"' in out and f'href="#{section_anchor("signs")}"' in out
    assert 'href="#s-index"' in out and 'href="https://x.org/"' in out
