"""Worker processes for large imports: they map and filter blocks of a file's records while the
one process that writes stores what they kept.

A file of a million records spends most of its time turning records into Posts, tagging them and
hashing kept texts for the copy check; none of that needs the database, so it runs on every
core. Blocks come back in the file's order, and at most a few are in flight at once, so memory
stays flat however long the file is. Each worker builds its own filter chain once.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from plaint.config import Config
from plaint.errors import PlaintError
from plaint.screening.model import Scorer
from plaint.sorting import Outcome, Sorter

if TYPE_CHECKING:  # not imported at run time: workers need no SQLAlchemy
    from plaint.storage.runs import CountKey

MAX_WORKERS = 8
WORKER_NICENESS = 5
BULK_GC_THRESHOLDS = (20_000, 10, 10)

_sorter: Sorter | None = None  # the worker's own, built once when it starts
LOST_CHECK_SECONDS = 1.0  # while waiting for a block, how often the workers are counted


class WorkerLost(PlaintError):
    """A worker process ended before it finished its block: killed (most often by the system, out
    of memory) or unable to start. Its block will never come back, and waiting would be forever."""


def default_workers() -> int:
    """One worker per core this process may use, up to MAX_WORKERS; none on a single core, where
    a worker would only take turns with the process that writes."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS) if cores > 1 else 0


@dataclass
class SortedBlock:
    """A block of records, mapped and filtered: what to store, and the counts of why."""

    mapped: Any  # the collector's MappedBlock, its posts taken out (they are in `outcomes`)
    outcomes: list[Outcome]
    # The counts of the posts sorted up to each outcome (that outcome's post included), and of
    # those after the last: added as the outcomes are, the counts a batch commits with are those
    # of exactly the posts stored or dropped by then, as when sorting in-process.
    counts_before: list[Counter[CountKey]]
    counts_after: Counter[CountKey]
    posts: int  # posts the block's records held
    newest: datetime | None
    langdetect_calls: int
    peak_memory_kb: int  # the worker's own peak resident memory so far (ru_maxrss: kB on Linux)


def _start_worker(config: Config, model: Scorer | None = None) -> None:
    global _sorter
    # Ctrl-C reaches the whole process group: the main process decides how to stop, not workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The one process that writes is what an import waits for: workers yield the cores to it.
    os.nice(WORKER_NICENESS)
    _sorter = Sorter(config, identities=True, model=model)
    gc.freeze()  # the filter chain lives as long as the worker: no collection need look at it
    gc.set_threshold(*BULK_GC_THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs after every 700 new objects and then walks the young ones,
    now and then all of them. An import makes millions of short-lived records, none of them in a
    cycle (reference counting frees them): collecting far less often saved a fifth of the
    writing process's time."""
    before = gc.get_threshold()
    gc.set_threshold(*BULK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _sort_block(mapper: Any, block: Any, source: str) -> SortedBlock:
    assert _sorter is not None, "worker started without its filter chain"
    mapped = mapper.map_block(block, _sorter.prescreen if mapper.prescreened else None)
    posts, mapped.posts = mapped.posts, []
    counts: Counter[CountKey] = Counter()
    counts_before: list[Counter[CountKey]] = []
    outcomes: list[Outcome] = []
    before = _sorter.detector.langdetect_calls
    for post in posts:
        outcome = _sorter.sort(post, counts, source)
        if outcome is not None:
            outcomes.append(outcome)
            counts_before.append(counts)
            counts = Counter()
    dates = [post.created_at for post in posts if post.created_at is not None]
    return SortedBlock(mapped, outcomes, counts_before, counts, len(posts), max(dates, default=None),
                       _sorter.detector.langdetect_calls - before,
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class WorkerPool:
    """A pool of processes sorting blocks, for the large files of one run (starting one costs
    about a quarter of a second)."""

    def __init__(self, config: Config, workers: int, model: Scorer | None = None) -> None:
        # Not fork: a forked worker would inherit the run lock's descriptor and, if this process
        # were killed, live on holding it. A fork server's workers share nothing but their pipes,
        # end when this process does, and still start in milliseconds once plaint is imported.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            context.set_forkserver_preload(["plaint.worker_preload"])
        before = {child.pid for child in multiprocessing.active_children()}
        self._pool = context.Pool(workers, _start_worker, (config, model))
        self._workers = {child.pid for child in multiprocessing.active_children()} - before
        self._window = 2 * workers + 1  # blocks in flight: enough to keep every worker busy

    def sort(self, mapper: Any, blocks: Iterator[Any], source: str) -> Iterator[SortedBlock]:
        """The blocks sorted, in their order."""
        pending: deque[Any] = deque()
        for block in blocks:
            pending.append(self._pool.apply_async(_sort_block, (mapper, block, source)))
            if len(pending) >= self._window:
                yield self._result(pending.popleft())
        while pending:
            yield self._result(pending.popleft())

    def _result(self, pending: Any) -> SortedBlock:
        """A block's result. The pool replaces a worker that dies, but not the block it held: a
        worker gone while waiting ends the wait with WorkerLost."""
        while not pending.ready():
            pending.wait(LOST_CHECK_SECONDS)
            alive = {child.pid for child in multiprocessing.active_children()}
            if not pending.ready() and not self._workers <= alive:
                raise WorkerLost("a worker process ended before finishing its part of the file (killed, most "
                                 "often by the system when memory ran out); every batch stored before is kept. "
                                 "Import the file again (what is stored is recognised), with --workers 1 or 0 to "
                                 "use less memory")
        result: SortedBlock = pending.get()
        return result

    def close(self) -> None:
        """End the workers. Every block wanted has been taken by then; one still in flight (of a
        file stopped or failed mid-way) is not wanted."""
        self._pool.terminate()
        self._pool.join()
