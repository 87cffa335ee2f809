"""Markdown rendering: links between pages, callouts, checklist tokens, sanitising, contents."""
from __future__ import annotations

from pathlib import PurePosixPath

from feelagain.errors import SourceLocation
from feelagain.markup import CHECKLIST_MARK, Converter

LOC = SourceLocation(PurePosixPath("content/x.md"))


def render(md: str, url: str = "x/", faq: bool = False):
    return Converter().convert(md, LOC, url, 7, faq=faq)


def test_links_to_md_files_become_relative_pretty_urls():
    out = render("See [causes](causes.md#stress) and [home](index.md).")
    assert '<a href="../causes/#stress">causes</a>' in out.body_html
    assert '<a href="../">home</a>' in out.body_html
    assert [(link.slug, link.fragment, link.kind) for link in out.links] == [("causes", "stress", "page"), ("index", None, "page")]


def test_links_from_the_home_page_have_no_parent_step():
    assert '<a href="causes/">' in render("[c](causes.md)", url="").body_html


def test_unsafe_link_schemes_are_neutralised():
    out = render("[x](javascript:alert(1)) [y](https://nhs.uk)")
    assert "javascript:" not in out.body_html
    assert 'href="https://nhs.uk" rel="noopener noreferrer"' in out.body_html
    assert [link.kind for link in out.links] == ["unsafe", "external"]


def test_callouts_become_care_cards_with_hidden_urgency():
    out = render('!!! urgent "Call now"\n    Please call.\n')
    assert '<div class="callout callout--urgent">' in out.body_html
    assert '<span class="visually-hidden">Urgent advice: </span>Call now</h3>' in out.body_html


def test_unknown_callout_type_is_an_error():
    out = render('Intro.\n\n!!! danger "x"\n    y\n')
    assert [str(e) for e in out.errors] == ['content/x.md:9: unknown callout type "danger" — use one of: info, tip, non-urgent, urgent, immediate']


def test_raw_html_is_sanitised_and_reported():
    out = render('Text.\n\n<script>alert(1)</script>\n\n<img src="x.png" alt="a" onerror="alert(1)">\n')
    assert "<script" not in out.body_html and "onerror" not in out.body_html
    assert [str(w).split(" — ")[0] for w in out.warnings] == ["content/x.md:9: raw HTML removed: <script>",
                                                              "content/x.md:11: raw HTML removed: onerror="]


def test_raw_html_is_reported_at_its_line_after_a_line_that_only_looks_like_a_fence():
    """A line that starts with inline code ("```x``` is inline") opens no code block: the warning must still name
    the line of the raw HTML to change, not the first look-alike in a code sample below it."""
    md = ("Text.\n\n```html``` is how a code sample starts.\n\n<img src=\"x.png\" alt=\"a\" onerror=\"alert(1)\">\n\n"
          "```html\n<img onerror=\"alert(1)\">\n```\n")
    out = render(md)
    assert [str(w).split(" — ")[0] for w in out.warnings] == ["content/x.md:11: raw HTML removed: onerror="]


def test_jinja_looking_text_is_printed_literally():
    assert "{{ site.title }}" in render("Hello {{ site.title }} {% if x %}").body_html


def test_contents_list_and_ids():
    out = render("## First part\n\nText.\n\n### Sub part\n\nMore.\n")
    assert [(t.id, t.title, t.level) for t in out.toc] == [("first-part", "First part", 2), ("sub-part", "Sub part", 3)]
    assert {"first-part", "sub-part"} <= out.ids


def test_checklist_block_becomes_a_mark():
    md = ("Intro.\n\n```checklist\nlegend: L\nintro: I\nitems:\n  - A\n  - {text: B, urgent: true}\n"
          "results:\n  - {min: 0, message: M}\nurgent_message: U\n```\n")
    out = render(md)
    assert CHECKLIST_MARK.format(0) in out.body_html
    assert out.checklists[0].legend == "L"


def test_faq_pairs_come_from_h2_headings():
    out = render("## Is it normal?\n\nYes, often.\n\n## How long?\n\nIt varies.\n", faq=True)
    assert [q for q, _ in out.faq] == ["Is it normal?", "How long?"]
    assert "Yes, often." in out.faq[0][1]


def test_tables_are_wrapped_in_a_focusable_scroll_region():
    out = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<div aria-label="Table (scrolls sideways)" class="table-wrap" role="region" tabindex="0"><table>' in out.body_html


NOTED = "## Is it common?\n\nIn one survey, 46% said so.[^g] Most got better.[^g]\n\n[^g]: Goodwin and others (2017).\n"


def test_footnotes_become_notes_with_spoken_references_and_checked_anchors():
    out = render(NOTED)
    assert ('<sup id="fnref-g"><a class="footnote-ref" href="#fn-g"><span class="visually-hidden">Note </span>1</a>'
            "</sup>") in out.body_html
    assert '<div class="footnotes">\n<h2 class="footnotes__title" id="fa-notes">Notes</h2><ol>' in out.body_html
    assert "<hr" not in out.body_html
    assert '<li id="fn-g">' in out.body_html
    assert ">Back to text</a> <a" in out.body_html and ">Back to text (2)</a>" in out.body_html
    assert {"fn-g", "fnref-g", "fnref2-g", "fa-notes"} <= out.ids
    assert [link.fragment for link in out.links if link.kind == "anchor"] == ["fn-g", "fn-g", "fnref-g", "fnref2-g"]
    assert [t.title for t in out.toc] == ["Is it common?"]  # "Notes" is not a section of the page
    assert out.warnings == () and out.errors == ()  # the sanitiser keeps every part of it


def test_faq_answers_leave_out_notes_and_their_references():
    out = render(NOTED, faq=True)
    assert out.faq == (("Is it common?", "<p>In one survey, 46% said so. Most got better.</p>"),)


def spanish_labels():
    from feelagain.i18n import PROJECT_ROOT, translations
    from feelagain.markup import Labels

    return Labels.translated(translations(PROJECT_ROOT, "es").gettext)


def test_notes_speak_the_pages_language():
    converter = Converter()
    spanish = converter.convert(NOTED, LOC, "x/", 7, labels=spanish_labels()).body_html
    assert '<span class="visually-hidden">Nota </span>1</a>' in spanish
    assert '<h2 class="footnotes__title" id="fa-notes">Notas</h2>' in spanish
    assert ">Volver al texto</a> <a" in spanish and ">Volver al texto (2)</a>" in spanish
    assert 'title="Volver a donde se usa la nota 1"' in spanish
    for english in ("Note ", "Notes", "Back to"):
        assert english not in spanish
    # The same Converter goes back to English for the next (English) page: the labels are per conversion.
    english = converter.convert(NOTED, LOC, "x/", 7).body_html
    assert english == render(NOTED).body_html
    assert 'title="Back to where note 1 is used"' in english and "Volver" not in english


def test_callouts_speak_the_pages_language():
    body = ('!!! urgent "Ve hoy"\n    Texto.\n\n!!! immediate\n    Llama.\n\n!!! non-urgent\n    Habla.\n\n'
            "!!! tip\n    Prueba.\n")
    out = Converter().convert(body, LOC, "x/", 7, labels=spanish_labels()).body_html
    assert '<span class="visually-hidden">Consejo urgente: </span>Ve hoy</h3>' in out
    assert '<span class="visually-hidden">Se necesita actuar ahora: </span>Busca ayuda ahora si</h3>' in out
    assert '<span class="visually-hidden">Consejo no urgente: </span>Habla con un médico si</h3>' in out
    assert '<h3 class="callout__title">Prueba esto hoy</h3>' in out
    assert "advice" not in out and "required" not in out


def test_a_translated_back_link_title_with_braces_or_markup_is_kept_as_written():
    from feelagain.markup import Labels

    labels = Labels(back="<Back> & {on}", back_title="{x} note {number} «here»")
    out = Converter().convert(NOTED, LOC, "x/", 7, labels=labels).body_html
    assert 'title="{x} note 1 «here»"' in out
    assert ">&lt;Back&gt; &amp; {on}</a>" in out
