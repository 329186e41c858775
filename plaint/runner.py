"""One run as a command starts it: the database opened under its run lock, earlier runs that died
marked, the pipeline run with a clean stop on SIGTERM or Ctrl-C. The CLI says what it reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from plaint import platforms
from plaint.config import Config
from plaint.errors import PlaintError
from plaint.pipeline import Pipeline, Progress, RunSummary
from plaint.runcontrol import RunLock, stop_on_signals
from plaint.storage.database import Database, describe
from plaint.storage.store import Store


class StoppedAtOnce(PlaintError):
    """A second SIGTERM or Ctrl-C: the batch in hand was not stored (one being written was)."""


def run_locked(config: Config, url: str, sources: Mapping[str, Any], command: str, *,
               full: bool = True, workers: int = 0, progress: Progress | None = None,
               note: Callable[[str], None] = lambda line: None,
               stopping: Callable[[], None] | None = None) -> RunSummary:
    """The run, under the database's run lock (raises LockHeld when another run holds it).

    A scrape locks the platforms it searches; an import or add may write any platform. `note`
    hears what the person should know (an empty file made a database, earlier runs marked
    interrupted); `stopping` is called on the first signal."""
    pipeline: Pipeline | None = None
    try:
        with RunLock(url, tuple(sources) if command == "scrape" else platforms.names()):
            database = Database(url)
            if database.was_empty:
                note(f"{describe(url)} was an empty file (0 bytes); plaint made a new database in it")
            store = Store(database)
            stale = store.runs.mark_interrupted()
            if stale:
                note(f"{stale} earlier run(s) died mid-way; marked interrupted (see plaint runs)")
            pipeline = Pipeline(config, store, workers=workers)
            pipeline.full = full
            if progress is not None:
                pipeline.progress = progress
            with stop_on_signals(pipeline, stopping):
                return pipeline.run(sources, command=command)
    except KeyboardInterrupt:  # the second SIGTERM or Ctrl-C: stop now, the run marked
        after = (pipeline and pipeline.stop_message) or "the next run marks this one interrupted"
        raise StoppedAtOnce(f"stopped at once by a second signal; the batch in hand was not stored; {after}") from None
