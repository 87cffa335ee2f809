"""axe-core's landmark-unique rule (a best practice, so not in the WCAG run of test_quality.py) on the pages that
list crisis lines and support lines by country: every region has a name of its own, e.g. "Crisis lines: New
Zealand" and "Alcohol and drug support: New Zealand" on the help page, in English and in Spanish.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.catalog import es

pytestmark = pytest.mark.browser

PAGES = ["/get-help/", "/es/obtener-ayuda/", "/grief/", "/es/duelo/", "/embed/get-help/", "/es/embed/obtener-ayuda/"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_landmark_with_another_ones_name(visit, axe_source, path):
    v = visit(path)
    v.inject_axe(axe_source)
    result = v.page.evaluate("opts => axe.run(document, opts)",
                             {"runOnly": {"type": "rule", "values": ["landmark-unique"]},
                              "resultTypes": ["violations", "passes"]})
    assert result["violations"] == [], [n["target"] for r in result["violations"] for n in r["nodes"]]
    assert result["passes"], "axe checked the page's landmarks"


def test_screen_readers_hear_the_kind_of_each_country_list(visit):
    v = visit("/get-help/")
    expect(v.page.get_by_role("region", name="Crisis lines: New Zealand", exact=True)).to_have_count(1)
    expect(v.page.get_by_role("region", name="Alcohol and drug support: New Zealand", exact=True)).to_have_count(1)
    v = visit("/es/obtener-ayuda/")
    name = es("Alcohol and drug support: %(region)s") % {"region": "Nueva Zelanda"}
    expect(v.page.get_by_role("region", name=name, exact=True)).to_have_count(1)
    expect(v.page.get_by_role("region", name=es("Crisis lines: %(region)s") % {"region": "Nueva Zelanda"},
                              exact=True)).to_have_count(1)
