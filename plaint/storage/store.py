"""Writing posts and runs: upserts by (platform, native_id), one transaction per batch.

Seeing a post again is a policy, not an accident: a later copy refreshes engagement and fills
gaps, but an empty field never overwrites a filled one; a post deleted on the platform is
tombstoned here and never stored again; the same text under a new id is stored as a copy of the
first sighting. Each batch commits with the run's counts so far, so a crash loses no earlier batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from plaint import __version__
from plaint.identity import TextIdentity, fingerprint
from plaint.post import Annotations, Author, Post
from plaint.pseudonym import Pseudonymiser, load_pseudonymiser
from plaint.queries import Query
from plaint.storage import chunks, placeholder
from plaint.storage.contacts import DO_NOT_CONTACT, log_status
from plaint.storage.copies import PROVISIONAL, CopyLinker, NewText
from plaint.storage.database import Database, StorageError, describe
from plaint.storage.forgotten import OUTCOME as FORGOTTEN_OUTCOME
from plaint.storage.forgotten import STAGE as FORGOTTEN_STAGE
from plaint.storage.forgotten import Forgotten, remember
from plaint.storage.models import (
    AuthorRow,
    ContactEventRow,
    PostRow,
    QueryRow,
    RunCountRow,
    RunRow,
)
from plaint.storage.screenings import erase_screenings

CountKey = tuple[str, str, str]  # (source: a platform or an imported file, stage, outcome)


# Fields a re-sighting may refresh; None or "" in the new copy never replaces a stored value.
_MERGED = ("url", "parent_id", "thread_id", "community", "title", "text", "created_at", "score",
           "num_comments", "visibility", "nsfw", "locked", "archived")


def _now() -> datetime:
    return datetime.now(UTC)


class Store:
    def __init__(self, database: Database, pseudonym: Pseudonymiser | None = None) -> None:
        """`pseudonym`: the key forgotten authors are recognised by (default: load_pseudonymiser,
        read only if the database has forgotten anyone)."""
        self.database = database
        self._pseudonym = pseudonym
        self._forgotten: Forgotten | None = None

    def forgotten(self) -> Forgotten:
        """The forgotten authors, read once a run (a forget holds the run lock, so none is added
        meanwhile)."""
        if self._forgotten is None:
            with self.database.session() as session:
                self._forgotten = Forgotten.load(session, lambda: self._pseudonym or load_pseudonymiser(),
                                                 describe(self.database.url))
        return self._forgotten

    # Runs -------------------------------------------------------------------------------------

    def mark_interrupted(self) -> int:
        """Runs still marked running belong to a process that died (the caller holds the run
        lock): they are marked interrupted. Returns how many there were."""
        with self.database.session() as session, session.begin():
            result = session.execute(update(RunRow).where(RunRow.status == "running")
                                     .values(status="interrupted", ended_at=_now()))
            return int(result.rowcount or 0)

    def start_run(self, command: str) -> int:
        self._forgotten = None
        self.forgotten()  # read afresh; under another pseudonym key, refused before the run begins
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

    def end_run(self, run_id: int, status: str, platforms: dict[str, Any]) -> bool:
        """Mark a run that could not finish (the database failed under it, or a second signal
        stopped it at once): its status and end only, so its counts stay those of its last
        committed batch, as its posts do. After a full disk the write-ahead log is truncated and
        the mark tried once more. Returns whether it was written (if not, the next run marks the
        run interrupted)."""
        for attempt in range(2):
            try:
                with self.database.session() as session, session.begin():
                    session.execute(update(RunRow).where(RunRow.id == run_id)
                                    .values(status=status, ended_at=_now(), platforms=platforms))
                return True
            except StorageError:
                if attempt == 0:
                    self.database.make_room()
        return False

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
        kept, minors, stripped = self.forgotten().apply(kept, minors)
        if stripped:
            counts[(platform, FORGOTTEN_STAGE, FORGOTTEN_OUTCOME)] += stripped
        with self.database.session() as session, session.begin(), session.no_autoflush:
            author_ids = self._save_authors(session, [*minors, *(post.author for post, _ in kept if post.author)], now)
            minor_ids = sorted({author_ids[(a.platform, a.handle)] for a in minors})
            for chunk in chunks(minor_ids):
                session.execute(update(AuthorRow).where(AuthorRow.id.in_(chunk)).values(stated_minor=True))
            stored = self._rows_by_key(session, [post.key for post, _ in kept])
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
                self._erase(session, [post.key for post in gone], now)
            for outcome, count in outcomes.items():
                counts[(platform, "stored", outcome)] += count
            self.save_counts(session, run_id, counts)
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
        ids = _by_key(session, PostRow, PostRow.native_id, list(fresh), PostRow.id, PostRow.platform,
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
    def _rows_by_key(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], PostRow]:
        # Most posts of an import are new: which are stored is asked first, cheaply.
        present = _by_key(session, PostRow, PostRow.native_id, keys, PostRow.platform, PostRow.native_id)
        return _by_key(session, PostRow, PostRow.native_id, list(present)) if present else {}

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
        known = _by_key(session, AuthorRow, AuthorRow.handle, list(wanted), AuthorRow.id, AuthorRow.platform,
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
            inserted = _by_key(session, AuthorRow, AuthorRow.handle, [(a.platform, a.handle) for a in new],
                               AuthorRow.id, AuthorRow.platform, AuthorRow.handle)
            ids.update({key: row.id for key, row in inserted.items()})
        return ids

    def forget_author(self, pseudonym: Pseudonymiser, platform: str, handle: str, author_id: int | None,
                      note: str) -> int:
        """Erase every post of an author (if stored), delete the author, put their keyed pseudonym
        on the do-not-contact list and on the forgotten list (their later posts are stored without
        them), in one transaction. Returns the number of posts erased."""
        now = _now()
        key = pseudonym.author(platform, handle)
        with self.database.session() as session, session.begin():
            posts: list[PostRow] = []
            if author_id is not None:
                author = session.get_one(AuthorRow, author_id)
                posts = list(session.scalars(select(PostRow).where(PostRow.author_id == author_id)))
                for row in posts:
                    if row.tombstoned_at is None:
                        self._erase_and_reindex(session, row, now)
                    row.author = None
                session.execute(update(ContactEventRow).where(ContactEventRow.author_id == author_id)
                                .values(author_id=None))
            log_status(session, None, key, DO_NOT_CONTACT, note, pseudonym.check)
            remember(session, pseudonym, platform, handle, now)
            session.flush()
            if author_id is not None:
                session.delete(author)
        self._forgotten = None
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


def _by_key(session: Session, model: Any, id_column: Any, keys: Sequence[tuple[str, str]],
            *columns: Any) -> dict[tuple[str, str], Any]:
    """Rows of `model` (or just these plain columns of them, platform and id among them, read
    through the driver) by (platform, id), loaded as `platform = ? AND id IN (...)` per platform:
    that is served by the unique index, where SQLite scans for a row-value `(platform, id) IN (...)`."""
    grouped: dict[str, set[str]] = {}
    for platform, value in keys:
        grouped.setdefault(platform, set()).add(value)
    rows: dict[tuple[str, str], Any] = {}
    connection = session.connection()
    mark = placeholder(connection)
    names = ", ".join(column.expression.name for column in columns)
    for platform, values in grouped.items():
        for chunk in chunks(sorted(values)):
            if columns:
                found = connection.exec_driver_sql(
                    f"SELECT {names} FROM {model.__tablename__} WHERE platform = {mark} "
                    f"AND {id_column.expression.name} IN ({', '.join([mark] * len(chunk))})", (platform, *chunk))
            else:
                found = session.scalars(select(model).where(model.platform == platform, id_column.in_(chunk)))
            rows.update({(r.platform, getattr(r, id_column.key)): r for r in found})
    return rows


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


def erase(session: Session, row: PostRow, now: datetime) -> PostRow | None:
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
    row.tombstoned_at = now
    row.title, row.text, row.url, row.author = None, "", None, None
    row.terms, row.types, row.strategies, row.text_hash = {}, [], [], None
    row.tier, row.relevance_score = None, None
    row.duplicate_of, row.duplicate_kind, row.similarity = None, None, None
    erase_screenings(session, row.id)
    return copies[0] if copies else None
