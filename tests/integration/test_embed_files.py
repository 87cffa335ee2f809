"""Embeds, oEmbed and the content API: files exist for every page and validate against their schemas."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import ROOT


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The bundled site, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("embed") / "dist"
    build(load_config(ROOT, out), use_cache=False)
    return out


def slugs(dist: Path) -> list[str]:
    return [p["slug"] for p in json.loads((dist / "api/pages.json").read_text())["pages"]]


def test_every_page_has_an_embed_an_oembed_and_an_api_record(dist):
    names = slugs(dist)
    assert {"index", "signs", "get-help", "faq"} <= set(names)
    for slug in names:
        assert (dist / f"embed/{slug}/index.html").is_file()
        assert (dist / f"oembed/{slug}.json").is_file()
        assert (dist / f"api/pages/{slug}.json").is_file()


def test_oembed_files_validate(dist):
    schema = json.loads((dist / "api/oembed.schema.json").read_text())
    for slug in slugs(dist):
        data = json.loads((dist / f"oembed/{slug}.json").read_text())
        jsonschema.validate(data, schema)
        assert f'src="https://feelagain.example/embed/{slug}/"' in data["html"]
        assert 'sandbox="' in data["html"] and 'title="' in data["html"]


def test_api_files_validate(dist):
    jsonschema.validate(json.loads((dist / "api/pages.json").read_text()),
                        json.loads((dist / "api/pages.schema.json").read_text()))
    schema = json.loads((dist / "api/page.schema.json").read_text())
    for slug in slugs(dist):
        record = json.loads((dist / f"api/pages/{slug}.json").read_text())
        jsonschema.validate(record, schema)
        assert record["attribution"].startswith("Content from Feel Again")


def test_schemas_reject_a_broken_record(dist):
    schema = json.loads((dist / "api/page.schema.json").read_text())
    record = json.loads((dist / "api/pages/causes.json").read_text())
    del record["reviewed"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, schema)


def test_pages_link_their_oembed_for_discovery(dist):
    html = (dist / "causes/index.html").read_text()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert link and (dist / "causes" / link.group(1)).resolve() == (dist / "oembed/causes.json").resolve()


def test_embed_pages_keep_crisis_lines_and_attribution_but_drop_site_chrome(dist):
    html = (dist / "embed/signs/index.html").read_text()
    assert "Pages in this guide" not in html
    assert "Need help now?" in html and 'href="tel:' in html
    assert "https://feelagain.example/signs/" in html  # link back to the original
    assert "checklist" in html


def test_the_host_script_is_published_at_a_stable_address(dist):
    assert (dist / "embed.js").is_file()
    assert (dist / "embed/index.html").is_file()
