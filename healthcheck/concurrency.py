"""Threads for the audit's heavy steps: pyarrow's kernels, numpy's sorts and pandas' hash tables release the GIL,
so two large steps that do not depend on each other take about the time of the longer one on two cores.

Every caller gathers results in a fixed order (never "as completed"), so nothing the audit reports depends on
which thread finished first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below these, a second thread costs more than it gives: each pandas call on a small frame is mostly Python, and
# two threads of it contend for the GIL (a small account took 0.2 s more CPU on two threads than on one).
LARGE_ROWS = 50_000
LARGE_BYTES = 16 << 20


def worth_threads(*, rows: int = 0, size: int = 0) -> bool:
    """Whether work over `rows` rows (or `size` bytes of reports) is large enough to share between threads."""
    return rows >= LARGE_ROWS or size >= LARGE_BYTES


def workers() -> int:
    """Threads at once: the cores this process may use, at most two (each large step holds its own frames: more
    at once would trade memory for little time)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 2))


@contextmanager
def pool(tasks: int, name: str, *, large: bool = True) -> Iterator[ThreadPoolExecutor | None]:
    """A thread pool when there is more than one task, more than one core and the work is `large` (see
    `worth_threads`); None runs everything in line."""
    count = min(workers(), tasks) if large else 1
    if count < 2:
        yield None
        return
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix=f"healthcheck-{name}") as executor:
        yield executor


def ordered_map(
    executor: ThreadPoolExecutor | None,
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    first: Sequence[Callable[[], object]] = (),
) -> list[R]:
    """`[function(i) for i in items]`, on the pool when there is one; results in the order of `items`.

    The calling thread works too rather than wait: it takes the tasks no pool thread has started yet, from the
    last one back (the pool's threads take them from the first on). `first` are started before the items, their
    results dropped: frames several items read through a cache that waits for a build in progress
    (`AuditData.derived`), so that whoever needs one next finds it built or being built rather than builds it
    last of all.
    """
    chosen = list(items)
    if executor is None:
        for task in first:
            task()
        return [function(item) for item in chosen]
    started = [executor.submit(task) for task in first]
    futures = [executor.submit(function, item) for item in chosen]
    done_here: dict[int, R] = {}
    for index in reversed(range(len(chosen))):
        if futures[index].cancel():  # not started by the pool: this thread runs it
            done_here[index] = function(chosen[index])
    results = [done_here[i] if i in done_here else futures[i].result() for i in range(len(chosen))]
    for future in started:
        future.result()  # an error in a shared build is raised again, as it would be in line
    return results


def beside(executor: ThreadPoolExecutor | None, function: Callable[[], T]) -> Callable[[], T]:
    """Start `function` on the pool (or, without one, at the first call) and return what waits for its result.

    The caller goes on with other work on its own thread meanwhile; an exception is raised where it waits. If no
    pool thread has started it by then, the waiting thread runs it itself. The result is computed once.
    """
    future: Future[T] | None = executor.submit(function) if executor is not None else None
    outcome: list[T] = []

    def wait() -> T:
        if not outcome:
            if future is not None and not future.cancel():
                outcome.append(future.result())
            else:
                outcome.append(function())
        return outcome[0]

    return wait
