"""Screening decisions as rows: who decided what about which post, the screening status of a
post that follows from them, and the study model fitted on them (stored as bytes and a card).

A post's screening status (one rule, in SQL, so every count, list and export agrees):

| status       | when                                                        |
|--------------|-------------------------------------------------------------|
| `confirmed`  | a reviewer said complaint, and none said not                |
| `rejected`   | a reviewer said not, and none said complaint                |
| `disputed`   | one reviewer said complaint and another said not: never a candidate nor exported until one of them changes their decision (`plaint agreement` lists these) |
| `unsure`     | only unsure decisions                                       |
| `auto`       | the complaint tier, not screened                            |
| `unscreened` | the review tier, not screened                               |

Posts of no kept tier (dropped, or stored before the model) that nobody screened have none.
Each reviewer has one decision per post: a later one replaces theirs.
"""  # noqa: E501 - a Markdown table row cannot be wrapped

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, delete, exists, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import ConfigError
from plaint.post import COMPLAINT, REVIEW
from plaint.storage import chunks
from plaint.storage.database import Database
from plaint.storage.models import PostRow, ScreeningRow, StudyModelRow

# What a reviewer can decide of a post.
YES, NO, UNSURE = "complaint", "not", "unsure"
DECISIONS = (YES, NO, UNSURE)
# The screening status of a post.
CONFIRMED, REJECTED, DISPUTED, UNDECIDED, AUTO, UNSCREENED = (
    "confirmed", "rejected", "disputed", "unsure", "auto", "unscreened")
STATUSES = (CONFIRMED, REJECTED, DISPUTED, UNDECIDED, AUTO, UNSCREENED)
# Which statuses candidates and exports take: by default what a person confirmed and the
# complaint tier nobody has screened; --confirmed-only only the first; --include-review adds
# what still waits for a person (the review tier unscreened, and posts a reviewer was unsure of).
DEFAULT = (CONFIRMED, AUTO)
CONFIRMED_ONLY = (CONFIRMED,)
WITH_REVIEW = (CONFIRMED, AUTO, UNSCREENED, UNDECIDED)
REVIEWER_LENGTH = 64


def selection(confirmed_only: bool = False, include_review: bool = False) -> tuple[str, ...]:
    """The statuses `--confirmed-only` or `--include-review` (or neither) stand for."""
    if confirmed_only and include_review:
        raise ConfigError("--confirmed-only and --include-review pull opposite ways; choose one")
    return CONFIRMED_ONLY if confirmed_only else WITH_REVIEW if include_review else DEFAULT


def status_expression() -> ColumnElement[Any]:
    """The screening status of the posts row in the enclosing query (NULL for posts of no kept
    tier that nobody screened)."""

    def said(decision: str | None = None) -> ColumnElement[bool]:
        query = select(literal(1)).where(ScreeningRow.post_id == PostRow.id)
        return exists(query if decision is None else query.where(ScreeningRow.decision == decision))

    yes, no = said(YES), said(NO)
    return case((yes & no, DISPUTED), (yes, CONFIRMED), (no, REJECTED), (said(), UNDECIDED),
                (PostRow.tier == COMPLAINT, AUTO), (PostRow.tier == REVIEW, UNSCREENED), else_=None)


def check_reviewer(name: str | None) -> str:
    """A reviewer's name as stored: trimmed, not empty, at most 64 characters."""
    name = (name or "").strip()
    if not name:
        raise ConfigError("name the reviewer (--reviewer NAME): decisions are recorded by who made them")
    if len(name) > REVIEWER_LENGTH:
        raise ConfigError(f"--reviewer {name[:20]!r}...: a reviewer's name is at most {REVIEWER_LENGTH} characters")
    return name


@dataclass(frozen=True)
class Decision:
    """What one reviewer decided of one post, with the codes as they confirmed them."""

    post_id: int
    reviewer: str
    decision: str
    types: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    note: str | None = None

    def problem(self) -> str | None:
        """What is wrong with the decision, in words for the person who made it; None if nothing."""
        if self.decision not in DECISIONS:
            return f"decision {self.decision!r}: use complaint, not or unsure"
        for values, codes, what in ((self.types, TYPE_CODES, "type"), (self.strategies, STRATEGY_CODES, "strategy")):
            unknown = [value for value in values if value not in codes]
            if unknown:
                return f"unknown {what} {unknown[0]!r}; use {', '.join(codes)}"
        return None


def record(database: Database, decisions: Sequence[Decision], source: str = "page") -> None:
    """Store decisions in one transaction, each replacing its reviewer's earlier one on that post.
    A `not` keeps no codes: codes describe a complaint."""
    now = datetime.now(UTC)
    for attempt in range(2):  # two pages deciding the same post at once: the second insert retries as an update
        try:
            with database.session() as session, session.begin():
                for decision in decisions:
                    _upsert(session, decision, source, now)
            return
        except IntegrityError:
            if attempt:
                raise


def _upsert(session: Session, decision: Decision, source: str, now: datetime) -> None:
    problem = decision.problem()
    if problem:
        raise ConfigError(problem)
    coded = decision.decision != NO
    values = {"decision": decision.decision, "note": decision.note or None, "decided_at": now, "source": source,
              "types": _ordered(decision.types, TYPE_CODES) if coded else [],
              "strategies": _ordered(decision.strategies, STRATEGY_CODES) if coded else []}
    row = session.scalar(select(ScreeningRow).where(ScreeningRow.post_id == decision.post_id,
                                                    ScreeningRow.reviewer == decision.reviewer))
    if row is None:
        session.add(ScreeningRow(post_id=decision.post_id, reviewer=decision.reviewer, **values))
        session.flush()
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _ordered(values: Iterable[str], codes: Sequence[str]) -> list[str]:
    return sorted(set(values), key=codes.index)


def erase_screenings(session: Session, post_id: int) -> None:
    """A post erased (deleted on its platform, swept, its author forgotten): its screenings keep
    the decision, for the counts, but lose the note and codes, which may quote or describe it."""
    session.execute(update(ScreeningRow).where(ScreeningRow.post_id == post_id)
                    .values(note=None, types=[], strategies=[]))


def live_posts(database: Database, ids: Iterable[int]) -> dict[int, bool]:
    """Of these post ids, the stored ones, each with whether it is still there (not erased)."""
    found: dict[int, bool] = {}
    with database.session() as session:
        for chunk in chunks(sorted(set(ids))):
            found.update({post_id: erased is None for post_id, erased in session.execute(
                select(PostRow.id, PostRow.tombstoned_at).where(PostRow.id.in_(chunk)))})
    return found


@dataclass(frozen=True)
class Screened:
    """A post's screening as the corpus and the candidate list read it."""

    status: str | None
    types: tuple[str, ...] = ()  # confirmed codes: those of the reviewers who said complaint
    strategies: tuple[str, ...] = ()


def confirmed_codes(session: Session) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Post id -> the types and strategies its complaint decisions confirmed (all reviewers'
    together), for every post someone said was a complaint."""
    types: dict[int, set[str]] = {}
    strategies: dict[int, set[str]] = {}
    for post_id, chosen_types, chosen_strategies in session.execute(
            select(ScreeningRow.post_id, ScreeningRow.types, ScreeningRow.strategies)
            .where(ScreeningRow.decision == YES)):
        types.setdefault(post_id, set()).update(chosen_types or ())
        strategies.setdefault(post_id, set()).update(chosen_strategies or ())
    return {post_id: (tuple(_ordered(codes, TYPE_CODES)), tuple(_ordered(strategies[post_id], STRATEGY_CODES)))
            for post_id, codes in types.items()}


def screened(status: str | None, codes: dict[int, tuple[tuple[str, ...], tuple[str, ...]]], post_id: int) -> Screened:
    """The Screened of a post, its codes only when it is confirmed."""
    if status != CONFIRMED:
        return Screened(status)
    types, strategies = codes.get(post_id, ((), ()))
    return Screened(status, types, strategies)


@dataclass(frozen=True)
class ReviewerDecision:
    post_id: int
    decision: str
    types: list[str]
    strategies: list[str]
    note: str | None
    decided_at: datetime


def decisions_of(database: Database, reviewer: str) -> dict[int, ReviewerDecision]:
    """This reviewer's decisions, by post id."""
    with database.session() as session:
        return {row.post_id: ReviewerDecision(row.post_id, row.decision, list(row.types), list(row.strategies),
                                              row.note, row.decided_at)
                for row in session.scalars(select(ScreeningRow).where(ScreeningRow.reviewer == reviewer))}


def latest_decisions(database: Database, reviewer: str) -> list[str]:
    """This reviewer's decisions, newest first (for the stopping hint)."""
    with database.session() as session:
        return list(session.scalars(select(ScreeningRow.decision).where(ScreeningRow.reviewer == reviewer)
                                    .order_by(ScreeningRow.decided_at.desc(), ScreeningRow.id.desc())))


def all_decisions(database: Database) -> list[tuple[int, str, str, list[str], list[str]]]:
    """(post id, reviewer, decision, types, strategies) of every decision on a post still there."""
    with database.session() as session:
        return [(post_id, reviewer, decision, list(types), list(strategies))
                for post_id, reviewer, decision, types, strategies in session.execute(
                    select(ScreeningRow.post_id, ScreeningRow.reviewer, ScreeningRow.decision, ScreeningRow.types,
                           ScreeningRow.strategies).join(PostRow, PostRow.id == ScreeningRow.post_id)
                    .where(PostRow.tombstoned_at.is_(None)).order_by(ScreeningRow.post_id, ScreeningRow.reviewer))]


def decision_count(database: Database) -> int:
    """Every decision stored, by anyone (the study model is fitted again every N of them)."""
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(ScreeningRow)) or 0)


def labelled_posts(database: Database) -> list[tuple[int, bool]]:
    """(post id, complaint?) of the posts still there that are confirmed or rejected: what the
    study model is fitted on (unsure and disputed posts are left out)."""
    status = status_expression()
    with database.session() as session:
        return [(post_id, found == CONFIRMED) for post_id, found in session.execute(
            select(PostRow.id, status).where(PostRow.tombstoned_at.is_(None), status.in_((CONFIRMED, REJECTED)))
            .order_by(PostRow.id))]


def status_counts(database: Database) -> dict[str, int]:
    """Posts of the corpus (not erased, each text once) per screening status."""
    status = status_expression()
    with database.session() as session:
        return {found: int(n) for found, n in session.execute(
            select(status, func.count()).where(PostRow.tombstoned_at.is_(None), PostRow.duplicate_of.is_(None))
            .group_by(status)) if found is not None}


def reviewers(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(ScreeningRow.reviewer).distinct().order_by(ScreeningRow.reviewer)))


def save_study_model(database: Database, arrays: bytes, card: dict[str, Any]) -> None:
    """Keep this study model, in place of any earlier one."""
    with database.session() as session, session.begin():
        session.execute(delete(StudyModelRow))
        session.add(StudyModelRow(fitted_at=datetime.now(UTC), arrays=arrays, card=card))


def load_study_model(database: Database) -> tuple[bytes, dict[str, Any]] | None:
    with database.session() as session:
        row = session.scalar(select(StudyModelRow).order_by(StudyModelRow.id.desc()).limit(1))
        return None if row is None else (row.arrays, dict(row.card))

