"""Tests for feelagain.lint: every rule fires on a small page and stays silent on a clean one."""
from __future__ import annotations

import dataclasses
import time
from datetime import date
from pathlib import PurePosixPath

import pytest

from feelagain.errors import SourceLocation
from feelagain.lint.plaintext import fk_grade, scan
from feelagain.lint.rules import (
    PHRASES,
    RULE_IDS,
    RULES,
    LintPage,
    LintSettings,
    SourceRef,
    lint_page,
)

TODAY = date(2026, 6, 1)
START = 10  # the body starts on file line 10 of every fixture page

CLEAN_BODY = """\
Feeling numb means you feel flat or cut off. It is common. It often gets better with time.

## What can help

Some people with numbness have thoughts of suicide. If that is you, [get help now](get-help.md).

!!! tip "Try this today"
    Go for a short walk. Notice three things you can see.

- Talk to someone you trust.
- Try to sleep and eat at regular times.

![A person sitting by a window](window.png)

Read more [on the NHS website](https://www.nhs.uk) or [call us](tel:111).
"""


def make_page(body: str = CLEAN_BODY, **changes: object) -> LintPage:
    """Return a clean fixture page, with some fields changed."""
    page = LintPage(
        path=PurePosixPath("content/causes.md"), slug="causes", body_md=body, body_start_line=START,
        body_html='<p><img alt="A person sitting by a window" src="window.png"></p>', sources_count=2,
        sources_line=5, reviewed=date(2026, 1, 1), next_review=date(2027, 1, 1), reviewed_line=3,
        next_review_line=4, links=(("get-help.md", 14), ("https://www.nhs.uk", 24), ("tel:111", 24)),
    )
    return dataclasses.replace(page, **changes)


def lines(page: LintPage, settings: LintSettings = LintSettings()) -> tuple[list[str], list[str]]:
    """Return (errors, warnings) of a page as formatted lines."""
    errors, warnings = lint_page(page, settings, TODAY)
    return [str(e) for e in errors], [str(w) for w in warnings]


def rules_of(page: LintPage, settings: LintSettings = LintSettings()) -> set[str]:
    """Return the ids of every rule that fired."""
    errors, warnings = lint_page(page, settings, TODAY)
    return {e.rule for e in errors + warnings}


HARD_SHORT = "Psychological manifestations of emotional anaesthesia encompass diminished responsiveness."
HARD_PARAGRAPH = ("Emotional numbness can develop gradually during prolonged periods of considerable stress. "
                  "Many individuals describe feeling disconnected from relationships and activities. "
                  "Psychological treatment frequently helps people reconnect with their emotions again.")

# One page per rule, each with exactly one mistake. Lines: the body starts at line 10.
FIRING = {
    "grade-page": make_page("\n\n".join([HARD_SHORT] * 6), links=()),  # each paragraph is too short to grade
    "grade-paragraph": make_page(CLEAN_BODY + "\n" + HARD_PARAGRAPH + "\n"),
    "long-sentence": make_page(CLEAN_BODY + "\n" + "word " * 30 + "end.\n"),
    "long-paragraph": make_page(CLEAN_BODY + "\nOne two three. " * 1 + "Four five six. " * 5 + "\n"),
    "safe-language": make_page(CLEAN_BODY + "\nHer brother committed suicide last year.\n"),
    "help-link": make_page(CLEAN_BODY.replace("(get-help.md)", "(causes.md)"), links=()),
    "sources-missing": make_page(sources_count=0),
    "sources-few": make_page(sources_count=1),
    "review-overdue": make_page(next_review=date(2026, 5, 31)),
    "review-order": make_page(reviewed=TODAY, next_review=TODAY),
    "review-future": make_page(reviewed=date(2026, 6, 2)),
    "review-far": make_page(next_review=date(2030, 1, 1)),
    "image-alt": make_page(CLEAN_BODY.replace("A person sitting by a window", "")),
    "allow-comment": make_page(CLEAN_BODY + "\n<!-- lint: allow safe-langage -->\nIt is common.\n"),
    "source-link": make_page(sources=(SourceRef("NHS", "Grief after bereavement or loss", None, None, 6),)),
    "source-nice": make_page(sources=(SourceRef("NICE", "Guidance on PTSD", "https://www.nice.org.uk/", None, 6),)),
    "statistic-footnote": make_page(CLEAN_BODY + "\nIn one survey, 46% said they felt this.\n"),
    "crisis-number": make_page(CLEAN_BODY + "\nOr call 0800 123 4567.\n", known_numbers=frozenset({"111"})),
}


# --- the rule table -------------------------------------------------------------------------------

def test_rule_table_lists_each_rule_once_with_a_severity() -> None:
    assert len(set(RULE_IDS)) == len(RULES) == len(FIRING)
    assert {rule.severity for rule in RULES} == {"error", "warning"}
    assert set(FIRING) == set(RULE_IDS)


def test_clean_page_has_no_findings() -> None:
    assert lines(make_page()) == ([], [])


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_each_rule_fires_on_its_fixture_only(rule_id: str) -> None:
    assert rules_of(FIRING[rule_id]) == {rule_id}


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_disabled_rule_does_not_fire(rule_id: str) -> None:
    settings = LintSettings(disabled=frozenset({rule_id}))
    assert rules_of(FIRING[rule_id], settings) == set()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_severity_decides_the_list(rule) -> None:
    errors, warnings = lint_page(FIRING[rule.id], LintSettings(), TODAY)
    assert (errors if rule.severity == "error" else warnings)
    assert not (warnings if rule.severity == "error" else errors)


# --- messages, verbatim ---------------------------------------------------------------------------

def test_messages_verbatim() -> None:
    assert lines(FIRING["grade-page"])[1] == [
        "content/causes.md:10: reading grade 27.4 > 8 — split long sentences and prefer short words"]
    assert lines(FIRING["grade-paragraph"])[1] == [
        "content/causes.md:26: paragraph reading grade 16.2 > 10 — split long sentences and prefer short words"]
    assert lines(FIRING["long-sentence"])[1] == [
        'content/causes.md:26: sentence has 31 words > 25 ("word word word word word…") '
        "— split it into shorter sentences"]
    assert lines(FIRING["long-paragraph"])[1] == [
        "content/causes.md:26: paragraph has 6 sentences > 5 — split it into smaller paragraphs or a list"]
    assert lines(FIRING["safe-language"])[0] == [
        'content/causes.md:26: avoid "committed suicide" — say "died by suicide" or "took their own life"']
    assert lines(FIRING["help-link"])[0] == [
        'content/causes.md:14: mentions "suicide" but does not link to the help page '
        "— add a link in the text, e.g. [get help now](get-help.md)"]
    assert lines(FIRING["sources-missing"])[0] == [
        "content/causes.md:5: no sources — add at least 2 reputable sources under `sources:`"]
    assert lines(FIRING["sources-few"])[1] == [
        "content/causes.md:5: only 1 source — add at least 2 reputable sources under `sources:`"]
    assert lines(FIRING["review-overdue"])[1] == [
        "content/causes.md:4: review overdue since 2026-05-31 "
        "— review the page, then update `reviewed` and `next_review`"]
    assert lines(FIRING["review-order"])[0] == [
        "content/causes.md:4: next_review 2026-06-01 is not after reviewed 2026-06-01 — set next_review to a later date"]
    assert lines(FIRING["review-future"])[0] == [
        "content/causes.md:3: reviewed 2026-06-02 is in the future — write the day the page was last reviewed"]
    assert lines(FIRING["review-far"])[1] == [
        "content/causes.md:4: next_review 2030-01-01 is more than 3 years after reviewed 2026-01-01 — check the year: "
        "most pages are reviewed again within a year"]
    assert lines(FIRING["image-alt"])[0] == [
        "content/causes.md:22: image has no alt text "
        "— say what the image shows inside the brackets: ![what it shows](…)"]


def test_a_next_review_3_years_after_reviewed_is_fine_and_one_day_more_warns() -> None:
    assert "review-far" not in rules_of(make_page(reviewed=date(2026, 1, 1), next_review=date(2029, 1, 1)))
    assert "review-far" in rules_of(make_page(reviewed=date(2026, 1, 1), next_review=date(2029, 1, 2)))
    assert "review-far" not in rules_of(make_page(reviewed=date(2024, 2, 29), next_review=date(2027, 2, 28)))
    assert "review-far" in rules_of(make_page(reviewed=date(2024, 2, 29), next_review=date(2027, 3, 1)))


def test_review_dates_near_the_last_year_python_knows_are_compared_without_error() -> None:
    assert "review-far" not in rules_of(make_page(reviewed=date(9998, 1, 1), next_review=date(9999, 1, 1)))
    assert "review-far" in rules_of(make_page(reviewed=date(1, 1, 1), next_review=date(9999, 12, 31)))
    assert "review-future" not in rules_of(make_page(reviewed=TODAY))


def test_findings_carry_rule_id_and_location() -> None:
    (err,), _ = lint_page(FIRING["safe-language"], LintSettings(), TODAY)
    assert err.rule == "safe-language"
    assert err.location == SourceLocation(PurePosixPath("content/causes.md"), 26)


# --- readability ----------------------------------------------------------------------------------

def test_grade_matches_textstat_without_rounding() -> None:
    textstat = pytest.importorskip("textstat.textstat", reason="textstat 0.7.4 needs pkg_resources (setuptools<82)")
    prose = ("Emotional numbness is a feeling of being cut off from your emotions. Many people describe it as "
             "feeling flat or empty. It can happen after a long period of stress, during depression, or as a "
             "side effect of some medicines.")
    ts = textstat.textstatistics()
    ts.set_rounding(False)
    grade, words = fk_grade(s for b in scan(prose, 1).blocks for s in b.sentences)
    assert words == 40
    assert grade == pytest.approx(ts.flesch_kincaid_grade(prose))


def test_short_texts_are_not_graded() -> None:
    page = make_page("Psychological depersonalisation characterises considerable interpersonal difficulties.\n")
    assert rules_of(page) == set()


def test_headings_tables_code_and_checklists_are_not_prose() -> None:
    hard = "Psychological depersonalisation characterises considerable interpersonal difficulties " * 3
    body = (f"# {hard}\n\n| {hard} | x |\n|---|---|\n| {hard} | y |\n\n```\n{hard}\n```\n\n"
            f"```checklist\nlegend: {hard}\nitems:\n  - {hard}\n```\n\n{hard}\n---\n")
    assert rules_of(make_page(body, links=())) == set()


def test_grade_limits_come_from_settings() -> None:
    assert rules_of(FIRING["grade-page"], LintSettings(max_grade=30)) == set()
    assert rules_of(FIRING["grade-paragraph"], LintSettings(max_paragraph_grade=20)) == set()


def test_sentence_line_is_where_the_sentence_starts() -> None:
    body = "A short one.\nThen " + "word " * 10 + "\nand " * 20 + "end.\n"
    (warning,) = lint_page(make_page(body, links=()), LintSettings(disabled=frozenset({"grade-page"})), TODAY)[1]
    assert warning.rule == "long-sentence" and warning.location.line == START + 1


def test_abbreviations_do_not_end_sentences() -> None:
    (block,) = scan("Some causes, e.g. Stress, last. Dr. Lee agrees. Call 111.", 1).blocks
    assert [s.text for s in block.sentences] == ["Some causes, e.g. Stress, last.", "Dr. Lee agrees.", "Call 111."]


def test_scan_keeps_file_lines_and_admonition_titles() -> None:
    text = scan('Intro line one\nline two.\n\n!!! urgent "Call 999 now"\n    Body text.\n\n- item\n  more\n', 7)
    assert [(b.kind, b.lines, b.text) for b in text.blocks] == [
        ("para", (7, 8), "Intro line one line two."),
        ("title", (10,), "Call 999 now"),
        ("para", (11,), "Body text."),
        ("item", (13, 14), "item more"),
    ]


def test_markdown_markup_is_stripped() -> None:
    (block,) = scan("**Bold** and _soft_ [a link](causes.md#x) `code` &amp; <em>tag</em>{: .lead }", 1).blocks
    assert block.text == "Bold and soft a link code & tag"


# --- safe language --------------------------------------------------------------------------------

@pytest.mark.parametrize(("sentence", "found"), [
    ("He committed suicide in May.", "committed suicide"),
    ("It was a completed suicide.", "completed suicide"),
    ("It was an unsuccessful suicide.", "unsuccessful suicide"),
    ("She survived a failed suicide attempt.", "failed suicide attempt"),
    ("After the suicide, it was called a successful attempt.", "successful attempt"),
    ("Papers wrote of a suicide epidemic.", "epidemic"),
    ("Suicide rates are skyrocketing.", "skyrocketing"),
    ("It seemed to come out of nowhere, the suicide.", "out of nowhere"),
    ("He took his own life without warning.", "without warning"),
    ("It can feel like the only way out.", "only way out"),
    ("Some want to end the pain.", "end the pain"),
    ("Calling someone selfish is unfair.", "selfish"),
    ("It is not attention-seeking.", "attention-seeking"),
    ("It is not just a cry for help.", "cry for help"),
    ("Please don’t do anything stupid.", "don’t do anything stupid"),
])
def test_safe_language_phrases(sentence: str, found: str) -> None:
    errors = [e for e in lint_page(make_page(CLEAN_BODY + "\n" + sentence + "\n"), LintSettings(), TODAY)[0]
              if e.rule == "safe-language"]
    assert [e.problem for e in errors] == [f'avoid "{found}"']
    assert errors[0].location.line == 26


def test_every_phrase_has_a_test_case() -> None:
    assert len(PHRASES) == 9  # update test_safe_language_phrases when adding a phrase


@pytest.mark.parametrize("sentence", [
    "A sweeping change came over her.",  # sensational words only count near suicide words
    "Numbness can start out of nowhere.",
    "It was a successful attempt to relax.",
    "She died by suicide. He survived a suicide attempt.",
    "Pills for pain relief can cause numbness.",  # method words only count near suicide words
])
def test_safe_language_is_quiet_on_safe_wording(sentence: str) -> None:
    assert rules_of(make_page(CLEAN_BODY + "\n" + sentence + "\n")) == set()


def test_method_detail_near_risk_word() -> None:
    page = make_page(CLEAN_BODY + "\nSome people who self-harm\nuse a rope from the shed.\n")
    assert lines(page)[0] == [
        'content/causes.md:27: possible method detail "rope" near "self-harm" — remove it or ask a reviewer']


def test_safe_language_scans_headings_and_checklists() -> None:
    body = CLEAN_BODY + "\n## When a friend committed suicide\n\n```checklist\nitems:\n  - Felt selfish\n```\n"
    errors = lint_page(make_page(body), LintSettings(), TODAY)[0]
    assert [(e.location.line, e.problem) for e in errors] == [
        (26, 'avoid "committed suicide"'), (30, 'avoid "selfish"')]


def test_code_blocks_are_not_scanned() -> None:
    assert rules_of(make_page(CLEAN_BODY + "\n```\ncommitted suicide ![](x.png)\n```\n")) == set()


# --- help link ------------------------------------------------------------------------------------

@pytest.mark.parametrize("href", ["get-help.md", "get-help.md#uk", "./get-help.md", "../get-help/",
                                  "../get-help/#uk", "/get-help/"])
def test_help_link_forms(href: str) -> None:
    assert rules_of(make_page(links=((href, 14),))) == set()


@pytest.mark.parametrize("word", ["self-harm", "self harm", "hurting yourself", "an overdose", "suicidal"])
def test_help_link_risk_words(word: str) -> None:
    assert rules_of(make_page(f"Some people think about {word}.\n", links=())) == {"help-link"}


def test_help_link_checks_checklist_items() -> None:
    body = "Notice how you feel.\n\n```checklist\nitems:\n  - text: Had thoughts of hurting yourself\n```\n"
    assert lines(make_page(body, links=()))[0] == [
        'content/causes.md:14: mentions "hurting yourself" but does not link to the help page '
        "— add a link in the text, e.g. [get help now](get-help.md)"]


def test_help_page_itself_and_another_help_page() -> None:
    assert rules_of(make_page(slug="get-help", links=())) == set()
    settings = LintSettings(help_slug="crisis")
    assert rules_of(make_page(), settings) == {"help-link"}
    assert rules_of(make_page(links=(("crisis.md", 14),)), settings) == set()


# --- sources and review dates ---------------------------------------------------------------------

def test_sources_limits() -> None:
    assert rules_of(make_page(sources_count=0), LintSettings(min_sources=0)) == set()
    assert rules_of(make_page(sources_count=2), LintSettings(min_sources=3)) == {"sources-few"}
    assert lines(make_page(sources_count=0, sources_line=None))[0] == [
        "content/causes.md: no sources — add at least 2 reputable sources under `sources:`"]


def test_review_due_today_is_not_overdue() -> None:
    assert rules_of(make_page(next_review=TODAY)) == set()


# --- links and images -----------------------------------------------------------------------------

def test_raw_img_without_alt_and_html_only_images() -> None:
    body = CLEAN_BODY + '\n<img src="a.png">\n\n<img src="b.png" alt="">\n'
    assert lines(make_page(body, body_html='<img src="a.png"><img src="b.png" alt="">'))[0] == [
        'content/causes.md:26: <img> has no alt attribute — add alt="what it shows", or alt="" if it is only decoration']
    # An image the Markdown does not show (e.g. made by an extension) is reported at the body start.
    assert lines(make_page(body_html='<p><img src="made.png"></p>'))[0] == [
        "content/causes.md:10: an image in the rendered page has no alt attribute "
        '— add alt="what it shows", or alt="" if it is only decoration']


# --- allow comments -------------------------------------------------------------------------------

def test_allow_comment_silences_named_rules_in_the_next_block_only() -> None:
    body = (CLEAN_BODY + "\n<!-- lint: allow safe-language, help-link — reviewed by AB, 2026-05 -->\n"
            "If you took an overdose of pills,\ncall 999.\n\nHe committed suicide.\n")
    errors = lint_page(make_page(body), LintSettings(), TODAY)[0]
    assert [(e.location.line, e.problem) for e in errors] == [(30, 'avoid "committed suicide"')]
    assert rules_of(make_page(body.replace("safe-language, ", ""))) == {"safe-language"}


def test_allow_comment_with_unknown_rule() -> None:
    assert lines(FIRING["allow-comment"])[0] == [
        'content/causes.md:26: unknown lint rule "safe-langage" in an allow comment — did you mean "safe-language"?']


# --- settings -------------------------------------------------------------------------------------



def test_settings_repr_is_stable_for_cache_keys() -> None:
    one = LintSettings(disabled=frozenset({"grade-page", "long-sentence", "image-alt"}))
    assert repr(one).endswith("disabled=['grade-page', 'image-alt', 'long-sentence'])")


# --- speed ----------------------------------------------------------------------------------------

def test_long_bodies_lint_in_linear_time() -> None:
    one_paragraph = "Numbness, e.g. After stress, is common. It can last a while. " * 3000
    many = "\n\n".join(["Numbness is common. It often gets better."] * 3000)
    start = time.perf_counter()
    lint_page(make_page(one_paragraph + "\n\n" + many, links=()), LintSettings(), TODAY)
    assert time.perf_counter() - start < 5


# --- sources and statistics -------------------------------------------------------------------------

def test_a_source_needs_a_url_or_a_doi_at_its_own_line() -> None:
    page = make_page(sources=(SourceRef("NHS", "Grief", "https://www.nhs.uk/", None, 6),
                              SourceRef("BJPsych", "Emotional side-effects", None, "10.1192/bjp.bp.108.051110", 9),
                              SourceRef("Mind", "Numbness", None, None, 12)))
    assert lines(page)[0] == ['content/causes.md:12: source "Numbness" has no url or doi — add the https:// address '
                              "you read it at (url: …) or its DOI (doi: 10.…)"]


@pytest.mark.parametrize("publisher, title, url, fires", [
    ("National Institute for Health and Care Excellence (NICE)", "Guidance on PTSD and depression", None, True),
    ("NICE", "Depression in adults", "https://www.nice.org.uk/", True),
    ("Journal", "What NICE says", "https://example.org/", True),  # a bare NICE in the title counts too
    ("NICE", "Post-traumatic stress disorder (NG116)", "https://www.nice.org.uk/guidance/ng116", False),
    ("NICE", "Depression in adults", "https://www.nice.org.uk/guidance/ng222", False),  # the code is in the url
    ("Nice Books", "A nice day", "https://example.org/", False),  # "Nice" as a word, not the institute
])
def test_nice_sources_must_name_a_guideline(publisher: str, title: str, url: str | None, fires: bool) -> None:
    page = make_page(sources=(SourceRef(publisher, title, url, None, 7),))
    errors = [e for e in lint_page(page, LintSettings(), TODAY)[0] if e.rule == "source-nice"]
    assert bool(errors) is fires
    if fires:
        assert str(errors[0]).startswith("content/causes.md:7: NICE source")


@pytest.mark.parametrize("sentence, stat", [
    ("In one survey, 46% said they felt blunted.", "46%"),
    ("About 9.9 % of adults had high levels.", "9.9 %"),
    ("Nearly 46 per cent said so.", "46 per cent"),
    ("About 1 in 10 adults had high levels of it.", "1 in 10"),
    ("Around one in four people feel this.", "one in four"),
    ("Some 3 out of 5 people said so.", "3 out of 5"),
    ("Twenty per cent said so.", "Twenty per cent"),
    ("About twenty-five percent felt it.", "twenty-five percent"),
    ("About one in twenty people.", "one in twenty"),
])
def test_statistics_without_a_footnote_warn_at_their_line(sentence: str, stat: str) -> None:
    errors, warnings = lines(make_page(CLEAN_BODY + "\n" + sentence + "\n"))
    assert errors == []
    line = START + CLEAN_BODY.count("\n") + 1
    assert warnings == [f'content/causes.md:{line}: statistic "{stat}" has no footnote — add a footnote that names '
                        "its source, e.g. …46%.[^goodwin] and a line [^goodwin]: Goodwin and others (2017), … — "
                        "see docs/editing.md"]


@pytest.mark.parametrize("text", ["```code``` is inline.\n\nIn one survey, 46% said they felt blunted.",
                                  "   ```\nIn one survey, 46% said they felt blunted.\n   ```",  # indented: text
                                  "```text\nA fence never closed is text.\n\nIn one survey, 46% felt blunted."])
def test_a_statistic_in_or_after_something_that_only_looks_like_a_fence_is_still_checked(text: str) -> None:
    body = CLEAN_BODY + "\n" + text + "\n"
    assert "statistic-footnote" in rules_of(make_page(body))
    closed = CLEAN_BODY + "\n```text\nIn one survey, 46% said they felt blunted.\n```\n"
    assert "statistic-footnote" not in rules_of(make_page(closed))  # code shows text as typed: no claim


def test_a_fence_closed_with_a_tab_after_it_ends_the_block_as_in_markdown() -> None:
    """Python-Markdown turns tabs into spaces before it looks for fences, so "```\t" closes a block: the text
    after it is prose, and its statistic must be checked."""
    body = CLEAN_BODY + "\n```\ncode 46%\n```\t\n\nIn one survey, 50% of people felt numb.\n\n```\nmore\n```\n"
    assert "statistic-footnote" in rules_of(make_page(body))


@pytest.mark.parametrize(("language", "words", "per_cent", "rate"), [
    ("en", ("one", "four", "six", "sixteen", "sixty", "ten", "twenty", "eighty", "ninety"), "per cent", "in"),
    ("es", ("uno", "cuatro", "seis", "diez", "veinte", "noventa"), "por ciento", "de cada"),
])
def test_every_number_word_is_found_as_a_percentage_and_in_a_rate(language, words, per_cent, rate):
    from feelagain.lint.rules import statistic_pattern

    pattern, join = statistic_pattern(language), {"en": "-", "es": " y "}[language]
    for first in words:
        for second in words:
            for phrase in (f"{first} {per_cent}", f"{first}{join}{second} {per_cent}", f"{first} {rate} {second}",
                           f"{first.upper()} {rate} 10", f"10 {rate} {second}"):
                assert [m.group() for m in pattern.finditer(f"So, {phrase}. Then")] == [phrase]
    assert list(pattern.finditer(f"Sixtyish {per_cent}, often {rate} tenths, someone {rate} ten")) == []


@pytest.mark.parametrize("text", [
    "In one survey, 46% said they felt blunted.[^goodwin]\n\n[^goodwin]: Goodwin and others (2017): 46% of 669.",
    "Name 5 things you can see and 4 you can touch. Rate it from 0 to 10.",
    "The study ran in 2017 in 3 countries.",
    "See [the report](https://example.org/46%20percent) for more.",
    "It is common.[^m]\n\n[^m]: Mattila and others (2006):\n    9.9% had alexithymia, about 1 in 10.",
    "I am a hundred per cent sure. Estoy cien por ciento seguro.",
    "Las emociones de cada día cuentan. La opinión de cada uno cuenta.",
    "Twenty per cent said so.[^b]\n\n[^b]: B.",
    "Someone in ten minutes. Oneself in tenth place.",
    "One study[^a]: 46% of people got better.\n\n[^a]: A.",  # a colon after the marker: still a marker
])
def test_footnoted_statistics_counts_and_footnote_text_pass(text: str) -> None:
    assert "statistic-footnote" not in rules_of(make_page(CLEAN_BODY + "\n" + text + "\n"))


SPANISH = LintSettings(language="es", help_slug="obtener-ayuda")
ES_BODY = "Sentirse apagado es común. Casi siempre mejora con el tiempo.\n"


@pytest.mark.parametrize("sentence, stat", [
    ("El 20 por ciento lo dijo.", "20 por ciento"),
    ("Uno de cada cuatro también.", "Uno de cada cuatro"),
    ("Cerca de 1 de cada 10 adultos.", "1 de cada 10"),
    ("Lo dijo el treinta y cinco por ciento.", "treinta y cinco por ciento"),
    ("El 46 % lo dijo.", "46 %"),
])
def test_spanish_statistics_without_a_footnote_warn(sentence: str, stat: str) -> None:
    page = make_page(ES_BODY + "\n" + sentence + "\n", links=())
    assert lines(page, SPANISH) == ([], [
        f'content/causes.md:{START + 2}: statistic "{stat}" has no footnote — add a footnote that names its source, '
        "e.g. …46%.[^goodwin] and a line [^goodwin]: Goodwin and others (2017), … — see docs/editing.md"])


@pytest.mark.parametrize("text", [
    "Estoy cien por ciento seguro.",
    "Las emociones de cada día cuentan. La opinión de cada uno cuenta.",
    "Uno de cada cuatro lo dijo.[^a]\n\n[^a]: Un estudio: 1 de cada 4.",
    "Nombra 5 cosas que ves. Del 0 al 10.",
])
def test_spanish_footnoted_statistics_and_counts_pass(text: str) -> None:
    assert "statistic-footnote" not in rules_of(make_page(ES_BODY + "\n" + text + "\n", links=()), SPANISH)


META_HINT = ("footnotes work only in the body: keep figures out of the title, description and key points, and give "
             "them in the body with a footnote to the source — see docs/editing.md")


def test_statistics_and_footnote_markers_in_the_front_matter_warn_at_their_line() -> None:
    page = make_page(meta_texts=(("Causes", 2), ("About 46% of people feel this.", 3), ("It is common.", 8),
                                 ("One in four feel it.[^a]", 9), ("It passes.[^nhs]", 10)))
    assert lines(page)[1] == [
        f'content/causes.md:3: statistic "46%" in the front matter — {META_HINT}',
        f'content/causes.md:9: statistic "One in four" in the front matter — {META_HINT}',
        f'content/causes.md:10: footnote marker "[^nhs]" in the front matter shows as typed — {META_HINT}']
    spanish = make_page(ES_BODY, links=(), meta_texts=(("Uno de cada cuatro lo siente.", 3),))
    assert lines(spanish, SPANISH)[1] == [
        f'content/causes.md:3: statistic "Uno de cada cuatro" in the front matter — {META_HINT}']


def test_statistic_warning_is_an_error_only_when_strict_would_say_so() -> None:
    rule = next(r for r in RULES if r.id == "statistic-footnote")
    assert rule.severity == "warning"  # --strict turns every warning into a failure


def test_footnotes_do_not_count_towards_the_reading_grade() -> None:
    note = ("[^n]: Christensen MC, Ren H, Fagiolini A. Emotional blunting in patients with depression. Part II: "
            "relationship with functioning, well-being, and quality of life. Annals of General Psychiatry.")
    plain = scan("It is common.[^n] It gets better.\n\n" + note + "\n", 1)
    assert [b.text for b in plain.blocks] == ["It is common. It gets better."]


def test_a_checklist_closed_by_an_indented_fence_ends_where_the_page_ends_it() -> None:
    """markup.py closes our blocks at the next line that is the fence, indented or not; the lint must agree, or
    the prose after the block would be skipped as the block's (a statistic there going unchecked)."""
    body = (CLEAN_BODY + "\n```checklist\nlegend: Have you\nintro: Not a diagnosis.\nitems:\n  - {text: Flat, urgent: true}\n"
            "results:\n  - {min: 0, message: ok}\nurgent_message: Get help.\n  ```\n\n"
            "In one survey, 50% of people felt numb.\n\n```\nmore\n```\n")
    assert "statistic-footnote" in rules_of(make_page(body))
