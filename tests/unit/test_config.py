"""site.yml: every error class names content/site.yml:LINE."""
from __future__ import annotations

import pytest

from feelagain.config import load_config
from feelagain.errors import BuildFailed
from feelagain.lint import LintSettings
from tests.support.sites import SITE_YML


def errors_for(make_site, text: str) -> list[str]:
    site = make_site({"content/site.yml": text})
    with pytest.raises(BuildFailed) as info:
        load_config(site)
    return [str(e) for e in info.value.errors]


def test_valid_config_loads(make_site):
    config = load_config(make_site())
    assert config.title == "Test Site"
    assert config.nav == ("index", "get-help")
    assert config.output_dir == config.site_dir / "dist"


def test_unknown_key_has_did_you_mean(make_site):
    assert errors_for(make_site, SITE_YML + "tittle: x\n") == [
        'content/site.yml:11: unknown field "tittle" in site.yml — did you mean "title"?']


def test_wrong_type(make_site):
    errors = errors_for(make_site, SITE_YML.replace("nav: [index, get-help]", "nav: index"))
    assert errors == ['content/site.yml:10: "nav" should be a list of page names — nav: page names in navigation order']


def test_missing_required_key(make_site):
    errors = errors_for(make_site, SITE_YML.replace("organisation: Test Org\n", ""))
    assert errors == ['content/site.yml:1: "organisation" is missing from site.yml — add "organisation: …" (who publishes the site)']


def test_bad_base_url(make_site):
    errors = errors_for(make_site, SITE_YML.replace("https://example.org/", "example.org"))
    assert errors == ['content/site.yml:2: "base_url" should be a full address starting with https:// — '
                      'write the full address ending in "/", e.g. base_url: https://example.org/']


def test_all_problems_are_reported_at_once(make_site):
    errors = errors_for(make_site, SITE_YML.replace("language: en", "language: English").replace(
        "exit_url: https://www.google.com/", "exit_url: javascript:alert(1)"))
    assert [e.split(":")[1] for e in errors] == ["3", "9"]


def test_missing_site_yml(make_site):
    assert errors_for(make_site, "") == sorted(['content/site.yml:1: "title" is missing from site.yml — add "title: …" (the site name)',
                                         'content/site.yml:1: "base_url" is missing from site.yml — add "base_url: …" (the public address of the site, e.g. https://example.org/numbness/)',
                                         'content/site.yml:1: "organisation" is missing from site.yml — add "organisation: …" (who publishes the site)',
                                         'content/site.yml:1: "licence" is missing from site.yml — add "licence: …" ({name, url} of the content licence)',
                                         'content/site.yml:1: "default_region" is missing from site.yml — add "default_region: …" (crisis region shown by default, e.g. uk)',
                                         'content/site.yml:1: "exit_url" is missing from site.yml — add "exit_url: …" (where \'Leave this site\' goes)'])


# --- lint: validated by the same Field tables as the rest of site.yml, each error at its key's line --------

def test_lint_settings_load_with_the_help_page_from_site_yml(make_site):
    config = load_config(make_site({"content/site.yml": SITE_YML + "help_page: crisis\nlint:\n  max_grade: 7\n"
                                     "  min_sources: 0\n  disabled: [grade-paragraph, long-sentence]\n"}))
    assert config.lint == LintSettings(max_grade=7.0, min_sources=0, help_slug="crisis",
                                       disabled=frozenset({"grade-paragraph", "long-sentence"}))
    assert isinstance(config.lint.max_grade, float)
    assert load_config(make_site(name="plain")).lint == LintSettings(help_slug="get-help")


def test_lint_errors_point_at_each_key(make_site):
    errors = errors_for(make_site, SITE_YML + "lint:\n  max_grade: eight\n  max_sentence_words: 2.5\n"
                        "  min_sources: true\n  max_paragraph_sentences: 0\n  max_grad: 7\n  max_paragraph_grade: .nan\n")
    assert errors == [
        'content/site.yml:12: "max_grade" should be a number from 1 to 30 but is text — write e.g. "max_grade: 8.0"',
        'content/site.yml:13: "max_sentence_words" should be a whole number from 1 to 200 but is a number '
        '— write e.g. "max_sentence_words: 25"',
        'content/site.yml:14: "min_sources" should be a whole number from 0 to 50 but is a yes/no value '
        '— write e.g. "min_sources: 2"',
        'content/site.yml:15: "max_paragraph_sentences" should be a whole number from 1 to 100 but is 0 '
        '— write e.g. "max_paragraph_sentences: 5"',
        'content/site.yml:16: unknown field "max_grad" in site.yml lint — did you mean "max_grade"?',
        'content/site.yml:17: "max_paragraph_grade" should be a number from 1 to 30 but is nan '
        '— write e.g. "max_paragraph_grade: 10.0"',
    ]


def test_lint_must_be_a_mapping(make_site):
    assert errors_for(make_site, SITE_YML + "lint: [1, 2]\n") == [
        "content/site.yml:11: \"lint\" should be a set of 'key: value' lines — lint: content linter settings"]


def test_lint_disabled_names_known_rules(make_site):
    errors = errors_for(make_site, SITE_YML + "lint:\n  disabled: [grade-pge]\n")
    assert errors[0].startswith('content/site.yml:12: "disabled" lists an unknown rule \'grade-pge\' '
                                '(did you mean "grade-page"?) — write e.g. "disabled: [grade-paragraph]"')


def test_bug_disabling_link_scheme_is_refused_not_ignored(make_site):
    # Issue #15: `lint.disabled: [link-scheme]` was accepted and did nothing (the link check reports unsafe
    # links whatever the linter's settings say). Now it is an error that says why.
    errors = errors_for(make_site, SITE_YML + "lint:\n  disabled: [link-scheme]\n")
    assert len(errors) == 1
    assert errors[0].startswith('content/site.yml:12: "disabled" lists "link-scheme", which the linter cannot turn '
                                "off: unsafe links are always errors (the link check reports them)")


def test_help_slug_is_not_a_second_definition_of_the_help_page(make_site):
    assert errors_for(make_site, SITE_YML + "lint:\n  help_slug: crisis\n") == [
        'content/site.yml:12: "help_slug" is not a lint setting — set help_page at the top of site.yml: '
        "the linter, footer and manifest all use it"]
def test_guess_region_is_on_by_default_and_can_be_turned_off(make_site):
    assert load_config(make_site()).guess_region is True
    assert load_config(make_site({"content/site.yml": SITE_YML + "guess_region: false\n"}, name="off")).guess_region is False


def test_guess_region_must_be_true_or_false(make_site):
    assert errors_for(make_site, SITE_YML + "guess_region: no thanks\n") == [
        'content/site.yml:11: "guess_region" should be true or false but is text — guess_region: guess the '
        "reader's crisis region from the device's time zone (true or false)"]
