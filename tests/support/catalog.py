"""The Spanish interface strings, read from the catalog (not from built pages), for tests that check them."""
from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.support.sites import ROOT

ES_PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "messages.po"


def read_catalog() -> Catalog:
    """Return locale/es/LC_MESSAGES/messages.po as Babel reads it."""
    with ES_PO.open("rb") as handle:
        return read_po(handle)


CATALOG = read_catalog()


def es(msgid: str) -> str:
    """The Spanish interface string for an English one (from the catalog, not from the built page)."""
    entry = CATALOG.get(msgid)
    assert entry is not None and entry.string, f"no Spanish translation for {msgid!r}"
    return entry.string
