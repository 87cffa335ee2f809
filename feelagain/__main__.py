"""`python -m feelagain` runs the command line."""
import sys

from .entry import run

sys.exit(run())
