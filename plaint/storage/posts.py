"""Writing a batch of posts: one transaction per batch of one platform, with the run's counts.

A batch is written in steps: its authors get rows, each kept post is merged into its stored row
(see sightings.py) or held back as new, the new ones are linked to the posts they copy and
inserted in one statement, posts gone from the platform are erased, and the run's counts are
saved, so a crash loses no earlier batch. A post erased once is never stored again; the same
text under a new id is stored as a copy of its first sighting (copies.py).

New posts and authors are written as bulk inserts, not ORM objects: an import stores tens of
thousands, and an object each cost a millisecond. Posts seen before are merged as rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from plaint.identity import TextIdentity, fingerprint
from plaint.post import Annotations, Author, Post
from plaint.storage import insert_rows, now
from plaint.storage.authors import mark_minors, save_authors
from plaint.storage.copies import PROVISIONAL, CopyLinker, NewText
from plaint.storage.database import Database
from plaint.storage.erasure import erase_stored
from plaint.storage.forgotten import OUTCOME as FORGOTTEN_OUTCOME
from plaint.storage.forgotten import STAGE as FORGOTTEN_STAGE
from plaint.storage.forgotten import ForgottenList
from plaint.storage.lookup import Key, rows_by_key, stored_posts
from plaint.storage.models import PostRow
from plaint.storage.runs import CountKey, save_counts
from plaint.storage.sightings import changes, new_row, text_changed


class Posts:
    """The posts table, as runs fill it."""

    def __init__(self, database: Database, forgotten: ForgottenList) -> None:
        self.database = database
        self.forgotten = forgotten

    def save_batch(self, run_id: int, platform: str, kept: Sequence[tuple[Post, Annotations]],
                   gone: Sequence[Post], minors: Sequence[Author], counts: Counter[CountKey]) -> Counter[str]:
        """Store one batch of one platform and the run's counts so far, in one transaction.

        `gone` are posts the platform now shows as deleted or private: any stored copy is
        tombstoned, once the kept posts are stored, so that a post kept and then gone within one
        batch is erased as it would be across two (and one gone and then seen again stays erased).
        `minors` are authors who stated an age under 18. The outcome of each kept post
        (new, duplicate, near duplicate, updated, unchanged, or tombstoned: deleted earlier, not
        stored again) is added to `counts` under the "stored" stage, and returned.
        """
        when = now()
        kept, minors = self._without_forgotten(platform, kept, minors, counts)
        with self.database.session() as session, session.begin(), session.no_autoflush:
            batch = _BatchWrite(session, run_id, when)
            batch.resolve_authors(kept, minors)
            batch.load_stored(kept)
            for post, notes in kept:
                batch.sight(post, notes)
            batch.insert_new()
            batch.erase_gone(gone)
            for outcome, count in batch.outcomes.items():
                counts[(platform, "stored", outcome)] += count
            save_counts(session, run_id, counts)
        return batch.outcomes

    def _without_forgotten(self, platform: str, kept: Sequence[tuple[Post, Annotations]], minors: Sequence[Author],
                           counts: Counter[CountKey]) -> tuple[Sequence[tuple[Post, Annotations]], Sequence[Author]]:
        """Forgotten authors' posts lose their author before anything is written, and are counted."""
        kept, minors, stripped = self.forgotten.current().apply(kept, minors)
        if stripped:
            counts[(platform, FORGOTTEN_STAGE, FORGOTTEN_OUTCOME)] += stripped
        return kept, minors


class _BatchWrite:
    """One batch inside its transaction: what it has found so far, and the steps that write it."""

    def __init__(self, session: Session, run_id: int, when: datetime) -> None:
        self.session, self.run_id, self.when = session, run_id, when
        self.author_ids: dict[Key, int] = {}
        self.stored: dict[Key, PostRow] = {}
        self.fresh: dict[Key, dict[str, Any]] = {}  # new posts' column values, by key, in the batch's order
        self.identities: dict[Key, TextIdentity] = {}  # new posts' texts, as the copy check reads them
        self.rebanded: list[PostRow] = []  # stored originals whose text changed: indexed again
        self.outcomes: Counter[str] = Counter()

    def resolve_authors(self, kept: Sequence[tuple[Post, Annotations]], minors: Sequence[Author]) -> None:
        """Every author gets a row id first: the posts are written with it."""
        self.author_ids = save_authors(self.session, [*minors, *(post.author for post, _ in kept if post.author)],
                                       self.when)
        mark_minors(self.session, [self.author_ids[(author.platform, author.handle)] for author in minors])

    def load_stored(self, kept: Sequence[tuple[Post, Annotations]]) -> None:
        """The batch's posts stored before, loaded at once, so a re-sighting merges into its row."""
        self.stored = stored_posts(self.session, [post.key for post, _ in kept])

    def sight(self, post: Post, notes: Annotations) -> None:
        """One kept post: a re-sighting of a stored post, a second sighting within the batch, or new."""
        author_id = self.author_ids[(post.author.platform, post.author.handle)] if post.author else None
        if (row := self.stored.get(post.key)) is not None:
            self.outcomes[self._merge_into_stored(row, post, notes, author_id)] += 1
        elif (values := self.fresh.get(post.key)) is not None:
            self.outcomes[self._merge_into_new(values, post, notes, author_id)] += 1
        else:
            self._hold_new(post, notes, author_id)  # counted when inserted: new, or a copy

    def _merge_into_stored(self, row: PostRow, post: Post, notes: Annotations, author_id: int | None) -> str:
        """A stored post seen again is refreshed; one erased stays erased (never stored again)."""
        if row.tombstoned_at is not None:
            return "tombstoned"
        changed = changes(partial(getattr, row), post, notes, author_id)
        for name, value in changed.items():
            setattr(row, name, value)
        if text_changed(changed):
            row.text_hash = fingerprint(row.title, row.text)
            if row.duplicate_of is None:  # only originals are in the copy index
                self.rebanded.append(row)
        row.last_seen, row.last_run_id = self.when, self.run_id
        return "updated" if changed else "unchanged"

    def _merge_into_new(self, values: dict[str, Any], post: Post, notes: Annotations, author_id: int | None) -> str:
        """A post twice in one batch: the second sighting merges into the first, not yet inserted."""
        changed = changes(values.get, post, notes, author_id)
        values.update(changed)
        if text_changed(changed):
            self.identities[post.key] = TextIdentity.of(values["title"], values["text"])
            values["text_hash"] = self.identities[post.key].text_hash
        return "updated" if changed else "unchanged"

    def _hold_new(self, post: Post, notes: Annotations, author_id: int | None) -> None:
        """A first sighting waits for the copy check, then is inserted with the batch's others."""
        identity = notes.identity or TextIdentity.of(post.title, post.text)  # workers computed it, if they ran
        self.fresh[post.key] = new_row(post, notes, author_id, identity.text_hash, self.run_id, self.when)
        self.identities[post.key] = identity

    def insert_new(self) -> None:
        """Link the new posts to what they copy, insert them, and index the originals whose text changed."""
        self.session.flush()  # the merged rows first: the copy check reads the stored texts
        linker = CopyLinker(self.session)
        if self.fresh:
            new, outcomes = link_copies(linker, self.fresh, self.identities)
            self.outcomes.update(outcomes)
            real = dict(zip((item.id for item in new), insert_posts(self.session, self.fresh), strict=True))
            point_copies_at_originals(self.session, new, real)
            linker.add_bands([(real[item.id], item.identity.keys) for item in new if item.minhash is not None])
        for row in self.rebanded:
            linker.index(row)

    def erase_gone(self, gone: Sequence[Post]) -> None:
        """Erase posts gone from the platform last, so one kept and then gone in this batch is erased."""
        if gone:
            self.session.flush()
            erase_stored(self.session, [post.key for post in gone], self.when)


def link_copies(linker: CopyLinker, fresh: dict[Key, dict[str, Any]],
                identities: dict[Key, TextIdentity]) -> tuple[list[NewText], Counter[str]]:
    """Mark each new post new or a copy before any is inserted; a copy of a post of this same
    batch points at its provisional id for now. Returns them, and how many were new, and copies."""
    new = [NewText(PROVISIONAL + place, values["created_at"], identities[key])
           for place, (key, values) in enumerate(fresh.items())]
    outcomes = linker.link(new)
    for item, values in zip(new, fresh.values(), strict=True):
        values.update(duplicate_kind=item.duplicate_kind, similarity=item.similarity, minhash=item.minhash,
                      duplicate_of=item.duplicate_of if (item.duplicate_of or 0) < PROVISIONAL else None)
    return new, outcomes


def insert_posts(session: Session, fresh: dict[Key, dict[str, Any]]) -> list[int]:
    """Insert new posts in one statement and read their ids back by key, in `fresh`'s order:
    asking for them in order (RETURNING) makes SQLAlchemy insert row by row on SQLite."""
    insert_rows(session.connection(), cast(Table, PostRow.__table__), list(fresh.values()))
    ids = rows_by_key(session, PostRow, PostRow.native_id, list(fresh), PostRow.id, PostRow.platform,
                      PostRow.native_id)
    return [ids[key].id for key in fresh]


def point_copies_at_originals(session: Session, new: Sequence[NewText], real: dict[int, int]) -> None:
    """Copies of a post of this same batch learn its id only now (`real`: by provisional id)."""
    later = [{"id": real[item.id], "duplicate_of": real[item.duplicate_of]}
             for item in new if item.duplicate_of in real]
    if later:
        session.execute(update(PostRow), later)
