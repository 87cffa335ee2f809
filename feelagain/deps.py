"""Which packages Feel Again needs, and the one line that says how to install a missing one.

Imports nothing from outside the standard library, so it works when the packages it reports are missing.
"""
from __future__ import annotations

import sys
from pathlib import Path

# The import name of every package Feel Again needs → its name on PyPI (see pyproject.toml).
PACKAGES = {"yaml": "PyYAML", "jinja2": "Jinja2", "markupsafe": "MarkupSafe", "markdown": "Markdown",
            "livereload": "livereload", "tornado": "tornado", "nh3": "nh3", "pyphen": "pyphen",
            "rcssmin": "rcssmin"}
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def missing_package(exc: BaseException) -> str | None:
    """Return the PyPI name of the required package an import error is about, or None."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    return PACKAGES.get(exc.name.split(".")[0])


def explain(exc: ModuleNotFoundError) -> str:
    """Return the line that names the missing package and the one command that installs everything."""
    module = (exc.name or "").split(".")[0]
    return (f'the Python package "{missing_package(exc)}" is not installed (needed for "import {module}") — '
            f"install everything Feel Again needs with: {sys.executable} -m pip install -e {PROJECT_ROOT}")
