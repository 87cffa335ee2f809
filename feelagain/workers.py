"""The process-pool policy: when a build uses worker processes, how many, and how work reaches them.

Both parallel stages (Markdown conversion in pipeline, page writing in writers) follow the same rules:
below PARALLEL_THRESHOLD pages starting processes costs more than it saves; workers ignore Ctrl-C so only
the main process reports it; work that cannot be pickled (a Jinja environment) is handed over by fork.
"""
from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# multiprocessing and concurrent.futures are imported by the functions that start processes: a build that
# renders a handful of pages (an edit) never starts any, and importing them costs 5 ms.

PARALLEL_THRESHOLD = 150  # below this many pages to process, starting processes costs more than it saves
MAX_WORKERS = 8

Job = TypeVar("Job")
Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count() -> int:
    """Return how many worker processes a parallel stage starts."""
    return min(os.cpu_count() or 1, MAX_WORKERS)


def worth_parallel(count: int) -> bool:
    """Return True when count items are worth spreading over worker processes."""
    return count >= PARALLEL_THRESHOLD and worker_count() > 1


def ignore_interrupts() -> None:
    """Let only the main process handle Ctrl-C, so workers never print tracebacks of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pool() -> ProcessPoolExecutor:
    """Return a pool for work whose arguments pickle."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=worker_count(), initializer=ignore_interrupts)


class _Adopted:
    """The job and function a forked worker was started with (set once per worker, by its initializer)."""

    job: Any = None
    work: Callable[[Any, Any], Any] | None = None


def _adopt(job: object, work: Callable[[Any, Any], Any]) -> None:
    ignore_interrupts()
    _Adopted.job, _Adopted.work = job, work


def _run_adopted(item: object) -> object:
    assert _Adopted.work is not None, "a forked worker runs only after _adopt"
    return _Adopted.work(_Adopted.job, item)


def map_forked(job: Job, work: Callable[[Job, Item], Result], items: Iterable[Item]) -> Iterator[Result]:
    """Yield work(job, item) for each item, in forked workers that inherit job rather than unpickle it.

    The job is passed to each worker as its initializer's argument; with the fork start method the
    arguments of a new process are inherited, never pickled. Only items and results cross the pipe.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=worker_count(), mp_context=context,
                             initializer=_adopt, initargs=(job, work)) as executor:
        for result in executor.map(_run_adopted, items):
            yield cast(Result, result)  # _run_adopted returns what work returned
