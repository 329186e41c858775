"""Writing posts and runs: upserts by (platform, native_id), one transaction per batch.

Seeing a post again is a policy, not an accident: a later copy refreshes engagement and fills
gaps, but an empty field never overwrites a filled one; a post deleted on the platform is
tombstoned here and never stored again; the same text under a new id is stored as a copy of the
first sighting. Each batch commits with the run's counts so far, so a crash loses no earlier batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from plaint.post import Annotations, Author, Post
from plaint.pseudonym import Pseudonymiser
from plaint.storage import chunks
from plaint.storage import now as _now
from plaint.storage.copies import PROVISIONAL, CopyLinker, NewText
from plaint.storage.cursors import Cursors
from plaint.storage.database import Database
from plaint.storage.dedup import TextIdentity, fingerprint
from plaint.storage.erasure import Erasure, erase_stored
from plaint.storage.forgotten import OUTCOME as FORGOTTEN_OUTCOME
from plaint.storage.forgotten import STAGE as FORGOTTEN_STAGE
from plaint.storage.forgotten import ForgottenList
from plaint.storage.lookup import rows_by_key, stored_posts
from plaint.storage.models import AuthorRow, PostRow
from plaint.storage.runs import CountKey, Runs, save_counts
from plaint.storage.sweeping import SweepQueries

# Fields a re-sighting may refresh; None or "" in the new copy never replaces a stored value.
_MERGED = ("url", "parent_id", "thread_id", "community", "title", "text", "created_at", "score",
           "num_comments", "visibility", "nsfw", "locked", "archived")


class Store:
    """The one object consumers hold: its parts each know one thing about what is stored."""

    def __init__(self, database: Database, pseudonym: Pseudonymiser | None = None) -> None:
        """`pseudonym`: the key forgotten authors are recognised by (default: load_pseudonymiser,
        read only if the database has forgotten anyone)."""
        self.database = database
        self.forgotten = ForgottenList(database, pseudonym)
        self.runs = Runs(database, self.forgotten)
        self.cursors = Cursors(database)
        self.erasure = Erasure(database, self.forgotten)
        self.sweep = SweepQueries(database)

    # Posts ------------------------------------------------------------------------------------

    def save_batch(self, run_id: int, platform: str, kept: Sequence[tuple[Post, Annotations]],
                   gone: Sequence[Post], minors: Sequence[Author], counts: Counter[CountKey]) -> Counter[str]:
        """Store one batch of one platform and the run's counts so far, in one transaction.

        `gone` are posts the platform now shows as deleted or private: any stored copy is
        tombstoned, once the kept posts are stored, so that a post kept and then gone within one
        batch is erased as it would be across two (and one gone and then seen again stays erased).
        `minors` are authors who stated an age under 18. The outcome of each kept post
        (new, duplicate, near duplicate, updated, unchanged, or tombstoned: deleted earlier, not
        stored again) is added to `counts` under the "stored" stage, and returned.

        New posts and authors are written as bulk inserts, not ORM objects: an import stores tens
        of thousands, and an object each cost a millisecond. Posts seen before are merged as rows.
        """
        outcomes: Counter[str] = Counter()
        now = _now()
        kept, minors, stripped = self.forgotten.current().apply(kept, minors)
        if stripped:
            counts[(platform, FORGOTTEN_STAGE, FORGOTTEN_OUTCOME)] += stripped
        with self.database.session() as session, session.begin(), session.no_autoflush:
            author_ids = self._save_authors(session, [*minors, *(post.author for post, _ in kept if post.author)], now)
            minor_ids = sorted({author_ids[(a.platform, a.handle)] for a in minors})
            for chunk in chunks(minor_ids):
                session.execute(update(AuthorRow).where(AuthorRow.id.in_(chunk)).values(stated_minor=True))
            stored = stored_posts(session, [post.key for post, _ in kept])
            fresh: dict[tuple[str, str], dict[str, Any]] = {}  # new posts' column values, by key
            identities: dict[tuple[str, str], TextIdentity] = {}
            rebanded: list[PostRow] = []
            for post, notes in kept:
                author_id = author_ids[(post.author.platform, post.author.handle)] if post.author else None
                row = stored.get(post.key)
                values = fresh.get(post.key)
                if row is not None:
                    if row.tombstoned_at is not None:
                        outcomes["tombstoned"] += 1
                        continue
                    changes = _changes(partial(getattr, row), post, notes, author_id)
                    for name, value in changes.items():
                        setattr(row, name, value)
                    if _text_changed(changes):
                        row.text_hash = fingerprint(row.title, row.text)
                        if row.duplicate_of is None:
                            rebanded.append(row)
                    row.last_seen, row.last_run_id = now, run_id
                elif values is not None:  # twice in one batch: the second sighting merges into the first
                    changes = _changes(values.get, post, notes, author_id)
                    values.update(changes)
                    if _text_changed(changes):
                        identities[post.key] = TextIdentity.of(values["title"], values["text"])
                        values["text_hash"] = identities[post.key].text_hash
                else:
                    identity = notes.identity or TextIdentity.of(post.title, post.text)
                    fresh[post.key] = _new_row(post, notes, author_id, identity.text_hash, run_id, now)
                    identities[post.key] = identity
                    continue
                outcomes["updated" if changes else "unchanged"] += 1
            session.flush()
            linker = CopyLinker(session)
            if fresh:
                outcomes.update(self._insert_new(session, linker, fresh, identities))
            for row in rebanded:
                linker.index(row)
            if gone:
                session.flush()
                erase_stored(session, [post.key for post in gone], now)
            for outcome, count in outcomes.items():
                counts[(platform, "stored", outcome)] += count
            save_counts(session, run_id, counts)
        return outcomes

    @staticmethod
    def _insert_new(session: Session, linker: CopyLinker, fresh: dict[tuple[str, str], dict[str, Any]],
                    identities: dict[tuple[str, str], TextIdentity]) -> Counter[str]:
        """Insert new posts (column values by key), each already marked new or a copy of an
        earlier post, and index the originals. Returns how many were new, and copies."""
        new = [NewText(PROVISIONAL + place, values["created_at"], identities[key])
               for place, (key, values) in enumerate(fresh.items())]
        outcomes = linker.link(new)
        for item, values in zip(new, fresh.values(), strict=True):
            values.update(duplicate_kind=item.duplicate_kind, similarity=item.similarity, minhash=item.minhash,
                          duplicate_of=item.duplicate_of if (item.duplicate_of or 0) < PROVISIONAL else None)
        # One statement, then the ids read back by key: asking for them in order (RETURNING)
        # makes SQLAlchemy insert row by row on SQLite.
        session.execute(insert(PostRow.__table__), list(fresh.values()))
        ids = rows_by_key(session, PostRow, PostRow.native_id, list(fresh), PostRow.id, PostRow.platform,
                      PostRow.native_id)
        real = {item.id: ids[key].id for item, key in zip(new, fresh, strict=True)}
        # Copies of a post of this same batch learn its id only now.
        later = [{"id": real[item.id], "duplicate_of": real[item.duplicate_of]}
                 for item in new if item.duplicate_of in real]
        if later:
            session.execute(update(PostRow), later)
        linker.add_bands([(real[item.id], item.identity.keys) for item in new if item.minhash is not None])
        return outcomes

    @staticmethod
    def _save_authors(session: Session, authors: Sequence[Author], now: datetime) -> dict[tuple[str, str], int]:
        """The ids of these authors' rows: known ones are marked seen now (and gain a platform id or
        profile they lacked), new ones are inserted."""
        wanted: dict[tuple[str, str], Author] = {}
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
                {"id": row.id, "last_seen": now, "platform_id": row.platform_id or wanted[key].platform_id,
                 "profile_url": row.profile_url or wanted[key].profile_url} for key, row in known.items()])
        new = [author for key, author in wanted.items() if key not in known]
        if new:
            session.execute(insert(AuthorRow.__table__), [
                {"platform": a.platform, "handle": a.handle, "platform_id": a.platform_id,
                 "profile_url": a.profile_url, "first_seen": now, "last_seen": now, "stated_minor": False,
                 "deleted_content": False, "contact_status": "new"} for a in new])
            inserted = rows_by_key(session, AuthorRow, AuthorRow.handle, [(a.platform, a.handle) for a in new],
                               AuthorRow.id, AuthorRow.platform, AuthorRow.handle)
            ids.update({key: row.id for key, row in inserted.items()})
        return ids


def _changes(current: Callable[[str], Any], post: Post, notes: Annotations, author_id: int | None) -> dict[str, Any]:
    """What a re-sighting changes in a stored post (`current` reads its stored values): fields the
    platform filled refresh, empty ones never overwrite; the filters' annotations are the latest."""
    changes: dict[str, Any] = {}
    for name in _MERGED:
        value = getattr(post, name)
        value = getattr(value, "value", value)  # enums are stored by value
        if value is not None and value != "" and current(name) != value:
            changes[name] = value
    annotations = {"language": notes.language, "types": notes.types, "strategies": notes.strategies,
                   "terms": notes.terms, "no_contact": notes.no_contact, "tier": notes.tier,
                   "relevance_score": notes.score}
    changes.update({name: value for name, value in annotations.items() if current(name) != value})
    if current("author_id") is None and author_id is not None:
        changes["author_id"] = author_id
    return changes


def _text_changed(changes: dict[str, Any]) -> bool:
    """Whether a re-sighting changed what the copy check reads (the text hash and band keys
    depend on title and text alone)."""
    return "title" in changes or "text" in changes


def _new_row(post: Post, notes: Annotations, author_id: int | None, text_hash: str | None, run_id: int,
             now: datetime) -> dict[str, Any]:
    """The column values of a post stored for the first time."""
    provenance = post.provenance
    for moment in (post.created_at, provenance.fetched_at):
        if moment is not None and moment.tzinfo is None:  # before the copy check compares them
            raise ValueError(f"{post.platform} {post.native_id}: plaint stores only timezone-aware datetimes")
    return {
        "platform": post.platform, "native_id": post.native_id, "kind": post.kind.value, "url": post.url,
        "parent_id": post.parent_id, "thread_id": post.thread_id, "community": post.community,
        "title": post.title, "text": post.text, "author_id": author_id, "created_at": post.created_at,
        "score": post.score, "num_comments": post.num_comments, "visibility": post.visibility.value,
        "nsfw": post.nsfw, "locked": post.locked, "archived": post.archived, "missing": list(post.missing),
        "language": notes.language, "types": notes.types, "strategies": notes.strategies, "terms": notes.terms,
        "no_contact": notes.no_contact, "tier": notes.tier, "relevance_score": notes.score,
        "text_hash": text_hash, "duplicate_of": None, "duplicate_kind": None, "similarity": None, "minhash": None, "route": provenance.route, "query": provenance.query,
        "request_url": provenance.request_url, "fetched_at": provenance.fetched_at,
        "tool_version": provenance.tool_version, "first_seen": now, "last_seen": now, "first_run_id": run_id,
        "last_run_id": run_id, "tombstoned_at": None,
    }
