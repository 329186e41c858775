"""One scrape run: collect -> filter -> store, counting what each stage kept and dropped.

Each platform runs on its own: one that has no credentials is skipped with the reason, one that
fails mid-way keeps what it stored, and neither stops the others. Posts are stored in batches, one
transaction each, together with the run's counts so far.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeGuard

from plaint.collectors import BlockSource, Collector
from plaint.config import Config
from plaint.errors import CollectorUnavailable, PlaintError
from plaint.post import Annotations, Author, Post
from plaint.queries import Query
from plaint.rescore import stored_model
from plaint.sorting import Gone, Kept, Minor, Outcome, Sorter
from plaint.storage.database import StorageError
from plaint.storage.runs import CountKey, Platforms
from plaint.storage.store import Store
from plaint.workers import WorkerLost, WorkerPool, fewer_collections

log = logging.getLogger(__name__)
BATCH_SIZE = 200
# Imports store in larger transactions: each writes the pages of the copy index it touched
# once, and an import's thousands of posts touch pages all over it. (Which post of a batch is
# the original of its copies depends on the batches, so a file stores the same with or
# without worker processes only with one batch size for both.)
IMPORT_BATCH_SIZE = 1000

CollectorFactory = Callable[[], Collector]
LEXICONS_DIFFER = ("keywords.yaml's lexicons are not the ones the screening model was trained with: its scores, "
                   "and so the tiers, may shift (the thresholds were chosen for the shipped lexicons)")


class Progress(Protocol):
    """Where a run reports progress; the CLI shows it on a terminal and stays quiet under cron."""

    def query_started(self, platform: str, index: int, total: int, query: Query) -> None: ...

    def post_seen(self, platform: str, count: int = 1) -> None: ...


class NoProgress:
    def query_started(self, platform: str, index: int, total: int, query: Query) -> None:
        pass

    def post_seen(self, platform: str, count: int = 1) -> None:
        pass


@dataclass
class PlatformResult:
    """How one source (a platform, or an imported file) went."""

    status: str  # ok | skipped | failed
    detail: str = ""
    info: dict[str, Any] = field(default_factory=dict)  # what the collector reports of itself (format, bad lines)


@dataclass
class RunSummary:
    run_id: int
    status: str = "running"
    platforms: dict[str, PlatformResult] = field(default_factory=dict)
    counts: Counter[CountKey] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    langdetect_calls: int = 0

    def total(self, stage: str, outcome: str | None = None) -> int:
        return sum(n for (_, s, o), n in self.counts.items() if s == stage and outcome in (None, o))


class Pipeline:
    def __init__(self, config: Config, store: Store, batch_size: int = BATCH_SIZE,
                 progress: Progress | None = None, workers: int = 0,
                 import_batch_size: int = IMPORT_BATCH_SIZE, prescreen: bool = True) -> None:
        self.config = config
        self.store = store
        self.batch_size = batch_size
        self.import_batch_size = import_batch_size
        self.progress = progress or NoProgress()
        # The study model, when this database's decisions have taught one (plaint rescore, the
        # review page), scores new posts as it scored the stored ones.
        self.model = stored_model(store.database)
        self.sorter = Sorter(config, model=self.model)
        # Worker processes for large imports (0: none). `plaint import` uses one per core;
        # a script that asks for more must start under `if __name__ == "__main__":`, as any
        # program whose multiprocessing workers re-import its main module.
        self.workers = workers
        # Imports skip the records the filters would leave no trace of (plaint/prescreen.py).
        self.prescreen = prescreen
        self._pool: WorkerPool | None = None  # started for the run's first large file, kept for the rest
        self._worker_langdetect_calls = 0
        self.worker_peak_memory_kb = 0  # the largest worker's, for benchmarks
        # Set from a signal handler (SIGTERM, Ctrl-C): the run finishes its batch and stops.
        self.stop_requested = False
        # A second signal that comes while a transaction is being written waits for its commit
        # (runcontrol.stop_on_signals): a write cut in half could keep SQLite's lock, and then the
        # run could not even be marked interrupted.
        self.writing = False
        self.stop_now = False
        self.stop_message = ""  # after a second signal: how the run was left, in words
        # A full run re-walks every listing; otherwise searches stop where the last run's ended.
        self.full = False

    def run(self, sources: Mapping[str, CollectorFactory], command: str = "scrape") -> RunSummary:
        """Run every source, and end the run's row: ok, partial, failed or interrupted.

        Two things end a run at once, and are raised once the run is marked: the database failing
        (StorageError: a full disk, a lost server; marked failed) and a second SIGTERM or Ctrl-C
        (KeyboardInterrupt; marked interrupted). The batch in hand is then not stored, and the
        run's stored counts stay those of its last committed batch."""
        summary = RunSummary(self.store.runs.start(command))
        if self.sorter.screen.lexicons_differ:
            summary.warnings.append(LEXICONS_DIFFER)
        current = ""
        try:
            with fewer_collections():  # a run makes many short-lived records, imports millions
                for current, factory in sources.items():
                    if self.stop_requested:
                        summary.platforms[current] = PlatformResult("skipped", "the run was stopped before it began")
                        continue
                    summary.platforms[current] = self._run_platform(current, factory, summary)
            ran = [r for r in summary.platforms.values() if r.status == "ok"]
            summary.status = "ok" if len(ran) == len(summary.platforms) else ("partial" if ran else "failed")
            if self.stop_requested:
                summary.status = "interrupted"
            summary.langdetect_calls = self.sorter.detector.langdetect_calls + self._worker_langdetect_calls
            with self._transaction():
                self.store.runs.finish(summary.run_id, summary.status, _platforms(summary), summary.warnings,
                                      summary.counts)
        except StorageError as exc:
            summary.platforms.setdefault(current, PlatformResult("failed", str(exc)))
            raise StorageError(f"{exc}; {self._end_at_once(summary, 'failed')}") from None
        except KeyboardInterrupt:
            summary.platforms.setdefault(current, PlatformResult("interrupted", "stopped at once by a second signal"))
            self.stop_message = self._end_at_once(summary, "interrupted")
            raise
        finally:
            if self._pool is not None:  # blocks of a file stopped mid-way may still be in flight
                self._pool.close()
                self._pool = None
        return summary

    def _end_at_once(self, summary: RunSummary, status: str) -> str:
        """Mark the run, and say in words how it was left."""
        summary.status = status
        if self.store.runs.end(summary.run_id, status, _platforms(summary)):
            return f"every batch committed before is kept, and run {summary.run_id} is marked {status} (plaint runs)"
        return (f"every batch committed before is kept; run {summary.run_id} could not be marked {status}, and "
                "the next run marks it interrupted")

    def _run_platform(self, platform: str, factory: CollectorFactory, summary: RunSummary) -> PlatformResult:
        try:
            collector = factory()
        except CollectorUnavailable as exc:
            return PlatformResult("skipped", str(exc))
        except PlaintError as exc:
            return PlatformResult("failed", str(exc))
        size = self.batch_size
        if isinstance(collector, BlockSource):  # a file
            size = self.import_batch_size
            if self.prescreen and not collector.strict:  # --strict must see every bad record
                collector.mapper.prescreen = self.sorter.prescreen
        batch = _Batch(platform, size)
        found = 0
        try:
            queries = collector.queries()
            # Several queries can find one post; one query (a file) cannot, and a set of every
            # key of a million-line import would grow without bound.
            seen: set[tuple[str, str]] | None = set() if len(queries) > 1 else None
            for index, query in enumerate(queries, 1):
                self.progress.query_started(platform, index, len(queries), query)
                if not self.full:
                    query = dataclasses.replace(query, since=self.store.cursors.get(query))
                if len(queries) == 1 and self._in_workers(collector):
                    results, newest = self._sort_in_workers(collector, query, batch, summary)
                else:
                    results, newest = self._sort_here(collector, query, batch, summary, seen)
                found += results
                if self.stop_requested:
                    return PlatformResult("interrupted", f"stopped after {found} posts", _info(collector))
                # The search's posts are stored before its cursor moves past them: a run killed in
                # between would otherwise skip them in every later run.
                self._flush(batch, summary)
                with self._transaction():
                    self.store.cursors.note(query, results, newest)
        except (StorageError, KeyboardInterrupt):
            batch.clear()  # nothing more is written: the database failed, or a second signal means now
            raise
        except PlaintError as exc:
            return PlatformResult("failed", str(exc), _info(collector))
        except Exception as exc:  # a bug or an answer no one foresaw: report it, go on with the others
            log.exception("%s collector failed", platform)
            return PlatformResult("failed", f"{type(exc).__name__}: {exc}", _info(collector))
        finally:
            self._flush(batch, summary)
            summary.warnings.extend(collector.warnings)
        return PlatformResult("ok", f"{found} posts", _info(collector))

    def _in_workers(self, collector: Collector) -> TypeGuard[BlockSource]:
        """Whether this collector's file is sorted by worker processes (and so is a BlockSource)."""
        return (self.workers > 0 and isinstance(collector, BlockSource) and not collector.strict
                and collector.large)

    def _sort_here(self, collector: Collector, query: Query, batch: _Batch, summary: RunSummary,
                   seen: set[tuple[str, str]] | None) -> tuple[int, datetime | None]:
        """One search, its posts sorted in this process; posts in `seen` (found by an earlier
        search of this run) are counted as repeats. Returns how many posts it found and the
        newest one's time; stops early when a stop is requested."""
        platform = batch.platform
        results = 0
        newest: datetime | None = None
        for post in collector.search(query):
            results += 1
            if post.created_at is not None and (newest is None or post.created_at > newest):
                newest = post.created_at
            self.progress.post_seen(platform)
            if seen is not None:
                if post.key in seen:
                    summary.counts[(platform, "repeat", "seen again this run")] += 1
                    continue
                seen.add(post.key)
            self._add(self.sorter.sort(post, summary.counts, platform), batch, summary)
            if self.stop_requested:
                break
        return results, newest

    def _sort_in_workers(self, collector: BlockSource, query: Query, batch: _Batch,
                         summary: RunSummary) -> tuple[int, datetime | None]:
        """One file, its blocks mapped and filtered by worker processes and stored here, in the
        file's order, as `_sort_here` would have stored them."""
        results = 0
        newest: datetime | None = None
        if self._pool is None:
            self._pool = WorkerPool(self.config, self.workers, self.model)
        try:
            for sorted_block in self._pool.sort(collector.mapper, collector.blocks(query), batch.platform):
                collector.absorb(sorted_block.mapped)
                results += sorted_block.posts
                if sorted_block.newest is not None and (newest is None or sorted_block.newest > newest):
                    newest = sorted_block.newest
                self._worker_langdetect_calls += sorted_block.langdetect_calls
                self.worker_peak_memory_kb = max(self.worker_peak_memory_kb, sorted_block.peak_memory_kb)
                self.progress.post_seen(batch.platform, sorted_block.posts)
                for counts, outcome in zip(sorted_block.counts_before, sorted_block.outcomes, strict=True):
                    summary.counts.update(counts)
                    self._add(outcome, batch, summary)
                summary.counts.update(sorted_block.counts_after)
                if self.stop_requested:
                    return results, newest
        except WorkerLost:  # the pool's stand-in worker would count as lost again: a new pool next time
            self._pool.close()
            self._pool = None
            raise
        collector.finish()
        return results, newest

    def _add(self, outcome: Outcome | None, batch: _Batch, summary: RunSummary) -> None:
        if outcome is None:
            return
        match outcome:
            case Kept(post, notes):
                batch.kept.append((post, notes))
            case Gone(post):
                batch.gone.append(post)
            case Minor(author):
                batch.minors.append(author)
        if len(batch) >= batch.limit:
            self._flush(batch, summary)

    def _flush(self, batch: _Batch, summary: RunSummary) -> None:
        if batch.kept or batch.gone or batch.minors:
            with self._transaction():
                self.store.posts.save_batch(summary.run_id, batch.platform, batch.kept, batch.gone, batch.minors,
                                            summary.counts)
        batch.clear()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A write a second signal does not cut in half: the signal stops the run once it commits."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.stop_now:
            raise KeyboardInterrupt


def _platforms(summary: RunSummary) -> Platforms:
    return {p: {"status": r.status, "detail": r.detail} for p, r in summary.platforms.items()}


def _info(collector: Collector) -> dict[str, Any]:
    return dict(getattr(collector, "info", {}))


@dataclass
class _Batch:
    platform: str
    limit: int  # stored when this many posts have gathered
    kept: list[tuple[Post, Annotations]] = field(default_factory=list)
    gone: list[Post] = field(default_factory=list)
    minors: list[Author] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.kept) + len(self.gone) + len(self.minors)

    def clear(self) -> None:
        self.kept.clear()
        self.gone.clear()
        self.minors.clear()
