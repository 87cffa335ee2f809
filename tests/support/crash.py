"""What the crash-safety tests share (tests/integration/test_crash.py and test_crash_publish.py).

A large synthetic site from bench/corpus.py, one input change per round, builds started in a process group of
their own and killed there with SIGKILL (no cleanup code runs), a round budget, and dist/ compared as a manifest
of path → SHA-256.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

from tests.support.sites import ROOT


@functools.cache
def bench_corpus() -> ModuleType:
    """Return bench/corpus.py as a module (bench/ holds scripts, not a package). Importing it only defines
    functions and word lists, and make_corpus takes its seed as an argument, so one copy serves every test."""
    spec = importlib.util.spec_from_file_location("feelagain_bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def manifest(folder: Path) -> dict[str, str]:
    """Return {relative path: sha256} of every file under folder."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(site: Path) -> list[Path]:
    """Return the temporary and old copies of dist/ next to it."""
    return sorted(p for p in site.iterdir() if p.name.startswith((".dist.tmp-", ".dist.old-")))


def old_site_after_kill(site: Path, iteration: int) -> dict[str, str]:
    """dist/ is missing only after a kill between the two renames of a swap: then the previous site must wait in
    exactly one `.dist.old-*` folder. Return that folder's manifest."""
    olds = sorted(site.glob(".dist.old-*"))
    assert len(olds) == 1, f"iteration {iteration}: dist/ is gone"
    return manifest(olds[0])


def change_site(site: Path, iteration: int, *, pages: int, tagline: str) -> None:
    """Change one page (even iterations) or the tagline, which is on every page (odd iterations): the new tagline
    is `{tagline} {iteration}`."""
    if iteration % 2 == 0:
        bench_corpus().edit_one_page(site, index=1 + (iteration * 37) % pages)
        return
    site_yml = site / "content" / "site.yml"
    lines = [line for line in site_yml.read_text(encoding="utf-8").splitlines() if not line.startswith("tagline:")]
    site_yml.write_text("\n".join(lines + [f"tagline: {tagline} {iteration}"]) + "\n", encoding="utf-8")


def start_group(args: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start `python ARGS` in the repository root in a process group of its own (its render workers join it)."""
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def kill_group(proc: subprocess.Popen[bytes]) -> bytes:
    """SIGKILL the build and every process it started (by the group id we gave it), reap it; return its stderr."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _out, err = proc.communicate(timeout=30)
    return err


def rounds(iterations: int, min_iterations: int, budget: float) -> Iterator[int]:
    """Yield the round numbers 0 … iterations - 1, stopping early once budget seconds have passed since the first
    round began, but never before min_iterations rounds ran (so a slow machine still runs that many)."""
    started = time.perf_counter()
    for iteration in range(iterations):
        if iteration >= min_iterations and time.perf_counter() - started > budget:
            return
        yield iteration
