"""Author rows, written as a batch's posts are: each author once, with what any sighting told of them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from plaint.post import Author
from plaint.storage import chunks, insert_rows
from plaint.storage.lookup import Key, rows_by_key
from plaint.storage.models import AuthorRow


def save_authors(session: Session, authors: Sequence[Author], when: datetime) -> dict[Key, int]:
    """The ids of these authors' rows, by (platform, handle): known ones are marked seen now (and
    gain a platform id or profile they lacked), new ones are inserted in one statement."""
    wanted: dict[Key, Author] = {}
    for author in authors:
        key = (author.platform, author.handle)
        first = wanted.setdefault(key, author)
        if first is not author and not (first.platform_id and first.profile_url):
            wanted[key] = Author(author.platform, author.handle, first.platform_id or author.platform_id,
                                 first.profile_url or author.profile_url)
    known = rows_by_key(session, AuthorRow, AuthorRow.handle, list(wanted), AuthorRow.id, AuthorRow.platform,
                        AuthorRow.handle, AuthorRow.platform_id, AuthorRow.profile_url)
    ids = {key: row.id for key, row in known.items()}
    if known:
        session.execute(update(AuthorRow), [
            {"id": row.id, "last_seen": when, "platform_id": row.platform_id or wanted[key].platform_id,
             "profile_url": row.profile_url or wanted[key].profile_url} for key, row in known.items()])
    new = [author for key, author in wanted.items() if key not in known]
    if new:
        insert_rows(session.connection(), cast(Table, AuthorRow.__table__), [
            {"platform": a.platform, "handle": a.handle, "platform_id": a.platform_id,
             "profile_url": a.profile_url, "first_seen": when, "last_seen": when, "stated_minor": False,
             "deleted_content": False, "contact_status": "new"} for a in new])
        inserted = rows_by_key(session, AuthorRow, AuthorRow.handle, [(a.platform, a.handle) for a in new],
                               AuthorRow.id, AuthorRow.platform, AuthorRow.handle)
        ids.update({key: row.id for key, row in inserted.items()})
    return ids


def mark_minors(session: Session, author_ids: Sequence[int]) -> None:
    """Remember authors who stated an age under 18: they are never candidates for contact."""
    for chunk in chunks(sorted(set(author_ids))):
        session.execute(update(AuthorRow).where(AuthorRow.id.in_(chunk)).values(stated_minor=True))
