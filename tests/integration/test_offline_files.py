"""The service worker, manifest and offline notice that the build writes."""
from __future__ import annotations

import json
import re
from pathlib import Path

from feelagain.config import load_config
from feelagain.pipeline import build
from tests.support.sites import TODAY, default_files, page, snapshot, write_files


def _version(dist: Path) -> str:
    match = re.search(r'const VERSION = "([0-9a-f]+)";', (dist / "sw.js").read_text())
    assert match
    return match.group(1)


def test_worker_is_versioned_by_what_it_precaches(tmp_path: Path):
    site = tmp_path / "site"
    write_files(site, {**default_files(), "content/causes.md": page("Causes")})
    build(load_config(site), today=TODAY, use_cache=False)
    first = _version(site / "dist")
    build(load_config(site, tmp_path / "other"), today=TODAY, use_cache=False)
    assert snapshot(site / "dist") == snapshot(tmp_path / "other"), "two builds of the same site differ"
    # A page that is not precached changes: same worker.
    write_files(site, {"content/causes.md": page("Causes", "New words here.\n")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") == first
    # The help page changes: a new worker version, so the cache is replaced as a whole.
    write_files(site, {"content/get-help.md": page("Get help now", "## Call\n\nCall a helpline at any time.\n")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") != first
    # A stylesheet changes: new asset names, new version.
    second = _version(site / "dist")
    write_files(site, {"assets/css/site.css": "body{color:#111}\n"})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(site / "dist") != second


def test_manifest_offline_page_and_headers(tmp_path: Path):
    site = tmp_path / "site"
    write_files(site, default_files())
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    manifest = json.loads((dist / "manifest.webmanifest").read_text())
    assert manifest["name"] == "Test Site" and manifest["start_url"] == "get-help/" and manifest["scope"] == "./"
    assert (dist / manifest["icons"][0]["src"]).is_file()
    notice = (dist / "offline" / "index.html").read_text()
    assert "You are offline" in notice and 'id="need-help"' in notice and "116 123" in notice
    assert 'rel="manifest"' in (dist / "index.html").read_text()
    assert "offline." not in (dist / "embed" / "get-help" / "index.html").read_text()
    rules = (dist / "_headers").read_text()
    assert re.search(r"^/sw\.js\n(  .+\n)*  Cache-Control: no-cache$", rules, re.M)
    for path in ("/print/", "/offline/"):
        block = rules.split(f"\n{path}\n", 1)[1].split("\n\n", 1)[0]
        assert "frame-ancestors 'none'" in block and "X-Frame-Options: DENY" in block, path


ES_BODY = "Puedes sentirte apagado. Es algo común. Casi siempre mejora con el tiempo.\n"


def _spanish_site(root: Path, help_slug: str) -> Path:
    from tests.support.sites import LANGUAGES, SITE_YML

    languages = LANGUAGES.replace("obtener-ayuda", help_slug)
    write_files(root, {**default_files(), "content/site.yml": SITE_YML.replace("language: en\n", "") + languages,
                       "content/es/index.md": page("Inicio", ES_BODY, translation_of="index"),
                       f"content/es/{help_slug}.md": page("Ayuda ahora", ES_BODY, translation_of="get-help"),
                       "content/es/senales.md": page("Señales", ES_BODY)})
    return root


def _precache(dist: Path) -> list[str]:
    match = re.search(r"const PRECACHE = (\[.*?\]);", (dist / "sw.js").read_text())
    assert match
    return json.loads(match.group(1))


def test_each_languages_configured_help_page_is_precached_and_versions_the_worker(tmp_path: Path):
    site = _spanish_site(tmp_path / "site", "ayuda")
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    pages = [p for p in _precache(dist) if p.endswith("/")]
    # The help_page and the offline notice of each language; no page read.
    assert pages == ["get-help/", "offline/", "es/ayuda/", "es/offline/"], pages
    notice = (dist / "offline" / "index.html").read_text()
    assert '<a href="../es/ayuda/" lang="es" hreflang="es">Ayuda ahora</a>' in notice
    first = _version(dist)
    # The Spanish help page changes: a new worker, so readers get the new text offline.
    write_files(site, {"content/es/ayuda.md": page("Ayuda ahora", "Llama a una línea de ayuda cuando quieras.\n",
                                                   translation_of="get-help")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(dist) != first
    # Another Spanish page changes: the worker stays the same.
    second = _version(dist)
    write_files(site, {"content/es/senales.md": page("Señales", "Otras palabras aquí.\n")})
    build(load_config(site), today=TODAY, use_cache=False)
    assert _version(dist) == second


def test_worker_stores_no_page_it_fetches():
    """The worker template: pages come from the network and are never put in a cache (only install adds)."""
    sw = (Path(__file__).resolve().parents[2] / "templates" / "sw.js").read_text(encoding="utf-8")
    assert ".put(" not in sw and "cache.add(" not in sw
    assert sw.count("addAll(") == 1 and "'forget'" in sw
