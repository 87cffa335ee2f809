"""`python -m feelagain` runs the command line."""
import sys

from .deps import run

sys.exit(run())
