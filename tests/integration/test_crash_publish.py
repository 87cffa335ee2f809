"""Crash safety of publishing by difference: SIGKILL while the spare generation is brought up to date and swapped.

The build keeps the previous generation beside dist/ (`.dist.spare`), rewrites only what changed in it, then
exchanges the two folders. Here a build is started through a small wrapper that prints a line when the writer is
created (the publish step starts) and when commit() begins (the swap), and is SIGKILLed after a seeded random
delay inside that step, again and again. After each kill dist/ must be exactly the previous site or exactly the
new one (the state after the next, completed build); the next build must also cope with a spare folder left
half-updated. At the end dist/ must equal a clean build of the final input into a fresh folder, without cache.
"""
from __future__ import annotations

import random
import select
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import crash
from tests.support.sites import ROOT, run_cli

PAGES = 200  # above the parallel threshold, so worker processes write into the spare folder too
ITERATIONS = 10
LOOP_BUDGET = 60.0
MIN_ITERATIONS = 4
SEED = 20261129

pytestmark = pytest.mark.slow

# Runs the real CLI; prints a marker when the publish step starts and when the swap starts.
WRAPPER = """
import sys
sys.path.insert(0, {root!r})
from feelagain import writers as output
init, commit = output.SiteWriter.__init__, output.SiteWriter.commit
def traced_init(self, *a, **k):
    init(self, *a, **k)
    print("PUBLISH", flush=True)
def traced_commit(self):
    print("SWAP", flush=True)
    commit(self)
output.SiteWriter.__init__, output.SiteWriter.commit = traced_init, traced_commit
from feelagain.cli import main
sys.exit(main(["build", "--site", sys.argv[1]]))
"""


def change_input(site: Path, iteration: int) -> None:
    """Change one page (even iterations) or the tagline, which is on every page (odd iterations)."""
    crash.change_site(site, iteration, pages=PAGES, tagline="Publish edition")


def start(site: Path) -> subprocess.Popen[bytes]:
    return crash.start_group(["-c", WRAPPER.format(root=str(ROOT)), str(site)])


def wait_for(proc: subprocess.Popen[bytes], marker: bytes, timeout: float = 120) -> float:
    """Read the wrapper's stdout until marker; return when it came (perf_counter)."""
    assert proc.stdout is not None
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            if line.strip() == marker:
                return time.perf_counter()
    raise AssertionError(f"no {marker!r} from the build: {proc.stderr.read() if proc.stderr else b''!r}")


@pytest.fixture(scope="module")
def site_and_timing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[float, float]]]:
    """Return a built site whose spare generation exists, and for each kind of change how long the publish
    step and the swap take (seconds from the marker to the end of the build)."""
    site = crash.bench_corpus().make_corpus(PAGES, tmp_path_factory.mktemp("publish") / "site", seed=SEED)
    for _ in range(2):  # the second build leaves the first generation as the spare
        first = run_cli("build", "--site", str(site))
        assert first.returncode == 0, first.stderr
    timing = []
    for kind in (0, 1):
        change_input(site, 100 + kind)
        proc = start(site)
        publish = wait_for(proc, b"PUBLISH")
        swap = wait_for(proc, b"SWAP")
        proc.wait(timeout=120)
        ended = time.perf_counter()
        assert proc.returncode == 0
        timing.append((ended - publish, ended - swap))
    return site, timing


def test_sigkill_during_publish_leaves_old_or_new_site(site_and_timing, tmp_path: Path) -> None:
    site, timing = site_and_timing
    dist = site / "dist"
    assert (site / ".dist.spare").is_dir()
    rng = random.Random(SEED)
    previous = crash.manifest(dist)
    outcomes: list[str] = []
    for iteration in crash.rounds(ITERATIONS, MIN_ITERATIONS, LOOP_BUDGET):
        change_input(site, iteration)
        publish_seconds, swap_seconds = timing[iteration % 2]
        in_swap = iteration % 3 == 2  # every third kill aims at the swap itself, the rest anywhere in publishing
        proc = start(site)
        wait_for(proc, b"SWAP" if in_swap else b"PUBLISH")
        time.sleep(rng.uniform(0, (swap_seconds if in_swap else publish_seconds) * 1.05))
        finished = proc.poll() is not None
        assert b"Traceback" not in crash.kill_group(proc)
        if dist.is_dir():
            killed = crash.manifest(dist)
        else:  # two-rename fallback, killed between them: the old site waits in .dist.old-*
            killed = crash.old_site_after_kill(site, iteration)
        done = run_cli("build", "--site", str(site))
        assert done.returncode == 0, done.stderr
        new = crash.manifest(dist)
        assert new != previous, "every change must change the site, or the test proves nothing"
        assert killed in (previous, new), \
            f"iteration {iteration}: dist/ was a mix of the old and the new site after the kill"
        outcomes.append("finished" if finished else ("old" if killed == previous else "new"))
        previous = new
    print(f"\npublish {timing}; kills: {outcomes}")
    assert len(outcomes) >= MIN_ITERATIONS
    assert crash.leftovers(site) == [], "a .dist.tmp-* or .dist.old-* folder was left behind"
    clean = run_cli("build", "--site", str(site), "--out", str(tmp_path / "clean"), "--no-cache")
    assert clean.returncode == 0, clean.stderr
    assert crash.manifest(dist) == crash.manifest(tmp_path / "clean")
