"""Tiny sites from a dict of files (never the project's own content/), and running the command line.

Shared by the tests and by bench/ (which imports this package, not pytest's conftest)."""
from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SITE_YML = """\
title: Test Site
base_url: https://example.org/
language: en
organisation: Test Org
licence:
  name: CC BY-SA 4.0
  url: https://creativecommons.org/licenses/by-sa/4.0/
default_region: uk
exit_url: https://www.google.com/
nav: [index, get-help]
"""

CRISIS_YML = """\
regions:
  - code: uk
    name: United Kingdom
    emergency:
      number: "999"
      verified_on: 2026-11-20
      source: https://www.lpft.nhs.uk/contact-us/need-help-now
    lines:
      - name: Samaritans
        description: Free, any time, for anyone who is struggling.
        hours: 24/7
        url: https://www.samaritans.org
        verified_on: 2026-11-20
        source: https://www.samaritans.org
        contacts:
          - {kind: call, number: "116 123"}
"""

SOURCES = """\
sources:
  - {publisher: NHS, url: https://www.nhs.uk/,
     title: Example source one}
  - {publisher: Mind, url: https://www.mind.org.uk/,
     title: Example source two}
"""


CHECKLIST = """\
legend: Over the last two weeks, have you…
intro: This is not a diagnosis.
items:
  - Felt flat
  - text: Thought about hurting yourself
    urgent: true
results:
  - {min: 0, max: 0, message: Nothing ticked.}
  - {min: 1, message: Talk to someone you trust.}
urgent_message: Please get help now.
"""
"""A valid ```checklist block body: two items (one urgent), results for every count, no diagnosing words."""


def page(title: str, body: str = "You may feel flat. This is common. It often gets better.\n", **extra: str) -> str:
    """Return a valid Markdown page with front matter (extra fields are added as 'key: value' lines)."""
    lines = [f"title: {title}", f"description: About {title.lower()}.", "reviewed: 2026-11-01",
             "next_review: 2027-11-01"] + [f"{k}: {v}" for k, v in extra.items()]
    return "---\n" + "\n".join(lines) + "\n" + SOURCES + "---\n\n" + textwrap.dedent(body)


def default_files() -> dict[str, str]:
    """Return the files of the smallest valid site."""
    return {
        "content/site.yml": SITE_YML,
        "content/crisis.yml": CRISIS_YML,
        "content/index.md": page("Home", "Welcome. Read about [getting help](get-help.md).\n\n## First part\n\nShort words here.\n"),
        "content/get-help.md": page("Get help now", "## Call someone\n\nYou can call a helpline at any time.\n"),
    }


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write files under root; a None value deletes the file."""
    for name, data in files.items():
        path = root / name
        if data is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` as a real process and return its result."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under folder with its bytes (to prove a folder did not change)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


TODAY = datetime.date(2026, 11, 25)


# site.yml's languages for a site in English and Spanish (the Spanish pages are under content/es/).
LANGUAGES = """\
languages:
  - code: en
    name: English
  - code: es
    name: Español
    default_region: uk
    help_page: obtener-ayuda
    nav: [index, obtener-ayuda]
"""
