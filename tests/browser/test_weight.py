"""Page-weight budgets, gzip -9 each file (the table of figures is bench/page_weight.py).

* What the first screen needs: the HTML plus the stylesheets it loads <= 14 KiB. 14 KiB is about what the first
  round trip of a new TCP connection can carry, so a page within it can render from the first round trip on a
  slow connection. Scripts are modules (deferred): the page is readable before they arrive, and works without them.
* Everything the page loads, scripts included, <= 20 KiB, so the enhancements stay small too.
"""

from __future__ import annotations

import pytest

from tests.support.weight import TOTAL_BUDGET, budget_for, page_weight

pytestmark = pytest.mark.browser

@pytest.fixture(scope="session")
def weights(built_site, site_pages):
    return {case.id: page_weight(built_site, case.file) for case in site_pages}


def test_page_weight_within_14_kib(weights, page_case):
    w = weights[page_case.id]
    assert not w["missing"], f"{page_case.file} loads files the build does not have: {w['missing']}"
    detail = ", ".join(f"{p['kind']} {p['url']} {p['gzip']} B" for p in w["parts"])
    budget = budget_for(page_case.id, w["sections"])
    assert w["render"] <= budget, (
        f"{page_case.file}: HTML + CSS {w['render']} B gzipped > {budget} B budget ({detail})"
    )
    total = max(budget, TOTAL_BUDGET)
    assert w["total"] <= total, f"{page_case.file}: {w['total']} B gzipped in all > {total} B budget ({detail})"
