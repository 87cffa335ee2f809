"""site.yml: every error class names content/site.yml:LINE."""
from __future__ import annotations

import pytest

from feelagain.config import load_config
from feelagain.errors import BuildFailed
from tests.conftest import SITE_YML


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


def test_guess_region_is_on_by_default_and_can_be_turned_off(make_site):
    assert load_config(make_site()).guess_region is True
    assert load_config(make_site({"content/site.yml": SITE_YML + "guess_region: false\n"}, name="off")).guess_region is False


def test_guess_region_must_be_true_or_false(make_site):
    assert errors_for(make_site, SITE_YML + "guess_region: no thanks\n") == [
        'content/site.yml:11: "guess_region" should be true or false but is text — guess_region: guess the '
        "reader's crisis region from the device's time zone (true or false)"]
