"""The entry point of `python build.py` and `python -m feelagain`: runs cli.main(), turning a missing required
package into one line that says how to install it (cli itself imports PyYAML, Jinja2 and the rest).

A `build` with nothing changed since the last successful one is answered from that build's record first
(feelagain/fingerprint.py), before cli and the packages it needs are imported: that import alone costs more
than the whole answer.
"""
from __future__ import annotations

import sys

from .deps import explain, missing_package
from .fingerprint import fast_build


def run(argv: list[str] | None = None) -> int:
    """Run feelagain.cli.main(); return 2 with a clear line when a required package is missing."""
    args = sys.argv[1:] if argv is None else argv
    try:
        done = fast_build(list(args))
    except KeyboardInterrupt:
        return 130  # as cli.main
    if done is not None:
        return done
    try:
        from .cli import main  # inside the try: importing cli is what fails when a package is missing

        return main(argv)
    except ModuleNotFoundError as exc:
        if missing_package(exc) is None or "--debug" in args:
            raise
        print(explain(exc), file=sys.stderr)
        return 2
