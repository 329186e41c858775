"""Erasure: a post gone from its platform, or an author who asked to be forgotten, leaves only
keys and dates behind. Copies of an erased post stand on their own, and the copy index follows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plaint.pseudonym import Pseudonymiser
from plaint.storage import now
from plaint.storage.contacts import DO_NOT_CONTACT, log_status
from plaint.storage.copies import CopyLinker
from plaint.storage.database import Database
from plaint.storage.forgotten import ForgottenList, remember
from plaint.storage.lookup import Key, stored_posts
from plaint.storage.models import AuthorRow, ContactEventRow, PostRow
from plaint.storage.screenings import erase_screenings


class Erasure:
    """Erasing stored posts and forgetting authors, each in a transaction of its own."""

    def __init__(self, database: Database, forgotten: ForgottenList) -> None:
        self.database = database
        self.forgotten = forgotten

    def erase_keys(self, keys: Sequence[Key]) -> None:
        """Erase the stored posts with these (platform, native_id) keys, in one transaction."""
        with self.database.session() as session, session.begin():
            erase_stored(session, keys, now())

    def forget_author(self, pseudonym: Pseudonymiser, platform: str, handle: str, author_id: int | None,
                      note: str) -> int:
        """Erase every post of an author (if stored), delete the author, put their keyed pseudonym
        on the do-not-contact list and on the forgotten list (their later posts are stored without
        them), in one transaction. Returns the number of posts erased."""
        when = now()
        key = pseudonym.author(platform, handle)
        with self.database.session() as session, session.begin():
            posts: list[PostRow] = []
            if author_id is not None:
                author = session.get_one(AuthorRow, author_id)
                posts = list(session.scalars(select(PostRow).where(PostRow.author_id == author_id)))
                for row in posts:
                    if row.tombstoned_at is None:
                        erase_and_reindex(session, row, when)
                    row.author = None
                session.execute(update(ContactEventRow).where(ContactEventRow.author_id == author_id)
                                .values(author_id=None))
            log_status(session, None, key, DO_NOT_CONTACT, note, pseudonym.check)
            remember(session, pseudonym, platform, handle, when)
            session.flush()
            if author_id is not None:
                session.delete(author)
        self.forgotten.reset()
        return len(posts)


def erase_stored(session: Session, keys: Sequence[Key], when: datetime) -> None:
    """Erase the stored posts with these keys that are not erased yet, in the caller's transaction."""
    for row in stored_posts(session, keys).values():
        if row.tombstoned_at is None:
            erase_and_reindex(session, row, when)


def erase_and_reindex(session: Session, row: PostRow, when: datetime) -> None:
    """Erase a post, and keep the copy index true: its band keys go, its promoted copy's come."""
    promoted = erase(session, row, when)
    linker = CopyLinker(session)
    linker.forget(row)
    if promoted is not None:
        linker.index(promoted)


def erase(session: Session, row: PostRow, when: datetime) -> PostRow | None:
    """Remove a post's content and authorship, keeping only its key and the date; its screenings
    keep their decisions but lose their notes and codes.

    Copies of it that are still public become their own original: the first one found takes
    its place (and is returned), and the others point at that one.
    """
    if row.author is not None:
        row.author.deleted_content = True
    copies = list(session.scalars(select(PostRow).where(PostRow.duplicate_of == row.id).order_by(PostRow.id)))
    if copies:
        copies[0].duplicate_of, copies[0].duplicate_kind, copies[0].similarity = None, None, None
        for copy in copies[1:]:
            copy.duplicate_of = copies[0].id
    row.tombstoned_at = when
    row.title, row.text, row.url, row.author = None, "", None, None
    row.terms, row.types, row.strategies, row.text_hash = {}, [], [], None
    row.tier, row.relevance_score = None, None
    row.duplicate_of, row.duplicate_kind, row.similarity = None, None, None
    erase_screenings(session, row.id)
    return copies[0] if copies else None
