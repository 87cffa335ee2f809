"""The dev server answers a missing address with the 404 page of the address's language, as the hosts do."""
from __future__ import annotations

import re

import pytest

from feelagain.serve.http import not_found_name


@pytest.mark.parametrize(("path", "prefixes", "page"), [
    ("/nope/", ("es/",), "404.html"),
    ("/es/no-existe/", ("es/",), "es/404.html"),
    ("/es/senales/falta.png", ("es/",), "es/404.html"),
    ("/es", ("es/",), "es/404.html"),
    ("/espanol/", ("es/",), "404.html"),  # starts with "es" but is not under /es/
    ("/es/no-existe/", (), "404.html"),  # a site without Spanish
    ("/fr/rien/", ("es/", "fr/"), "fr/404.html"),  # whatever languages site.yml lists
    ("/pt-br/nada/", ("pt-br/",), "pt-br/404.html"),
])
def test_the_404_page_follows_the_address_language(path: str, prefixes: tuple[str, ...], page: str):
    assert not_found_name(path, prefixes) == page


def html_lang(body: str) -> str:
    match = re.search(r"<html[^>]*\slang=\"([^\"]+)\"", body)
    assert match, body[:200]
    return match.group(1)


@pytest.mark.slow
def test_dev_server_serves_each_language_its_own_404(server):
    from .test_serve import raw_get

    code, body = raw_get(server.port, "/es/no-existe/")
    assert code == 404 and html_lang(body) == "es"
    assert "Página no encontrada" in body
    code, body = raw_get(server.port, "/nope/")
    assert code == 404 and html_lang(body) == "en" and "Page not found" in body
    code, body = raw_get(server.port, "/espanol/")
    assert code == 404 and html_lang(body) == "en"
