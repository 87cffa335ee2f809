"""Embeds, oEmbed and the content API: files exist for every page and validate against their schemas."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

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


@pytest.mark.parametrize("page, answer", [("causes/index.html", "oembed/causes.json"),
                                          ("es/causas/index.html", "es/oembed/causas.json")])
def test_pages_link_their_oembed_for_discovery(dist, page, answer):
    """The discovery link is absolute (the site's base_url), as oEmbed consumers expect, and leads to the answer."""
    html = (dist / page).read_text()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert link and link.group(1) == SITE_YML["base_url"] + answer, (link and link.group(1))
    assert (dist / answer).is_file()


def test_embed_pages_keep_crisis_lines_and_attribution_but_drop_site_chrome(dist):
    html = (dist / "embed/signs/index.html").read_text()
    assert "Pages in this guide" not in html
    assert "Need help now?" in html and 'href="tel:' in html
    assert "https://feelagain.example/signs/" in html  # link back to the original
    assert "checklist" in html


def test_the_host_script_is_published_at_a_stable_address(dist):
    assert (dist / "embed.js").is_file()
    assert (dist / "embed/index.html").is_file()


# ----------------------------------------------------------------- crisis lines in the content API

SITE_YML = yaml.safe_load((ROOT / "content/site.yml").read_text(encoding="utf-8"))
CRISIS_YML = yaml.safe_load((ROOT / "content/crisis.yml").read_text(encoding="utf-8"))


def api_records(dist: Path) -> dict[str, dict]:
    """Every content-API page record in the build, in every language: {path: record}."""
    found = {p.relative_to(dist).as_posix(): json.loads(p.read_text()) for p in sorted(dist.glob("**/api/pages/*.json"))}
    assert any(k.startswith("es/") for k in found) and any(k.startswith("api/") for k in found), sorted(found)
    return found


def default_region(lang: str) -> str:
    """The default crisis region of pages in lang, as content/site.yml sets it."""
    entry = next(e for e in SITE_YML["languages"] if e["code"] == lang)
    return entry.get("default_region", SITE_YML["default_region"])


def expected_lines(raw_lines: list[dict], lang: str) -> list[dict]:
    """crisis.yml's lines as pages in lang show them: another language's own lines left out, this language's
    own lines first, words from `translations`; contacts, dates and sources exactly as written."""
    shown = [ln for ln in raw_lines if ln.get("language") in (None, lang)]
    shown.sort(key=lambda ln: ln.get("language") is None)
    out = []
    for ln in shown:
        words = ln.get("translations", {}).get(lang, {})
        out.append({
            "name": words.get("name", ln["name"]), "description": words.get("description", ln["description"]),
            "hours": words.get("hours", ln["hours"]), "url": ln.get("url"),
            "contacts": [{k: str(v) for k, v in c.items()} for c in ln["contacts"]],
            "verified_on": str(ln["verified_on"]), "source": ln["source"], "hours_source": ln.get("hours_source")})
    return out


def record_lines(lines: list[dict]) -> list[dict]:
    """The API's lines with the fields crisis.yml has (the API adds each contact's ready-made href)."""
    return [{"name": ln["name"], "description": ln["description"], "hours": ln["hours"], "url": ln.get("url"),
             "contacts": [{k: v for k, v in c.items() if k != "href"} for c in ln["contacts"]],
             "verified_on": ln["verified_on"], "source": ln["source"], "hours_source": ln.get("hours_source")}
            for ln in lines]


def crisis_file(dist: Path, lang: str) -> dict:
    """The crisis lines of lang's API records (the file their crisis.url names)."""
    prefix = "" if lang == SITE_YML["languages"][0]["code"] else f"{lang}/"
    return json.loads((dist / f"{prefix}api/crisis.json").read_text())


def test_every_api_record_points_to_its_languages_crisis_lines(dist):
    schema = json.loads((dist / "api/page.schema.json").read_text())
    for path, record in api_records(dist).items():
        jsonschema.validate(record, schema)
        lang = path.split("/")[0] if path.startswith("es/") else SITE_YML["languages"][0]["code"]
        ref = record["crisis"]
        assert ref["must_show"] is True and ref["language"] == lang, path
        assert ref["default_region"] == default_region(lang), path
        prefix = "" if path.startswith("api/") else f"{lang}/"
        assert ref["url"] == SITE_YML["base_url"] + prefix + "api/crisis.json", path
        assert len(json.dumps(ref)) < 300, path  # a pointer, not 10 KB of lines in every record


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_crisis_file_carries_the_lines_of_crisis_yml_exactly(dist, lang):
    crisis = crisis_file(dist, lang)
    jsonschema.validate(crisis, json.loads((dist / "api/crisis.schema.json").read_text()))
    assert crisis["must_show"] is True and crisis["max_age"] > 0
    assert "exactly" in crisis["usage"] and "max_age" in crisis["usage"]  # never altered, fetched again
    assert crisis["language"] == lang and crisis["default_region"] == default_region(lang)
    assert [r["code"] for r in crisis["regions"]] == [r["code"] for r in CRISIS_YML["regions"]]
    for got, raw in zip(crisis["regions"], CRISIS_YML["regions"]):
        assert record_lines(got["lines"]) == expected_lines(raw["lines"], lang), raw["code"]
        if raw["emergency"] is None:
            assert got["emergency"] is None
        else:
            em = raw["emergency"]
            # The note in the language's words where the region translates it (then it is not marked English).
            note = raw.get("translations", {}).get(lang, {}).get("note", em.get("note"))
            assert (got["emergency"]["number"], got["emergency"].get("note"), got["emergency"]["verified_on"],
                    got["emergency"]["source"]) == (em["number"], note, str(em["verified_on"]),
                                                    em["source"]), raw["code"]
            if note is not None and note != em.get("note"):
                assert "note_language" not in got["emergency"], raw["code"]
        # Contact links dial the number as written (only spaces and dashes dropped).
        for line in got["lines"]:
            for c in line["contacts"]:
                if c["kind"] in ("call", "text"):
                    assert c["href"].split("?")[0] == c["href"][:4] + c["number"].replace(" ", "").replace("-", "")


def test_spanish_crisis_lines_default_to_the_spanish_region(dist):
    assert default_region("es") != default_region("en")  # so the check below tells the two apart
    spanish = crisis_file(dist, "es")
    us = next(r for r in spanish["regions"] if r["code"] == default_region("es"))
    assert us["lines"][0]["language"] == "es", "the Spanish-language line does not come first"
    english = crisis_file(dist, "en")
    assert english["default_region"] == default_region("en")
    assert all(ln.get("language") in (None, "en") for r in english["regions"] for ln in r["lines"])


def test_a_page_about_suicide_points_to_crisis_lines_that_are_there(dist):
    record = json.loads((dist / "api/pages/helping-someone.json").read_text())
    assert "suicide" in record["html"].lower() and record["crisis"]["must_show"] is True
    crisis = crisis_file(dist, "en")
    uk = next(r for r in crisis["regions"] if r["code"] == record["crisis"]["default_region"])
    assert uk["emergency"]["number"] and uk["lines"] and all(ln["contacts"] for ln in uk["lines"])


def test_the_api_index_carries_the_crisis_lines_too(dist):
    index = json.loads((dist / "api/pages.json").read_text())
    jsonschema.validate(index, json.loads((dist / "api/pages.schema.json").read_text()))
    assert index["crisis"] == crisis_file(dist, "en")


@pytest.mark.parametrize("breakage", ["no crisis", "must_show false", "no url", "line without verified_on",
                                      "line without contacts", "call without number", "region without lines"])
def test_the_schemas_require_the_crisis_lines(dist, breakage):
    record = json.loads((dist / "api/pages/helping-someone.json").read_text())
    crisis = crisis_file(dist, "en")
    page_schema = json.loads((dist / "api/page.schema.json").read_text())
    crisis_schema = json.loads((dist / "api/crisis.schema.json").read_text())
    jsonschema.validate(record, page_schema)
    jsonschema.validate(crisis, crisis_schema)
    line = crisis["regions"][0]["lines"][0]
    broken, schema = crisis, crisis_schema
    if breakage == "no crisis":
        del record["crisis"]
        broken, schema = record, page_schema
    elif breakage == "must_show false":
        record["crisis"]["must_show"] = False
        broken, schema = record, page_schema
    elif breakage == "no url":
        del record["crisis"]["url"]
        broken, schema = record, page_schema
    elif breakage == "line without verified_on":
        del line["verified_on"]
    elif breakage == "line without contacts":
        line["contacts"] = []
    elif breakage == "call without number":
        next(c for c in line["contacts"] if c["kind"] == "call").pop("number")
    elif breakage == "region without lines":
        del crisis["regions"][0]["lines"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    index = json.loads((dist / "api/pages.json").read_text())
    del index["crisis"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(index, json.loads((dist / "api/pages.schema.json").read_text()))


def test_every_option_embed_js_reads_is_documented_for_clinics(dist):
    """embed.js reads data-* attributes on the clinic's placeholder (its RULES list and getAttribute calls); each
    must be explained on the embed guide and in the README, or clinics cannot know it is there (data-exit-keys and
    data-exit-top among them)."""
    script = (dist / "embed.js").read_text(encoding="utf-8")
    rules = re.search(r"var RULES = \{(.*?)\};", script, re.S)
    assert rules, "embed.js has no RULES list any more: update this test"
    options = {f"data-{k}" for k in re.findall(r"^\s*(\w+):", rules.group(1), re.M)}
    options |= set(re.findall(r"getAttribute\('(data-[a-z-]+)'\)", script))
    options -= {"data-feelagain", "data-feelagain-frame", "data-feelagain-key"}  # the placeholder, our marks on the frame
    assert {"data-exit-keys", "data-exit-top", "data-accent", "data-lang"} <= options, options
    guide = (dist / "embed/index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for option in sorted(options):
        assert f"<code>{option}</code>" in guide, f"{option} is not explained on the embed guide (embed-index.html)"
        assert f"`{option}`" in readme or f"`{option}=" in readme, \
            f"{option} is not explained in README.md (Embedding for clinics)"


def test_the_values_of_each_option_are_the_ones_embed_js_accepts(dist):
    """Where embed.js accepts a list of words (data-font, data-compact, data-theme, data-bg), the guide and the
    README name each of them for that option: a clinic never copies a value the script ignores, nor misses one."""
    script = (dist / "embed.js").read_text(encoding="utf-8")
    rules = re.search(r"var RULES = \{(.*?)\};", script, re.S).group(1)
    lists = {k: set(v.split("|")) for k, v in re.findall(r"^\s*(\w+): /\^\(?([a-z0-9|]+)\)?\$/,?$", rules, re.M)}
    assert {"font", "compact", "theme", "bg"} <= set(lists), lists
    assert "rounded" in lists["font"] and lists["compact"] == {"1", "true"}, lists
    guide = (dist / "embed/index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for option, values in sorted(lists.items()):
        told = re.search(rf"<dt><code>data-{option}</code>.*?</dt>\s*<dd>(.*?)</dd>", guide, re.S)
        assert told, f"the guide does not explain data-{option}"
        assert set(re.findall(r"<code>([^<]+)</code>", told.group(1))) >= values, (option, told.group(1))
        said = re.search(rf"`data-{option}`\s*\((.*?)\)(?:,|\.)", readme, re.S)
        assert said, f"README.md does not list the values of data-{option}"
        assert set(re.findall(r"`([^`]+)`", said.group(1))) >= values, (option, said.group(1))


def test_the_spanish_crisis_file_marks_only_the_untranslated_words_as_english(dist):
    """Since crisis.yml gives each line's description and hours in Spanish, only a service's name stays English;
    text_language_fields says so, so a reuser marks just that with lang="en"."""
    marked = [ln for region in crisis_file(dist, "es")["regions"] for ln in region["lines"] if "text_language" in ln]
    assert marked, "no line of the Spanish file keeps English words"
    for line in marked:
        assert line["text_language"] == "en"
        fields = line["text_language_fields"]
        assert fields and set(fields) <= {"name", "description", "hours"}, line
        raw = next(ln for region in CRISIS_YML["regions"] for ln in region["lines"] if ln["name"] == line["name"])
        own = raw.get("translations", {}).get("es", {})
        assert set(fields) == {f for f in ("name", "description", "hours") if f not in own}, line["name"]
    assert all("text_language" not in ln for region in crisis_file(dist, "en")["regions"] for ln in region["lines"])
