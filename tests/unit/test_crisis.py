"""crisis.yml: validation with file lines, links built from numbers, stale dates warned."""
from __future__ import annotations

import datetime

from feelagain.crisis import load_crisis, make_contact
from feelagain.errors import Problems
from tests.support.sites import CRISIS_YML

TODAY = datetime.date(2026, 11, 25)


def load(make_site, text: str, today: datetime.date = TODAY, default: str = "uk"):
    site = make_site({"content/crisis.yml": text})
    problems = Problems()
    crisis = load_crisis(site, default, 9, problems, today)
    return crisis, [str(e) for e in problems.errors], [str(w) for w in problems.warnings]


def test_valid_file_gives_regions_and_links(make_site):
    crisis, errors, warnings = load(make_site, CRISIS_YML)
    assert errors == [] and warnings == []
    region = crisis.region("uk")
    assert region.emergency.tel == "tel:999"
    contact = region.lines[0].contacts[0]
    assert (contact.label, contact.href) == ("Call 116 123", "tel:116123")


def test_text_contact_with_keyword_becomes_an_sms_link():
    contact = make_contact("text", {"number": "85258", "keyword": "SHOUT"})
    assert (contact.label, contact.href) == ("Text SHOUT to 85258", "sms:85258?body=SHOUT")


def test_bad_phone_number_names_its_line(make_site):
    _, errors, _ = load(make_site, CRISIS_YML.replace('"116 123"', '"call us"'))
    assert errors == ['content/crisis.yml:16: "number" is not a phone number (use digits, spaces and hyphens, '
                      'e.g. "116 123") — number: phone number in quotes']


def test_legacy_number_is_refused(make_site):
    _, errors, _ = load(make_site, CRISIS_YML.replace('"116 123"', '"1-800-273-8255"'))
    assert errors[0].startswith('content/crisis.yml:16: "number" is a legacy number that must not be published; use 988')


def test_unquoted_number_is_refused(make_site):
    _, errors, _ = load(make_site, CRISIS_YML.replace('"116 123"', "116123"))
    assert "should be in quotes" in errors[0]


def test_missing_field_is_reported(make_site):
    _, errors, _ = load(make_site, CRISIS_YML.replace("        hours: 24/7\n", ""))
    assert errors == ['content/crisis.yml:9: "hours" is missing from a line of uk — add "hours: …" (opening hours, e.g. 24/7)']


def test_unknown_default_region_points_at_site_yml(make_site):
    _, errors, _ = load(make_site, CRISIS_YML, default="xx")
    assert errors == ['content/site.yml:9: default_region "xx" is not a region in crisis.yml — use one of: uk']


def test_numbers_not_verified_for_a_year_warn(make_site):
    _, errors, warnings = load(make_site, CRISIS_YML, today=datetime.date(2028, 1, 1))
    assert errors == []
    assert warnings[0] == ("content/crisis.yml:6: the emergency number of uk was last verified on 2026-11-20, "
                           "over 12 months ago — check the number with the service and update verified_on")
    assert len(warnings) == 2


def test_missing_file(make_site):
    _, errors, _ = load(make_site, None)
    assert errors == ["content/crisis.yml: crisis.yml is missing — every site needs crisis resources: create content/crisis.yml"]


def test_hours_with_a_digit_are_a_time_and_others_a_note(make_site):
    text = CRISIS_YML + """\
      - name: Finder
        description: Find a helpline.
        hours: Varies by helpline
        url: https://findahelpline.com
        verified_on: 2026-11-20
        source: https://findahelpline.com
        contacts:
          - {kind: web, url: https://findahelpline.com}
      - name: Weekday line
        description: Call on weekdays.
        hours: Monday to Friday, 10am to 1pm
        verified_on: 2026-11-20
        source: https://www.samaritans.org
        contacts:
          - {kind: call, number: "116 123"}
"""
    crisis, errors, _ = load(make_site, text)
    assert errors == []
    assert [(line.hours, line.hours_is_time) for line in crisis.region("uk").lines] == [
        ("24/7", True), ("Varies by helpline", False), ("Monday to Friday, 10am to 1pm", True)]


def test_only_a_lines_untranslated_words_are_marked_english(make_site):
    from feelagain.crisis import localize_crisis

    text = CRISIS_YML.replace("        hours: 24/7\n", "        hours: 24/7\n        translations: {es: {description: Llama gratis.}}\n")
    crisis, errors, _ = load(make_site, text)
    assert errors == []
    spanish = localize_crisis(crisis, "es", "uk", lambda s: s).region("uk").lines[0]
    assert spanish.description == "Llama gratis."
    assert (spanish.lang_for("name"), spanish.lang_for("description"), spanish.lang_for("hours")) == ("en", None, "en")
    english = localize_crisis(crisis, "en", "uk").region("uk").lines[0]
    assert (english.lang_for("name"), english.lang_for("description"), english.lang_for("hours")) == (None, None, None)


# --- a region's emergency note in other languages (translations: {es: {name, note}}) ----------------------

NOTED = CRISIS_YML.replace('      number: "999"\n', '      number: "999"\n      note: 112 also works.\n')


def with_region_translation(text: str, translation: str) -> str:
    return text.replace("    name: United Kingdom\n", f"    name: United Kingdom\n    translations: {translation}\n")


def test_a_region_translates_its_emergency_note(make_site):
    from feelagain.crisis import localize_crisis

    crisis, errors, _ = load(make_site, with_region_translation(NOTED, "{es: {name: Reino Unido, note: El 112 también funciona.}}"))
    assert errors == []
    spanish = localize_crisis(crisis, "es", "uk", lambda s: s).region("uk")
    assert (spanish.name, spanish.emergency.note, spanish.note_lang) == ("Reino Unido", "El 112 también funciona.", None)
    assert spanish.emergency.number == "999" and spanish.emergency.tel == "tel:999"
    english = localize_crisis(crisis, "en", "uk").region("uk")
    assert (english.name, english.emergency.note, english.note_lang) == ("United Kingdom", "112 also works.", None)


def test_an_untranslated_note_stays_english_and_says_so(make_site):
    from feelagain.crisis import localize_crisis

    crisis, errors, _ = load(make_site, with_region_translation(NOTED, "{es: {name: Reino Unido}}"))
    assert errors == []
    spanish = localize_crisis(crisis, "es", "uk", lambda s: s).region("uk")
    assert (spanish.emergency.note, spanish.note_lang) == ("112 also works.", "en")


def test_a_note_translation_without_a_note_is_refused_at_its_line(make_site):
    _, errors, _ = load(make_site, with_region_translation(CRISIS_YML, "{es: {note: El 112 también funciona.}}"))
    assert errors == ['content/crisis.yml:4: translations.es.note of region "uk" translates a note its emergency '
                      "number does not have — add the English note to emergency (note: …), or remove note from "
                      "the translation"]


def test_an_unknown_key_in_a_region_translation_is_refused_at_its_line(make_site):
    _, errors, _ = load(make_site, with_region_translation(NOTED, "{es: {name: Reino Unido, notes: Gratis.}}"))
    assert errors == ['content/crisis.yml:4: "translations" es: has unknown field \'notes\' (known: name, note) — '
                      "translations: the region's name and emergency note in other languages, e.g. es: {name: "
                      "España, note: …}"]
    # A line's translations know their own fields, not the region's note.
    line = NOTED.replace("        hours: 24/7\n", "        hours: 24/7\n        translations: {es: {note: Gratis.}}\n")
    _, errors, _ = load(make_site, line)
    assert errors[0].startswith('content/crisis.yml:13: "translations" es: has unknown field \'note\' '
                                "(known: name, description, hours)")


def test_an_empty_note_translation_is_refused(make_site):
    _, errors, _ = load(make_site, with_region_translation(NOTED, '{es: {name: Reino Unido, note: ""}}'))
    assert errors[0].startswith('content/crisis.yml:4: "translations" es.note is empty')
