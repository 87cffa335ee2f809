"""Issue #13 item 19: with a required package missing, the command line names it and the one command that
installs it (exit 2), instead of "internal error … this is a bug"."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.sites import ROOT

# A real process is the point here (start-up, exit codes, what a shell sees): the slow tier.
pytestmark = pytest.mark.slow

# Run build.py with one module made unimportable (None in sys.modules makes `import name` fail).
RUNNER = """\
import runpy, sys
sys.modules[sys.argv[1]] = None
sys.argv = ["build.py", *sys.argv[2:]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.parametrize("module, package, command", [
    ("yaml", "PyYAML", ["build"]),
    ("jinja2", "Jinja2", ["build"]),
    ("markdown", "Markdown", ["check"]),
    ("nh3", "nh3", ["build"]),
    ("livereload", "livereload", ["serve", "--port", "1"]),
])
def test_a_missing_package_is_named_with_the_command_that_installs_it(make_site, module, package, command):
    site = make_site()
    result = subprocess.run([sys.executable, "-c", RUNNER, module, *command, "--site", str(site)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f'the Python package "{package}" is not installed (needed for "import {module}") — '
        f"install everything Feel Again needs with: {sys.executable} -m pip install -e {ROOT}"], result.stderr
    assert not (site / "dist").exists()
