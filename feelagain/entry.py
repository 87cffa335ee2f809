"""The entry point of `python build.py` and `python -m feelagain`: runs cli.main(), turning a missing required
package into one line that says how to install it (cli itself imports PyYAML, Jinja2 and the rest).
"""
from __future__ import annotations

import sys

from .deps import explain, missing_package


def run(argv: list[str] | None = None) -> int:
    """Run feelagain.cli.main(); return 2 with a clear line when a required package is missing."""
    args = sys.argv[1:] if argv is None else argv
    try:
        from .cli import main  # inside the try: importing cli is what fails when a package is missing

        return main(argv)
    except ModuleNotFoundError as exc:
        if missing_package(exc) is None or "--debug" in args:
            raise
        print(explain(exc), file=sys.stderr)
        return 2
