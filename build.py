#!/usr/bin/env python3
"""Build the Feel Again site: `python build.py [build|check|serve|new] --help`."""
import sys

from feelagain.cli import main

if __name__ == "__main__":
    sys.exit(main())
