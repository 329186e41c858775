"""Writing posts and runs: upserts by (platform, native_id), one transaction per batch.

Seeing a post again is a policy, not an accident: a later copy refreshes engagement and fills
gaps, but an empty field never overwrites a filled one; a post deleted on the platform is
tombstoned here and never stored again; the same text under a new id is stored as a copy of the
first sighting. Each batch commits with the run's counts so far, so a crash loses no earlier batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plaint import __version__
from plaint.post import Author, Post
from plaint.queries import Query
from plaint.storage import chunks
from plaint.storage.contacts import DO_NOT_CONTACT, log_status
from plaint.storage.copies import CopyLinker
from plaint.storage.database import Database
from plaint.storage.dedup import fingerprint
from plaint.storage.models import (
    AuthorRow,
    ContactEventRow,
    PostRow,
    QueryRow,
    RunCountRow,
    RunRow,
)

CountKey = tuple[str, str, str]  # (source: a platform or an imported file, stage, outcome)


@dataclass(frozen=True)
class Annotations:
    """What the filters concluded about a kept post."""

    language: str | None = None
    types: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    terms: dict[str, Any] = field(default_factory=dict)
    no_contact: str | None = None


# Fields a re-sighting may refresh; None or "" in the new copy never replaces a stored value.
_MERGED = ("url", "parent_id", "thread_id", "community", "title", "text", "created_at", "score",
           "num_comments", "visibility", "nsfw", "locked", "archived")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    def __init__(self, database: Database) -> None:
        self.database = database

    # Runs -------------------------------------------------------------------------------------

    def mark_interrupted(self) -> int:
        """Runs still marked running belong to a process that died (the caller holds the run
        lock): they are marked interrupted. Returns how many there were."""
        with self.database.session() as session, session.begin():
            result = session.execute(update(RunRow).where(RunRow.status == "running")
                                     .values(status="interrupted", ended_at=_now()))
            return int(result.rowcount or 0)

    def start_run(self, command: str) -> int:
        with self.database.session() as session, session.begin():
            run = RunRow(command=command, started_at=_now(), status="running", tool_version=__version__)
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, platforms: dict[str, Any], warnings: list[str],
                   counts: Counter[CountKey]) -> None:
        with self.database.session() as session, session.begin():
            run = session.get_one(RunRow, run_id)
            run.status, run.ended_at = status, _now()
            run.platforms, run.warnings = platforms, warnings
            self.save_counts(session, run_id, counts)

    def save_counts(self, session: Session, run_id: int, counts: Counter[CountKey]) -> None:
        existing = {(r.source, r.stage, r.outcome): r
                    for r in session.scalars(select(RunCountRow).where(RunCountRow.run_id == run_id))}
        for key, count in counts.items():
            row = existing.get(key)
            if row is None:
                source, stage, outcome = key
                session.add(RunCountRow(run_id=run_id, source=source, stage=stage, outcome=outcome,
                                        count=count))
            else:
                row.count = count

    def note_query(self, query: Query, results: int, newest: datetime | None = None) -> None:
        """Record a completed search, and move its cursor to the newest post it saw."""
        now = _now()
        with self.database.session() as session, session.begin():
            row = session.scalar(select(QueryRow).where(QueryRow.platform == query.platform,
                                                        QueryRow.scope == query.scope,
                                                        QueryRow.text == query.text))
            if row is None:
                session.add(QueryRow(platform=query.platform, scope=query.scope, text=query.text,
                                     first_used=now, last_used=now, last_results=results, newest_seen=newest))
            else:
                row.last_used, row.last_results = now, results
                if newest is not None and (row.newest_seen is None or newest > row.newest_seen):
                    row.newest_seen = newest

    def cursor(self, query: Query) -> datetime | None:
        """The newest post an earlier completed run of this search saw."""
        with self.database.session() as session:
            return session.scalar(select(QueryRow.newest_seen).where(
                QueryRow.platform == query.platform, QueryRow.scope == query.scope, QueryRow.text == query.text))

    # Posts ------------------------------------------------------------------------------------

    def save_batch(self, run_id: int, platform: str, kept: Sequence[tuple[Post, Annotations]],
                   gone: Sequence[Post], minors: Sequence[Author], counts: Counter[CountKey]) -> Counter[str]:
        """Store one batch of one platform and the run's counts so far, in one transaction.

        `gone` are posts the platform now shows as deleted or private: any stored copy is
        tombstoned. `minors` are authors who stated an age under 18. The outcome of each kept post
        (new, duplicate, near duplicate, updated, unchanged, or tombstoned: deleted earlier, not
        stored again) is added to `counts` under the "stored" stage, and returned.
        """
        outcomes: Counter[str] = Counter()
        now = _now()
        with self.database.session() as session, session.begin(), session.no_autoflush:
            self._erase(session, [post.key for post in gone], now)
            authors = self._authors_by_key(session, [*minors, *(post.author for post, _ in kept if post.author)])
            for author in minors:
                self._author(session, author, now, authors).stated_minor = True
            stored = self._rows_by_key(session, [post.key for post, _ in kept])
            new_rows: list[PostRow] = []
            rebanded: list[PostRow] = []
            for post, notes in kept:
                row = stored.get(post.key)
                if row is not None and row.tombstoned_at is not None:
                    outcomes["tombstoned"] += 1
                    continue
                author = self._author(session, post.author, now, authors) if post.author else None
                if row is None:
                    row = self._new_row(post, notes, author, run_id, now)
                    session.add(row)
                    stored[post.key] = row
                    new_rows.append(row)
                    continue
                text_before = (row.title, row.text)
                changed = self._merge(row, post, notes, author)
                if (row.title, row.text) != text_before and row.duplicate_of is None:
                    rebanded.append(row)
                row.last_seen, row.last_run_id = now, run_id
                outcomes["updated" if changed else "unchanged"] += 1
            session.flush()
            linker = CopyLinker(session)
            outcomes.update(linker.link(new_rows))
            for row in rebanded:
                linker.index(row)
            for outcome, count in outcomes.items():
                counts[(platform, "stored", outcome)] += count
            self.save_counts(session, run_id, counts)
        return outcomes

    @staticmethod
    def _rows_by_key(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], PostRow]:
        return _by_key(session, PostRow, PostRow.native_id, keys)

    @staticmethod
    def _authors_by_key(session: Session, authors: Sequence[Author]) -> dict[tuple[str, str], AuthorRow]:
        return _by_key(session, AuthorRow, AuthorRow.handle, [(a.platform, a.handle) for a in authors])

    @staticmethod
    def _author(session: Session, author: Author, now: datetime,
                known: dict[tuple[str, str], AuthorRow]) -> AuthorRow:
        """The author's row from `known` (loaded for the batch), updated, or a new one added to it."""
        key = (author.platform, author.handle)
        row = known.get(key)
        if row is None:
            row = AuthorRow(platform=author.platform, handle=author.handle, platform_id=author.platform_id,
                            profile_url=author.profile_url, first_seen=now, last_seen=now, stated_minor=False,
                            deleted_content=False, contact_status="new")
            session.add(row)
        else:
            row.last_seen = now
            row.platform_id = row.platform_id or author.platform_id
            row.profile_url = row.profile_url or author.profile_url
        known[key] = row
        return row

    @staticmethod
    def _new_row(post: Post, notes: Annotations, author: AuthorRow | None, run_id: int,
                 now: datetime) -> PostRow:
        return PostRow(
            platform=post.platform, native_id=post.native_id, kind=post.kind.value, url=post.url,
            parent_id=post.parent_id, thread_id=post.thread_id, community=post.community, title=post.title,
            text=post.text, author=author, created_at=post.created_at, score=post.score,
            num_comments=post.num_comments, visibility=post.visibility.value, nsfw=post.nsfw,
            locked=post.locked, archived=post.archived, missing=list(post.missing),
            language=notes.language, types=notes.types, strategies=notes.strategies, terms=notes.terms,
            no_contact=notes.no_contact, text_hash=fingerprint(post.title, post.text),
            route=post.provenance.route, query=post.provenance.query,
            request_url=post.provenance.request_url, fetched_at=post.provenance.fetched_at,
            tool_version=post.provenance.tool_version, first_seen=now, last_seen=now,
            first_run_id=run_id, last_run_id=run_id,
        )

    @staticmethod
    def _merge(row: PostRow, post: Post, notes: Annotations, author: AuthorRow | None) -> bool:
        changed = False
        for name in _MERGED:
            value = getattr(post, name)
            value = getattr(value, "value", value)  # enums are stored by value
            if value is None or value == "":
                continue
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        annotations = {"language": notes.language, "types": notes.types, "strategies": notes.strategies,
                       "terms": notes.terms, "no_contact": notes.no_contact}
        for name, value in annotations.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        if row.author is None and author is not None:
            row.author, changed = author, True
        if changed:
            row.text_hash = fingerprint(row.title, row.text)
        return changed

    def forget_author(self, author_id: int, author_key: str, note: str) -> int:
        """Erase every post of an author, delete the author, and put their keyed pseudonym on the
        do-not-contact list, in one transaction. Returns the number of posts erased."""
        now = _now()
        with self.database.session() as session, session.begin():
            author = session.get_one(AuthorRow, author_id)
            posts = list(session.scalars(select(PostRow).where(PostRow.author_id == author_id)))
            for row in posts:
                if row.tombstoned_at is None:
                    self._erase_and_reindex(session, row, now)
                row.author = None
            session.execute(update(ContactEventRow).where(ContactEventRow.author_id == author_id)
                            .values(author_id=None))
            log_status(session, None, author_key, DO_NOT_CONTACT, note)
            session.flush()
            session.delete(author)
            return len(posts)

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
                grouped.setdefault(thread_id, []).append((platform, native_id))
        return grouped

    def videos(self, platform: str) -> dict[str, datetime]:
        """The platform's stored, not erased videos and when they were posted."""
        with self.database.session() as session:
            return dict(session.execute(select(PostRow.native_id, PostRow.created_at).where(
                PostRow.platform == platform, PostRow.kind == "video", PostRow.tombstoned_at.is_(None),
                PostRow.created_at.is_not(None))).all())

    def erase_keys(self, keys: Sequence[tuple[str, str]]) -> None:
        """Erase the stored posts with these (platform, native_id) keys, in one transaction."""
        with self.database.session() as session, session.begin():
            self._erase(session, keys, _now())

    @staticmethod
    def _erase_and_reindex(session: Session, row: PostRow, now: datetime) -> None:
        promoted = erase(session, row, now)
        linker = CopyLinker(session)
        linker.forget(row)
        if promoted is not None:
            linker.index(promoted)

    def _erase(self, session: Session, keys: Sequence[tuple[str, str]], now: datetime) -> None:
        for row in self._rows_by_key(session, keys).values():
            if row.tombstoned_at is None:
                self._erase_and_reindex(session, row, now)


def _by_key(session: Session, model: Any, id_column: Any, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Rows of `model` by (platform, id), loaded as `platform = ? AND id IN (...)` per platform:
    that is served by the unique index, where SQLite scans for a row-value `(platform, id) IN (...)`."""
    grouped: dict[str, set[str]] = {}
    for platform, value in keys:
        grouped.setdefault(platform, set()).add(value)
    rows: dict[tuple[str, str], Any] = {}
    for platform, values in grouped.items():
        for chunk in chunks(sorted(values)):
            query = select(model).where(model.platform == platform, id_column.in_(chunk))
            rows.update({(r.platform, getattr(r, id_column.key)): r for r in session.scalars(query)})
    return rows


def erase(session: Session, row: PostRow, now: datetime) -> PostRow | None:
    """Remove a post's content and authorship, keeping only its key and the date.

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
    row.tombstoned_at = now
    row.title, row.text, row.url, row.author = None, "", None, None
    row.terms, row.types, row.strategies, row.text_hash = {}, [], [], None
    row.duplicate_of, row.duplicate_kind, row.similarity = None, None, None
    return copies[0] if copies else None
