"""Run the command line in-process, without paying for a new interpreter: fork, call feelagain.cli.main(argv).

The child is a copy of the test process (engine modules already imported), writes stdout and stderr to files,
and leaves with os._exit, so it never returns into pytest. A child still running after kill_after seconds is a
hang: it is killed and reported with returncode -9. Forks are started from the calling thread only (forking
a process that runs other threads is unsafe), a few at a time. Use a real subprocess only where the process
boundary is what is tested (start-up, signals, a crash, a missing package).
"""
from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

JOBS = max(2, min(4, os.cpu_count() or 2))  # children at once: cases mostly wait on the disk and the clock


@dataclass
class Run:
    """What one forked run of the command line printed and how long it took."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _start(argv: list[str], out_path: Path, err_path: Path) -> int:
    from feelagain import cli

    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 99
        try:
            sys.stdout = open(out_path, "w", encoding="utf-8")
            sys.stderr = open(err_path, "w", encoding="utf-8")
            code = cli.main(argv)
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 98)
    return pid


def run_forked_many(argvs: Sequence[list[str]], kill_after: float = 30.0, jobs: int = JOBS) -> list[Run]:
    """Run feelagain.cli.main(argv) for each argv in forked children, jobs at a time; return the runs in order."""
    runs: list[Run | None] = [None] * len(argvs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        waiting = list(range(len(argvs)))
        running: dict[int, tuple[int, float]] = {}  # pid → (index, started)

        def finish(pid: int, code: int) -> None:
            index, started = running.pop(pid)
            read = lambda p: p.read_text(encoding="utf-8") if p.exists() else ""
            runs[index] = Run(code, read(folder / f"{index}.out"), read(folder / f"{index}.err"),
                              time.perf_counter() - started)

        while waiting or running:
            while waiting and len(running) < jobs:
                index = waiting.pop(0)
                pid = _start(argvs[index], folder / f"{index}.out", folder / f"{index}.err")
                running[pid] = (index, time.perf_counter())
            for pid, (_, started) in list(running.items()):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    finish(pid, os.waitstatus_to_exitcode(status))
                elif time.perf_counter() - started > kill_after:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    finish(pid, -9)
            time.sleep(0.005)
    return [run for run in runs if run is not None]


def run_forked(argv: list[str], kill_after: float = 30.0) -> Run:
    """Run feelagain.cli.main(argv) in a forked child; kill it (returncode -9) if it runs past kill_after."""
    return run_forked_many([argv], kill_after)[0]


def cli_in_fork(*args: str) -> Run:
    """Run `python build.py ARGS` in-process (a fork calling cli.main): for tests where no process boundary matters."""
    return run_forked(list(args))
