"""What `plaint sweep` reads from the store: the posts still standing, to ask each platform about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from plaint.storage.database import Database
from plaint.storage.models import PostRow


class SweepQueries:
    """The stored, not erased posts of a platform, as each kind of sweep wants them."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def live_ids(self, platform: str) -> list[str]:
        """The native ids of a platform's stored posts that are not erased, in a stable order."""
        with self.database.session() as session:
            return list(session.scalars(select(PostRow.native_id).where(
                PostRow.platform == platform, PostRow.tombstoned_at.is_(None)).order_by(PostRow.id)))

    def threads(self, platform: str) -> dict[str, list[tuple[str, str]]]:
        """The platform's stored, not erased posts, grouped by the thread (topic) they belong to."""
        grouped: dict[str, list[tuple[str, str]]] = {}
        with self.database.session() as session:
            for native_id, thread_id in session.execute(select(PostRow.native_id, PostRow.thread_id).where(
                    PostRow.platform == platform, PostRow.tombstoned_at.is_(None), PostRow.thread_id.is_not(None))
                    .order_by(PostRow.id)):
                assert thread_id is not None  # asked for above
                grouped.setdefault(thread_id, []).append((platform, native_id))
        return grouped

    def videos(self, platform: str) -> dict[str, datetime]:
        """The platform's stored, not erased videos and when they were posted."""
        with self.database.session() as session:
            rows = session.execute(select(PostRow.native_id, PostRow.created_at).where(
                PostRow.platform == platform, PostRow.kind == "video", PostRow.tombstoned_at.is_(None),
                PostRow.created_at.is_not(None)))
            return {native_id: created_at for native_id, created_at in rows if created_at is not None}
