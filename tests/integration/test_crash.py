"""Crash safety: a build killed at any moment (SIGKILL: no cleanup code runs) never damages dist/.

A 300-page site is built once. Then, again and again, the input is changed (one page, or the tagline, which
changes every page so the write phase has real work), a build is started and killed with SIGKILL after a seeded
random delay between 0 and the measured build time. After each kill, dist/ must be exactly the previous site
(compared as a manifest of path → SHA-256) — or, if the kill came after the swap, exactly what a clean build of
the new input gives. The one moment where dist/ may be missing is between the swap's two renames; then the
previous site must be whole in `.dist.old-*`, and the next build must restore it. Finally a normal build succeeds
and leaves no `.dist.tmp-*` / `.dist.old-*` folders behind.
"""
from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import crash
from tests.support.sites import ROOT, run_cli

PAGES = 300
ITERATIONS = 8
LOOP_BUDGET = 30.0  # seconds for the kill loop; at least MIN_ITERATIONS run whatever the machine's speed
MIN_ITERATIONS = 3
SEED = 20261125

pytestmark = pytest.mark.slow


def start_build(site: Path) -> subprocess.Popen[bytes]:
    """Start `build.py build` in its own process group (its render workers join that group)."""
    return crash.start_group([str(ROOT / "build.py"), "build", "--site", str(site)])


def change_input(site: Path, iteration: int) -> None:
    """Change one page (even iterations) or the tagline, which is on every page (odd iterations)."""
    crash.change_site(site, iteration, pages=PAGES, tagline="Edition")


def reference_manifest(site: Path, out: Path) -> dict[str, str]:
    """Return the manifest of a clean build of the site's current input into out."""
    result = run_cli("build", "--site", str(site), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return crash.manifest(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[float, float]]:
    """Return a built 300-page site and how long a warm rebuild takes after each kind of change."""
    site = crash.bench_corpus().make_corpus(PAGES, tmp_path_factory.mktemp("crash") / "site", seed=SEED)
    first = run_cli("build", "--site", str(site))
    assert first.returncode == 0, first.stderr
    seconds = []
    for kind in (0, 1):  # the kinds of build the loop kills: one page changed, every page changed
        change_input(site, 100 + kind)
        started = time.perf_counter()
        result = run_cli("build", "--site", str(site))
        assert result.returncode == 0, result.stderr
        seconds.append(time.perf_counter() - started)
    return site, (seconds[0], seconds[1])


def test_killed_builds_never_damage_dist(corpus: tuple[Path, tuple[float, float]], tmp_path: Path):
    site, build_seconds = corpus
    dist = site / "dist"
    rng = random.Random(SEED)
    previous = crash.manifest(dist)
    assert len(previous) > 2 * PAGES
    loop_started = time.perf_counter()
    outcomes = []
    for iteration in crash.rounds(ITERATIONS, MIN_ITERATIONS, LOOP_BUDGET):
        change_input(site, iteration)
        delay = rng.uniform(0, build_seconds[iteration % 2])
        proc = start_build(site)
        time.sleep(delay)
        finished = proc.poll() is not None
        assert b"Traceback" not in crash.kill_group(proc)
        if dist.is_dir():
            now = crash.manifest(dist)
            if now == previous:  # note whether the kill landed while the new site was being written
                mid_write = any(p.name.startswith(".dist.tmp-") for p in crash.leftovers(site))
                outcomes.append("unchanged, killed mid-write" if mid_write else "unchanged")
            else:  # the swap happened before the kill: dist/ must be exactly a clean build of the new input
                assert now == reference_manifest(site, tmp_path / f"ref-{iteration}"), \
                    f"iteration {iteration}: dist/ is neither the old site nor the new one (killed after {delay:.2f} s)"
                outcomes.append("finished" if finished else "swapped")
                previous = now
        else:  # killed between the two renames of the swap: the old site waits in .dist.old-*
            assert crash.old_site_after_kill(site, iteration) == previous, f"iteration {iteration}: dist/ is gone"
            outcomes.append("between renames")
    loop_seconds = time.perf_counter() - loop_started
    print(f"\nbuilds {build_seconds[0]:.1f} s / {build_seconds[1]:.1f} s; kills: {outcomes}; loop {loop_seconds:.1f} s")
    final = run_cli("build", "--site", str(site))
    assert final.returncode == 0, final.stderr
    assert crash.leftovers(site) == [], f"left behind after {outcomes}"
    assert crash.manifest(dist) == reference_manifest(site, tmp_path / "ref-final")
    assert len(outcomes) >= MIN_ITERATIONS


def test_a_build_after_a_kill_between_the_renames_restores_the_old_site(corpus: tuple[Path, tuple[float, float]]):
    """Simulate the narrowest window (dist/ renamed away, new one not yet in place): the next build recovers."""
    site, _ = corpus
    dist = site / "dist"
    assert run_cli("build", "--site", str(site)).returncode == 0
    before = crash.manifest(dist)
    os.rename(dist, site / ".dist.old-killed")
    (site / ".dist.tmp-killed").mkdir()
    (site / ".dist.tmp-killed" / "index.html").write_text("half a page")
    result = run_cli("build", "--site", str(site))
    assert result.returncode == 0, result.stderr
    assert crash.manifest(dist) == before
    assert crash.leftovers(site) == []
