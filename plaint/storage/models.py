"""The tables: posts, authors, queries, runs and per-run counts, screening decisions and the study's
model (SQLAlchemy 2.0 declarative)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (SQLite has no zones), always read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("plaint stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    # RUF012 does not apply: SQLAlchemy reads this class attribute.
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012


class AuthorRow(Base):
    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(255))
    platform_id: Mapped[str | None] = mapped_column(String(255))
    profile_url: Mapped[str | None] = mapped_column(Text)
    # Set when the author says of themselves they are under 18: never a candidate, whatever else.
    stated_minor: Mapped[bool] = mapped_column(default=False)
    # Set when a post of theirs was deleted or hidden on the platform: they are not contacted.
    deleted_content: Mapped[bool] = mapped_column(default=False)
    # new | invited | replied | agreed | declined | do-not-contact (history in contact_events)
    contact_status: Mapped[str] = mapped_column(String(16), default="new")
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]

    posts: Mapped[list[PostRow]] = relationship(back_populates="author")


class PostRow(Base):
    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("platform", "native_id"), Index("ix_posts_text_hash", "text_hash"),
                      Index("ix_posts_tier", "tier"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    native_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    community: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    created_at: Mapped[datetime | None]
    score: Mapped[int | None]
    num_comments: Mapped[int | None]
    visibility: Mapped[str] = mapped_column(String(16))
    nsfw: Mapped[bool | None]
    locked: Mapped[bool | None]
    archived: Mapped[bool | None]
    missing: Mapped[list[str]] = mapped_column(default=list)
    # What the filters said: language, suggested codes, the terms that fired, any contact limit.
    language: Mapped[str | None] = mapped_column(String(8))
    types: Mapped[list[str]] = mapped_column(default=list)
    strategies: Mapped[list[str]] = mapped_column(default=list)
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    no_contact: Mapped[str | None] = mapped_column(String(64))
    # The screening model's tier (complaint | review) and score; None for posts stored before it,
    # until `plaint rescore`.
    tier: Mapped[str | None] = mapped_column(String(16))
    relevance_score: Mapped[float | None]
    # The same text seen before under another id: this row is a copy of that one, exactly or
    # nearly (character 4-gram Jaccard >= 0.8), and how similar it is.
    text_hash: Mapped[str | None] = mapped_column(String(64))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    duplicate_kind: Mapped[str | None] = mapped_column(String(8))  # exact | near
    similarity: Mapped[float | None]
    # MinHash signature of an original's text (120 x uint32): candidates are screened with it
    # before their texts are compared exactly.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Provenance.
    route: Mapped[str] = mapped_column(String(32))
    query: Mapped[str | None] = mapped_column(Text)
    request_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    tool_version: Mapped[str] = mapped_column(String(32))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    first_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    # Deleted or made private on the platform: content and author are gone, the key stays so the
    # post is never collected again.
    tombstoned_at: Mapped[datetime | None]

    author: Mapped[AuthorRow | None] = relationship(back_populates="posts")


class ContactEventRow(Base):
    """One change of an author's contact status. `author_key` is the author's keyed pseudonym, so
    the history outlives a purge of the author's row without naming them."""

    __tablename__ = "contact_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id", ondelete="SET NULL"))
    author_key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class DoNotContactRow(Base):
    """Authors who must never be listed again, by keyed pseudonym: survives any purge."""

    __tablename__ = "do_not_contact"

    author_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    added_at: Mapped[datetime]
    # The pseudonym key's check (Pseudonymiser.check) when the author was listed; None for rows
    # listed before plaint kept it.
    key_check: Mapped[str | None] = mapped_column(String(64))


class ForgottenAuthorRow(Base):
    """Authors who asked to be forgotten (`plaint forget`), by keyed pseudonym: a later post of
    theirs is stored without them. Survives any purge, as the do-not-contact list does."""

    __tablename__ = "forgotten_authors"

    author_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The pseudonym of a fixed text under the key the author was forgotten with: a run under
    # another key could not recognise them, and is refused. None for authors forgotten before
    # plaint kept it (migration 0003).
    key_check: Mapped[str | None] = mapped_column(String(64))
    forgotten_at: Mapped[datetime]


class PostBandRow(Base):
    """MinHash LSH band keys of a post's text: posts sharing a key are near-duplicate candidates."""

    __tablename__ = "post_bands"
    # RUF012 does not apply: SQLAlchemy reads this class attribute.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012  # the table is its key (migration 0002)

    # Key first: lookups are `key IN (...)`, which every database serves from the primary key
    # (SQLite scans the table for a row-value `(band, key) IN (...)`).
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    band: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), primary_key=True)


class QueryRow(Base):
    __tablename__ = "queries"
    __table_args__ = (UniqueConstraint("platform", "scope", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    first_used: Mapped[datetime]
    last_used: Mapped[datetime]
    last_results: Mapped[int] = mapped_column(Integer, default=0)
    # The newest post a completed search saw: where the next run's search may stop.
    newest_seen: Mapped[datetime | None]


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    command: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|ok|partial|failed
    platforms: Mapped[dict[str, Any]] = mapped_column(default=dict)  # platform -> {status, detail}
    warnings: Mapped[list[str]] = mapped_column(default=list)
    tool_version: Mapped[str] = mapped_column(String(32))


class RunCountRow(Base):
    """How many posts one stage of one run kept or dropped, and why, per source (a platform when
    scraping, a file when importing)."""

    __tablename__ = "run_counts"
    __table_args__ = (UniqueConstraint("run_id", "source", "stage", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    source: Mapped[str] = mapped_column(String(1024))
    stage: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(default=0)


class ScreeningRow(Base):
    """One reviewer's decision on one post (`plaint review`, or a filled spreadsheet): a later
    decision by the same reviewer replaces theirs. Erasing the post erases the note and codes."""

    __tablename__ = "screenings"
    __table_args__ = (UniqueConstraint("post_id", "reviewer"),
                      Index("ix_screenings_reviewer", "reviewer", "decided_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    reviewer: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))  # complaint | not | unsure
    # The codes as the reviewer confirmed them (the lexicons' suggestions, changed or kept).
    types: Mapped[list[str]] = mapped_column(default=list)
    strategies: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16), default="page")  # page | spreadsheet


class StudyModelRow(Base):
    """The screening model fitted on this database's decisions (plaint/screening/study.py): its
    arrays as a numpy .npz (read with pickling refused) and its card. Only the newest is kept."""

    __tablename__ = "study_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    fitted_at: Mapped[datetime]
    arrays: Mapped[bytes] = mapped_column(LargeBinary)
    card: Mapped[dict[str, Any]] = mapped_column(default=dict)
