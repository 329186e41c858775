"""Query cursors: where each search stopped, so the next run asks only for what is newer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from plaint.queries import Query
from plaint.storage import now
from plaint.storage.database import Database
from plaint.storage.models import QueryRow


class Cursors:
    """The queries table: each search's first and last use, and the newest post it saw."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def note(self, query: Query, results: int, newest: datetime | None = None) -> None:
        """Record a completed search, and move its cursor to the newest post it saw."""
        when = now()
        with self.database.session() as session, session.begin():
            row = session.scalar(select(QueryRow).where(QueryRow.platform == query.platform,
                                                        QueryRow.scope == query.scope,
                                                        QueryRow.text == query.text))
            if row is None:
                session.add(QueryRow(platform=query.platform, scope=query.scope, text=query.text,
                                     first_used=when, last_used=when, last_results=results, newest_seen=newest))
            else:
                row.last_used, row.last_results = when, results
                if newest is not None and (row.newest_seen is None or newest > row.newest_seen):
                    row.newest_seen = newest

    def get(self, query: Query) -> datetime | None:
        """The newest post an earlier completed run of this search saw."""
        with self.database.session() as session:
            return session.scalar(select(QueryRow.newest_seen).where(
                QueryRow.platform == query.platform, QueryRow.scope == query.scope, QueryRow.text == query.text))
