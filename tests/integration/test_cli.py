"""The command line as editors and CI use it: exit codes, the summary line, `check`, and never a traceback.

Exit codes: 0 built (or checked) fine, 1 a content or configuration mistake, 2 a usage mistake (argparse).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.support.sites import page, run_cli, snapshot, write_files

# A real process is the point here (start-up, exit codes, what a shell sees): the slow tier.
pytestmark = pytest.mark.slow

SUMMARY = r"Built (\d+) pages in (\d+\.\d\d) s → (.+/)(?: \((\d+) warnings?\))?"


def all_files(folder: Path) -> dict[str, bytes]:
    """Return every file under folder, hidden ones included."""
    return snapshot(folder)


def test_build_prints_the_summary_line_and_exits_0(make_site):
    site = make_site({"content/causes.md": page("Causes", "It can help to [get help](get-help.md).\n")})
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    match = re.fullmatch(SUMMARY + "\n", result.stdout)
    assert match, result.stdout
    assert match.group(1) == "3"
    assert float(match.group(2)) < 60
    assert match.group(3) == f"{site / 'dist'}/"
    assert (site / "dist" / "causes" / "index.html").is_file()


def test_summary_counts_warnings(make_site):
    site = make_site({"content/causes.md": page("Causes", "# Causes\n\nShort words.\n")})
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0
    assert re.fullmatch(SUMMARY + "\n", result.stdout).group(4) == "1"
    assert result.stderr.startswith("warning: content/causes.md:")


def test_build_is_the_default_command(make_site):
    site = make_site()
    result = run_cli("--site", str(site))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(SUMMARY + "\n", result.stdout)


def test_out_option_builds_elsewhere(make_site, tmp_path: Path):
    site = make_site()
    out = tmp_path / "public"
    result = run_cli("build", "--site", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(SUMMARY + "\n", result.stdout).group(3) == f"{out}/"
    assert (out / "index.html").is_file() and not (site / "dist").exists()


def test_content_error_exits_1_with_the_summary_last(make_site):
    site = make_site({"content/causes.md": page("Causes", "See [x](nowhere.md).\n")})
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "content/causes.md:13: link to a missing page: nowhere.md — check the file name in content/"
    assert lines[-1] == f"Build failed: 1 problem; {site / 'dist'}/ was left unchanged"
    assert not (site / "dist").exists()


def test_every_problem_is_reported_not_just_the_first(make_site):
    site = make_site({
        "content/causes.md": page("Causes", "See [x](nowhere.md).\n"),
        "content/signs.md": "---\ntitle: Signs\n",
        "content/effects.md": page("Effects", "Text.\n", titel="Oops"),
    })
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Build failed: ")
    files = {line.split(":", 1)[0] for line in lines[:-1]}
    assert {"content/effects.md", "content/signs.md"} <= files  # parse and validate problems come together
    count = int(re.match(r"Build failed: (\d+) problems?;", lines[-1]).group(1))
    assert count == len(lines) - 1


def test_missing_site_folder_is_a_content_error(tmp_path: Path):
    result = run_cli("build", "--site", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == ("content/site.yml: site.yml is missing — create content/site.yml with "
                                             "title, base_url and the other settings")


@pytest.mark.parametrize("args, message", [
    (["build", "--nope"], "unrecognized arguments: --nope"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["build", "--site"], "expected one argument"),
    (["serve", "--port", "eighty"], "invalid int value: 'eighty'"),
    (["--nope"], "unrecognized arguments: --nope"),
])
def test_usage_errors_exit_2(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: ")
    assert message in result.stderr
    assert result.stdout == ""


def test_help_and_version_exit_0():
    help_ = run_cli("--help")
    assert help_.returncode == 0 and "build" in help_.stdout and "check" in help_.stdout
    version = run_cli("--version")
    assert version.returncode == 0 and re.fullmatch(r"feelagain \d+\.\d+\.\d+\S*\n", version.stdout)


# --- check ---------------------------------------------------------------------------------------------------

def test_check_writes_no_output(make_site):
    site = make_site()
    result = run_cli("check", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"Checked 2 pages in \d+\.\d\d s: no errors\n", result.stdout)
    assert not (site / "dist").exists()
    assert [p.name for p in site.iterdir() if p.name.startswith(".dist")] == []


def test_check_leaves_an_existing_dist_alone(make_site):
    site = make_site()
    assert run_cli("build", "--site", str(site)).returncode == 0
    before = snapshot(site / "dist")
    write_files(site, {"content/causes.md": page("Causes", "New page, [get help](get-help.md).\n")})
    result = run_cli("check", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert snapshot(site / "dist") == before
    assert not (site / "dist" / "causes").exists()


def test_check_writes_nothing_at_all(make_site):
    site = make_site()
    before = all_files(site)
    result = run_cli("check", "--site", str(site))
    assert result.returncode == 0
    assert all_files(site) == before


def test_check_reports_problems_with_exit_1(make_site):
    site = make_site({"content/causes.md": page("Causes", "See [x](nowhere.md).\n")})
    result = run_cli("check", "--site", str(site))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "content/causes.md:13: link to a missing page: nowhere.md — check the file name in content/"
    assert lines[-1].endswith(" 1 problem; nothing was written") or lines[-1].startswith("Build failed: 1 problem;")


def test_check_failure_summary_reads_right(make_site):
    site = make_site({"content/causes.md": page("Causes", "See [x](nowhere.md).\n")})
    result = run_cli("check", "--site", str(site))
    assert "left unchanged" not in result.stderr.splitlines()[-1]


def test_strict_turns_warnings_into_errors(make_site):
    site = make_site({"content/causes.md": page("Causes", "# Causes\n\nShort words.\n")})
    result = run_cli("build", "--site", str(site), "--strict")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ("content/causes.md:13: a level-1 heading in the body — the title is the page's only # "
                        "heading; use ## for sections")
    assert lines[-1] == f"Build failed: 1 problem; {site / 'dist'}/ was left unchanged"
    assert not (site / "dist").exists()


def test_no_traceback_without_debug_even_for_engine_errors(make_site):
    """An engine crash (here: a YAML complex key) is one line and exit 3 — never a traceback — unless --debug."""
    site = make_site({"content/causes.md": "---\n? [a, b]\n: 1\n---\n\nText.\n"})
    result = run_cli("build", "--site", str(site))
    assert "Traceback" not in result.stderr
    assert result.returncode in (1, 3)
    if result.returncode == 3:
        assert result.stderr.startswith("internal error: ")
        assert "run again with --debug" in result.stderr
        debug = run_cli("build", "--site", str(site), "--debug")
        assert "Traceback" in debug.stderr


def test_build_py_and_python_m_feelagain_agree(make_site, tmp_path: Path):
    import subprocess
    import sys

    from tests.support.sites import ROOT

    site = make_site()
    result = subprocess.run([sys.executable, "-m", "feelagain", "build", "--site", str(site)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    first = snapshot(site / "dist")
    shutil.rmtree(site / "dist")
    assert run_cli("build", "--site", str(site)).returncode == 0
    assert snapshot(site / "dist") == first


def test_a_build_in_process_leaves_the_garbage_collectors_settings_as_it_found_them(tmp_path):
    import gc

    from feelagain import cli
    from tests.support.sites import default_files, write_files

    write_files(tmp_path / "site", default_files())
    before = gc.get_threshold()
    assert cli.main(["build", "--site", str(tmp_path / "site"), "--out", str(tmp_path / "out")]) == 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
