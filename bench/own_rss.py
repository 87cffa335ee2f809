#!/usr/bin/env python3
"""Run a Python script in this process, then print this process's own peak RSS on stderr.

    python bench/own_rss.py build.py build --site DIR

`os.wait4` in build_speed.py reports the largest process of the build, which for our engine is Pagefind's
(a child); this wrapper reports the engine's own main process alone (RUSAGE_SELF, in KiB), as the last line
"own peak RSS KiB: N". Forked workers leave with os._exit and print nothing.
"""
from __future__ import annotations

import resource
import runpy
import sys

MARKER = "own peak RSS KiB:"


def main() -> None:
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, ".")  # as `python build.py` would have it: the script's folder (the cwd here) first
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        print(f"{MARKER} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
