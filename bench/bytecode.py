"""Compile an engine's modules to bytecode before its builds are timed.

Python writes a module's bytecode (`__pycache__/*.pyc`) the first time it imports it, so an editor's builds after
the first never compile the engine again. On a machine that sets PYTHONDONTWRITEBYTECODE (the one these figures
come from does), nothing is written: every timed build would compile each module whose source is newer than its
bytecode (all of them in a fresh checkout), about 50 ms of CPU per build, which no editor pays and which the peers,
whose bytecode pip wrote at install time, do not pay either. compileall writes bytecode whatever that setting says.
"""
from __future__ import annotations

import compileall
from pathlib import Path


def compile_engine(folder: Path) -> None:
    """Write the bytecode of the engine package in folder (folder/feelagain), as its first import would."""
    if not compileall.compile_dir(str(folder / "feelagain"), quiet=1):
        raise SystemExit(f"could not compile the engine in {folder}")
