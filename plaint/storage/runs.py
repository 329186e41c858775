"""Runs and their counts: a run's row is started, finished (or ended at once, or found dead),
and the counts of what each stage kept and dropped are committed with every batch."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from plaint import __version__
from plaint.storage import now
from plaint.storage.database import Database, StorageError
from plaint.storage.forgotten import ForgottenList
from plaint.storage.models import RunCountRow, RunRow

CountKey = tuple[str, str, str]  # (source: a platform or an imported file, stage, outcome)
Platforms = dict[str, dict[str, str]]  # how each source went: {"status": ..., "detail": ...} by source


class Runs:
    """The runs table: one row per run, its status and its counts."""

    def __init__(self, database: Database, forgotten: ForgottenList) -> None:
        self.database = database
        self.forgotten = forgotten

    def mark_interrupted(self) -> int:
        """Runs still marked running belong to a process that died (the caller holds the run
        lock): they are marked interrupted. Returns how many there were."""
        with self.database.session() as session, session.begin():
            result = cast(CursorResult[Any], session.execute(
                update(RunRow).where(RunRow.status == "running").values(status="interrupted", ended_at=now())))
            return int(result.rowcount or 0)

    def start(self, command: str) -> int:
        """A new run's row; its id. The forgotten list is read afresh: under another pseudonym key
        the run is refused before it begins."""
        self.forgotten.reset()
        self.forgotten.current()
        with self.database.session() as session, session.begin():
            run = RunRow(command=command, started_at=now(), status="running", tool_version=__version__)
            session.add(run)
            session.flush()
            return run.id

    def finish(self, run_id: int, status: str, platforms: Platforms, warnings: list[str],
               counts: Counter[CountKey]) -> None:
        """End a run that got to its end: its status, what each source did, and its final counts."""
        with self.database.session() as session, session.begin():
            run = session.get_one(RunRow, run_id)
            run.status, run.ended_at = status, now()
            run.platforms, run.warnings = platforms, warnings
            save_counts(session, run_id, counts)

    def end(self, run_id: int, status: str, platforms: Platforms) -> bool:
        """Mark a run that could not finish (the database failed under it, or a second signal
        stopped it at once): its status and end only, so its counts stay those of its last
        committed batch, as its posts do. After a full disk the write-ahead log is truncated and
        the mark tried once more. Returns whether it was written (if not, the next run marks the
        run interrupted)."""
        for attempt in range(2):
            try:
                with self.database.session() as session, session.begin():
                    session.execute(update(RunRow).where(RunRow.id == run_id)
                                    .values(status=status, ended_at=now(), platforms=platforms))
                return True
            except StorageError:
                if attempt == 0:
                    self.database.make_room()
        return False


def save_counts(session: Session, run_id: int, counts: Counter[CountKey]) -> None:
    """Write the run's counts so far, in the caller's transaction: a batch commits with them, so
    the stored counts always match the stored posts."""
    existing = {(r.source, r.stage, r.outcome): r
                for r in session.scalars(select(RunCountRow).where(RunCountRow.run_id == run_id))}
    for key, count in counts.items():
        row = existing.get(key)
        if row is None:
            source, stage, outcome = key
            session.add(RunCountRow(run_id=run_id, source=source, stage=stage, outcome=outcome, count=count))
        else:
            row.count = count
