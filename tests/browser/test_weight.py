"""Page-weight budget (the table of figures is bench/page_weight.py): each page's HTML plus the CSS and JS it loads, gzip -9 each, sum <= 14 KiB.

14 KiB is about what the first round trip of a new TCP connection can carry, so a page within it can render
from the first round trip on a slow connection.
"""

from __future__ import annotations

import pytest

from tests.support.weight import BUDGET, BUDGETS, page_weight

pytestmark = pytest.mark.browser

@pytest.fixture(scope="session")
def weights(built_site, site_pages):
    return {case.id: page_weight(built_site, case.file) for case in site_pages}


def test_page_weight_within_14_kib(weights, page_case):
    w = weights[page_case.id]
    assert not w["missing"], f"{page_case.file} loads files the build does not have: {w['missing']}"
    detail = ", ".join(f"{p['kind']} {p['url']} {p['gzip']} B" for p in w["parts"])
    budget = BUDGETS.get(page_case.id, BUDGET)
    assert w["total"] <= budget, (
        f"{page_case.file}: {w['total']} B gzipped > {budget} B budget ({detail})"
    )
