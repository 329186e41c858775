"""One scrape run: collect -> filter -> store, counting what each stage kept and dropped.

Each platform runs on its own: one that has no credentials is skipped with the reason, one that
fails mid-way keeps what it stored, and neither stops the others. Posts are stored in batches, one
transaction each, together with the run's counts so far.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from plaint.collectors import Collector
from plaint.config import Config
from plaint.errors import CollectorUnavailable, PlaintError
from plaint.filters import Filter
from plaint.filters.language import LanguageDetector, LanguageFilter
from plaint.filters.relevance import RelevanceFilter, Tagger
from plaint.filters.tos import GONE_REASONS, MINOR_REASON, TosFilter
from plaint.post import Author, Post
from plaint.queries import Query
from plaint.storage.store import Annotations, CountKey, Store

log = logging.getLogger(__name__)
BATCH_SIZE = 200

CollectorFactory = Callable[[], Collector]


class Progress(Protocol):
    """Where a run reports progress; the CLI shows it on a terminal and stays quiet under cron."""

    def query_started(self, platform: str, index: int, total: int, query: Query) -> None: ...

    def post_seen(self, platform: str) -> None: ...


class NoProgress:
    def query_started(self, platform: str, index: int, total: int, query: Query) -> None:
        pass

    def post_seen(self, platform: str) -> None:
        pass


@dataclass
class PlatformResult:
    """How one source (a platform, or an imported file) went."""

    status: str  # ok | skipped | failed
    detail: str = ""
    info: dict = field(default_factory=dict)  # what the collector reports of itself (format, bad lines)


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


def build_filters(config: Config, detector: LanguageDetector | None = None) -> list[Filter]:
    """The filter chain, cheapest first: field checks, then regexes, then langdetect."""
    return [
        TosFilter(config.tos),
        RelevanceFilter(Tagger(config)),
        LanguageFilter(config.languages, config.tos.language_undetermined == "keep", detector),
    ]


class Pipeline:
    def __init__(self, config: Config, store: Store, batch_size: int = BATCH_SIZE,
                 progress: Progress | None = None) -> None:
        self.config = config
        self.store = store
        self.batch_size = batch_size
        self.progress = progress or NoProgress()
        self.detector = LanguageDetector()
        self.filters = build_filters(config, self.detector)
        # Set from a signal handler (SIGTERM, Ctrl-C): the run finishes its batch and stops.
        self.stop_requested = False
        # A full run re-walks every listing; otherwise searches stop where the last run's ended.
        self.full = False

    def run(self, sources: Mapping[str, CollectorFactory], command: str = "scrape") -> RunSummary:
        summary = RunSummary(self.store.start_run(command))
        for platform, factory in sources.items():
            if self.stop_requested:
                summary.platforms[platform] = PlatformResult("skipped", "the run was stopped before it began")
                continue
            summary.platforms[platform] = self._run_platform(platform, factory, summary)
        ran = [r for r in summary.platforms.values() if r.status == "ok"]
        summary.status = "ok" if len(ran) == len(summary.platforms) else ("partial" if ran else "failed")
        if self.stop_requested:
            summary.status = "interrupted"
        summary.langdetect_calls = self.detector.langdetect_calls
        self.store.finish_run(summary.run_id, summary.status,
                              {p: {"status": r.status, "detail": r.detail} for p, r in summary.platforms.items()},
                              summary.warnings, summary.counts)
        return summary

    def _run_platform(self, platform: str, factory: CollectorFactory, summary: RunSummary) -> PlatformResult:
        try:
            collector = factory()
        except CollectorUnavailable as exc:
            return PlatformResult("skipped", str(exc))
        except PlaintError as exc:
            return PlatformResult("failed", str(exc))
        batch = _Batch(platform)
        seen: set[tuple[str, str]] = set()
        found = 0
        try:
            queries = collector.queries()
            # Several queries can find one post; one query (a file) cannot, and a set of every
            # key of a million-line import would grow without bound.
            track_repeats = len(queries) > 1
            for index, query in enumerate(queries, 1):
                self.progress.query_started(platform, index, len(queries), query)
                if not self.full:
                    query = dataclasses.replace(query, since=self.store.cursor(query))
                results = 0
                newest: datetime | None = None
                for post in collector.search(query):
                    results += 1
                    if post.created_at is not None and (newest is None or post.created_at > newest):
                        newest = post.created_at
                    self.progress.post_seen(platform)
                    if track_repeats:
                        if post.key in seen:
                            summary.counts[(platform, "repeat", "seen again this run")] += 1
                            continue
                        seen.add(post.key)
                    found += 1
                    self._sort(post, batch, summary.counts, platform)
                    if len(batch) >= self.batch_size:
                        self._flush(batch, summary)
                    if self.stop_requested:
                        return PlatformResult("interrupted", f"stopped after {found} posts", _info(collector))
                self.store.note_query(query, results, newest)
        except PlaintError as exc:
            return PlatformResult("failed", str(exc), _info(collector))
        except Exception as exc:  # a bug or an answer no one foresaw: report it, go on with the others
            log.exception("%s collector failed", platform)
            return PlatformResult("failed", f"{type(exc).__name__}: {exc}", _info(collector))
        finally:
            self._flush(batch, summary)
            summary.warnings.extend(collector.warnings)
        return PlatformResult("ok", f"{found} posts", _info(collector))

    def _sort(self, post: Post, batch: _Batch, counts: Counter[CountKey], source: str) -> None:
        """Run the filter chain on one post and put it where its verdict says. Counts are kept
        per source: a platform when scraping, a file when importing."""
        counts[(source, "found", post.kind.value)] += 1
        notes: dict = {}
        for check in self.filters:
            verdict = check.check(post)
            if not verdict.keep:
                counts[(source, check.name, verdict.reason)] += 1
                if verdict.reason in GONE_REASONS:
                    batch.gone.append(post)
                elif verdict.reason == MINOR_REASON and post.author is not None:
                    batch.minors.append(post.author)
                return
            notes.update(verdict.notes)
        counts[(source, "kept", "kept")] += 1
        batch.kept.append((post, Annotations(
            language=notes.get("language"), types=notes.get("types", []),
            strategies=notes.get("strategies", []), terms=notes.get("terms", {}),
            no_contact=notes.get("no_contact"))))

    def _flush(self, batch: _Batch, summary: RunSummary) -> None:
        if batch.kept or batch.gone or batch.minors:
            self.store.save_batch(summary.run_id, batch.platform, batch.kept, batch.gone, batch.minors,
                                  summary.counts)
        batch.clear()


def _info(collector: Collector) -> dict:
    return dict(getattr(collector, "info", {}))


@dataclass
class _Batch:
    platform: str
    kept: list[tuple[Post, Annotations]] = field(default_factory=list)
    gone: list[Post] = field(default_factory=list)
    minors: list[Author] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.kept) + len(self.gone) + len(self.minors)

    def clear(self) -> None:
        self.kept.clear()
        self.gone.clear()
        self.minors.clear()
