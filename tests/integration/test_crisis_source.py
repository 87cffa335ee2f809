"""Issue #12: every number the site shows comes from content/crisis.yml.

A clinic's copy of the bundled content with an Ireland-only crisis.yml is built for real (`build.py --site`)
and every output file is searched for phone numbers: only Ireland's may appear. `check --strict` fails on
a number typed into a page.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from tests.support.forked import cli_in_fork
from tests.support.sites import ROOT, SITE_YML, page

BUNDLED = yaml.safe_load((ROOT / "content" / "crisis.yml").read_text(encoding="utf-8"))
IRELAND = """\
regions:
  - code: ie
    name: Ireland
    emergency:
      number: "112"
      note: 999 also works.
      verified_on: 2026-11-29
      source: https://www.gov.ie/en/
    lines:
      - name: Riverside Clinic duty line
        description: Our duty worker, in office hours.
        hours: Weekdays 9am to 5pm
        verified_on: 2026-11-29
        source: https://clinic.example/contact
        contacts:
          - {kind: call, number: "01 555 0100"}
          - {kind: text, number: "50555", keyword: CLINIC}
"""
ALLOWED = {"112", "999", "015550100", "50555"}  # 999: the note of Ireland's emergency line says it also works


def _numbers(data: dict) -> set[str]:
    """Every number of a crisis.yml, as written ("116 123")."""
    found = set()
    for region in data["regions"]:
        if region.get("emergency"):
            found.add(region["emergency"]["number"])
        for line in region.get("lines", []) + region.get("support", []):
            found |= {c["number"] for c in line["contacts"] if "number" in c}
    return found


def _clinic_copy(tmp_path: Path) -> Path:
    site = tmp_path / "clinic"
    shutil.copytree(ROOT / "content", site / "content")
    (site / "content" / "crisis.yml").write_text(IRELAND, encoding="utf-8")
    config = (site / "content" / "site.yml").read_text(encoding="utf-8")
    (site / "content" / "site.yml").write_text(config.replace("default_region: uk", "default_region: ie"),
                                               encoding="utf-8")
    return site


def test_clinic_copy_with_ireland_only_publishes_no_other_number(tmp_path):
    site = _clinic_copy(tmp_path)
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    dist = site / "dist"
    texts = {p.relative_to(dist).as_posix(): p.read_text(encoding="utf-8") for p in sorted(dist.rglob("*"))
             if p.is_file() and p.suffix in (".html", ".json", ".xml", ".txt", ".js", ".css", "")}
    assert "get-help/index.html" in texts and "api/pages/get-help.json" in texts
    foreign = sorted(_numbers(BUNDLED) - {"112", "999", "116 123"})  # Ireland-only copy: 116 123 is gone too
    assert "988" in foreign and "13 11 14" in foreign  # the bundled file still lists other countries
    problems = []
    for name, text in texts.items():
        for number in foreign + ["116 123"]:
            # As text between non-digits ("988", "13 11 14"), or as a tel:/sms: link ("tel:131114").
            pattern = rf"(?<![\w#.,-]){re.escape(number)}(?![\w-])|(?:tel|sms):\+?{re.sub(r'[^0-9]', '', number)}\b"
            problems += [f"{name}: {m.group()!r}" for m in re.finditer(pattern, text)
                         if not (name.endswith(".css") and number == "000")]  # e.g. "#000" colours
        for href in re.findall(r"(?:tel|sms):\+?([0-9]+)", text):
            if href not in ALLOWED:
                problems.append(f"{name}: link to {href}")
    assert problems == []
    page = texts["get-help/index.html"]
    # The clinic's own lines are on the help page: first in the big button, then in the directory.
    assert 'href="tel:015550100"' in page and 'href="sms:50555?body=CLINIC"' in page
    assert page.index('class="help-now"') < page.index("Key points")
    assert "In danger now? Call 112" in page


def test_strict_check_fails_on_a_number_typed_into_a_page(tmp_path):
    site = _clinic_copy(tmp_path)
    causes = site / "content" / "causes.md"
    text = causes.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("## ")) + 2  # a paragraph after a heading
    lines.insert(at, "If you feel low, call 0800 123 4567 for advice.\n")
    causes.write_text("\n".join(lines), encoding="utf-8")
    for args in (("check", "--strict"), ("check",), ("build",)):
        result = cli_in_fork(*args, "--site", str(site))
        assert result.returncode != 0, (args, result.stdout)
        assert f"content/causes.md:{at + 1}: phone number \"0800 123 4567\" is not in content/crisis.yml" in result.stderr
        assert "Traceback" not in result.stderr


def test_bundled_site_passes_strict_check():
    result = cli_in_fork("check", "--strict")
    assert result.returncode == 0, result.stderr


SUPPORT_SITE_CRISIS = IRELAND + """\
    support:
      - name: Riverside Bereavement Group
        topic: grief
        description: A group that meets weekly.
        hours: Tuesdays
        verified_on: 2026-11-29
        source: https://clinic.example/groups
        contacts:
          - {kind: call, number: "01 555 0199"}
  - code: intl
    name: Other countries
    emergency: null
    lines:
      - name: Find A Helpline
        description: Free, private helplines in many countries.
        hours: Varies by helpline
        verified_on: 2026-11-29
        source: https://findahelpline.com
        contacts:
          - {kind: web, url: https://findahelpline.com}
"""


def test_blocks_render_from_crisis_yml_and_support_stays_out_of_the_footer(make_site):
    body = ("Some words here.\n\n## Lines\n\n```crisis-directory\n```\n\n## After a death\n\n"
            "```support-lines\ntopic: grief\n```\n\n## Drink and drugs\n\n```support-lines\ntopic: substance\n```\n")
    site = make_site({"content/crisis.yml": SUPPORT_SITE_CRISIS,
                      "content/site.yml": SITE_YML.replace("default_region: uk", "default_region: ie"),
                      "content/get-help.md": page("Get help now", body)})
    result = cli_in_fork("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    html = (site / "dist" / "get-help" / "index.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    prose = main[main.index('<div class="prose">'):]
    footer = html[html.index("<footer"):]
    directory = prose[prose.index("data-crisis-directory"):prose.index("After a death")]
    assert "Ireland" in directory and "Other countries" in directory and 'href="tel:015550100"' in directory
    assert "Riverside Bereavement Group" not in directory  # support lines are not crisis lines
    grief = prose[prose.index('data-support-lines="grief"'):prose.index("Drink and drugs")]
    assert "Riverside Bereavement Group" in grief and 'href="tel:015550199"' in grief
    assert "Ireland" in grief and "Other countries" not in grief  # only regions that have some
    substance = prose[prose.index('data-support-lines="substance"'):]
    assert "We do not list services for this yet" in substance and "tel:" not in substance[:substance.index("</div>")]
    assert "Riverside Bereavement Group" not in footer and "015550199" not in footer
    # Help first: the default region's first call and emergency number, before the page text.
    assert main.index('id="help-now"') < main.index('<div class="prose">')
    assert 'data-help-region="ie"' in main and "In danger now? Call 112" in main


def test_a_number_in_the_front_matter_fails_at_its_line(tmp_path):
    site = _clinic_copy(tmp_path)
    causes = site / "content" / "causes.md"
    lines = causes.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("description:"))
    lines[at] = "description: Why people feel numb. Worried? Call 0800 123 4567."
    causes.write_text("\n".join(lines), encoding="utf-8")
    result = cli_in_fork("check", "--site", str(site))
    assert result.returncode != 0
    assert f"content/causes.md:{at + 1}: phone number \"0800 123 4567\" is not in content/crisis.yml" in result.stderr
