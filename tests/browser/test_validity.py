"""The W3C Nu HTML checker (vnu, from npm vnu-jar) reports no errors on any HTML file of the build."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.support.sitebuild import VNU_JAR, npm_ci_hint

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def vnu_messages(built_site: Path) -> dict[str, list[dict]]:
    """Run vnu once over the whole build; messages grouped by file (relative path), "" for the rest."""
    if not VNU_JAR.is_file():
        pytest.fail(npm_ci_hint(VNU_JAR), pytrace=False)
    java = shutil.which("java")
    if not java:
        pytest.fail("java not found: apt-get install -y default-jre-headless", pytrace=False)
    proc = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only", "--format", "json", str(built_site)],
        capture_output=True, text=True, timeout=300,
    )
    try:
        messages = json.loads(proc.stderr or '{"messages": []}')["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu exited {proc.returncode} without a JSON report:\n{proc.stderr}\n{proc.stdout}",
                    pytrace=False)
    if proc.returncode not in (0, 1):
        pytest.fail(f"vnu crashed (exit {proc.returncode}):\n{proc.stderr}", pytrace=False)
    grouped: dict[str, list[dict]] = {}
    root = built_site.resolve()
    for m in messages:
        key = ""
        url = m.get("url", "")
        if url.startswith("file:"):
            try:
                key = Path(unquote(urlsplit(url).path)).resolve().relative_to(root).as_posix()
            except ValueError:
                key = ""
        grouped.setdefault(key, []).append(m)
    if proc.returncode == 1 and not messages:
        pytest.fail(f"vnu exited 1 but reported nothing:\n{proc.stderr}", pytrace=False)
    return grouped


def _fmt(m: dict) -> str:
    where = f"{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}"
    extract = (m.get("extract") or "").replace("\n", " ").strip()
    return f"  line {where} [{m.get('type')}/{m.get('subType', '')}] {m.get('message')}" + (
        f"\n      {extract[:120]}" if extract else ""
    )


def test_html_is_valid(vnu_messages, html_file):
    errors = vnu_messages.get(html_file, [])
    assert not errors, f"vnu: {len(errors)} error(s) in {html_file}:\n" + "\n".join(map(_fmt, errors))


def test_vnu_reports_nothing_else(vnu_messages):
    """Messages vnu could not tie to an HTML file of the build (I/O or non-document errors)."""
    other = vnu_messages.get("", [])
    assert not other, "vnu: " + "\n".join(f"{m.get('url', '')}: {m.get('message')}" for m in other)
