#!/usr/bin/env python3
"""Compare our own process's CPU in two engine folders (e.g. a commit before and after a change), interleaved.

    git archive COMMIT | tar -x -C /tmp/before
    python bench/compare_engines.py /tmp/before . --pages 1000 --runs 5

Each engine builds its own copy of the same corpus (`corpus.make_corpus`), so neither reads the other's cache.
For each scenario (cold: cache and output deleted first; edit: `edit_one_page` first; none: nothing changed, the
answer from the last build's record), the two engines take turns, one build each, after one untimed build of
each (the first build after a cold one still brings the spare generation up to date). Every build is
`python build.py build --site DIR --verbose` in the engine's folder; its CPU is user + system from `os.wait4`
(worker processes and Pagefind included), minus the CPU Pagefind reports in the `--verbose` line, as
build_speed.py's "CPU s without Pagefind". Turns keep a busy shared machine's drift out of the comparison;
the median and the lowest of each are printed.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import compile_engine
from corpus import edit_one_page, make_corpus

PAGEFIND = re.compile(r"Pagefind [\d.]+ s \(([\d.]+) s CPU")


def build(engine: Path, site: Path) -> tuple[float, float, float]:
    """Run one build; return (wall s, CPU s, CPU s without Pagefind's)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "build.py", "build", "--site", str(site), "--verbose"], cwd=engine,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{engine}: the build of {site} failed")
    cpu = usage.ru_utime + usage.ru_stime
    found = PAGEFIND.search(out)
    return wall, cpu, cpu - (float(found.group(1)) if found else 0.0)


def prepare(site: Path, scenario: str) -> None:
    """Get a site ready for one timed build of the scenario."""
    if scenario == "cold":
        for name in (".feelagain-cache", "dist", ".dist.spare"):
            shutil.rmtree(site / name, ignore_errors=True)
    elif scenario == "edit":
        edit_one_page(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="engine folder (with build.py) measured first in each turn")
    parser.add_argument("after", type=Path, help="engine folder measured second")
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="timed builds per engine and scenario")
    parser.add_argument("--scenarios", default="cold,edit,none")
    parser.add_argument("--workdir", type=Path, help="where the corpora go (default: a temporary folder, deleted)")
    args = parser.parse_args()
    engines = {"before": args.before.resolve(), "after": args.after.resolve()}
    work = args.workdir or Path(tempfile.mkdtemp(prefix="compare-engines-"))
    try:
        sites = {}
        for name in engines:
            compile_engine(engines[name])  # as an editor's first build would (bench/bytecode.py)
            sites[name] = work / name
            if not (sites[name] / "content").is_dir():
                make_corpus(args.pages, sites[name])
        for scenario in args.scenarios.split(","):
            for name, engine in engines.items():  # untimed: the spare generation and the record catch up
                prepare(sites[name], scenario)
                build(engine, sites[name])
            if scenario == "none":
                time.sleep(2.1)  # files changed less than 2 s ago are not trusted by the record
                for name, engine in engines.items():
                    build(engine, sites[name])
            results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in engines}
            for _ in range(args.runs):
                for name, engine in engines.items():
                    prepare(sites[name], scenario)
                    results[name].append(build(engine, sites[name]))
            for name, rows in results.items():
                own = [row[2] for row in rows]
                print(f"{scenario:5} {name:6} {args.pages} pages: CPU s without Pagefind median {statistics.median(own):.2f} "
                      f"(lowest {min(own):.2f}; all {', '.join(f'{x:.2f}' for x in own)}); "
                      f"wall median {statistics.median(r[0] for r in rows):.2f} s", flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
