#!/usr/bin/env python3
"""Build the Feel Again site: `python build.py [build|check|serve|new] --help`."""
import sys

from feelagain.entry import run

if __name__ == "__main__":
    sys.exit(run())
