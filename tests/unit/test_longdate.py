"""The long date filter: English without Babel's locale data, every other language through Babel."""
from __future__ import annotations

import datetime

import pytest
from babel.dates import format_date

from feelagain.i18n import format_long_date

DAYS = [datetime.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
DAYS += [datetime.date(1999, 12, 31), datetime.date(2000, 2, 29), datetime.date(987, 6, 5), datetime.date(2031, 7, 4)]


@pytest.mark.parametrize("code", ["en", "en-GB", "en-US", "en-AU", "en-IE", "en-ZZ"])
def test_english_dates_are_what_babel_writes(code: str):
    longdate = format_long_date(code)
    locale = code.replace("-", "_")
    for day in DAYS:
        try:
            expected = format_date(day, "d MMMM y", locale=locale)
        except Exception:
            expected = day.isoformat()
        assert longdate(day) == expected


@pytest.mark.parametrize("code, expected", [("es", "9 de marzo de 2026"), ("fr", "9 mars 2026"),
                                            ("zz", "2026-03-09")])
def test_other_languages_use_babel(code: str, expected: str):
    longdate = format_long_date(code)
    day = datetime.date(2026, 3, 9)
    assert longdate(day) == expected
    assert longdate(day) == expected  # remembered, still the same
