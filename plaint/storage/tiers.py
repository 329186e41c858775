"""Reading stored posts for the screening model, and writing back the tiers it gives them
(`plaint rescore`): the posts of the corpus in batches, each batch's new tiers in one transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from plaint.storage import chunks
from plaint.storage.database import Database
from plaint.storage.models import PostRow


@dataclass(frozen=True)
class StoredText:
    id: int
    platform: str
    community: str | None
    title: str | None
    text: str
    tier: str | None


def stored_texts(database: Database, batch: int = 500) -> Iterator[list[StoredText]]:
    """Every stored post that is not erased, in batches, in id order (copies included: a copy
    keeps its own tier, for when its original is erased)."""
    last = 0
    while True:
        with database.session() as session:
            rows = session.execute(
                select(PostRow.id, PostRow.platform, PostRow.community, PostRow.title, PostRow.text, PostRow.tier)
                .where(PostRow.tombstoned_at.is_(None), PostRow.id > last).order_by(PostRow.id).limit(batch)).all()
        if not rows:
            return
        yield [StoredText(*row) for row in rows]
        last = rows[-1][0]


def texts_of(database: Database, ids: Sequence[int]) -> list[StoredText]:
    """The stored posts with these ids that are not erased, in id order (the posts the study
    model is fitted on)."""
    found: list[StoredText] = []
    with database.session() as session:
        for chunk in chunks(sorted(set(ids))):
            found.extend(StoredText(*row) for row in session.execute(
                select(PostRow.id, PostRow.platform, PostRow.community, PostRow.title, PostRow.text, PostRow.tier)
                .where(PostRow.tombstoned_at.is_(None), PostRow.id.in_(chunk))))
    return sorted(found, key=lambda text: text.id)


def save_tiers(database: Database, updates: Sequence[dict[str, Any]]) -> None:
    """New tiers, scores and suggested codes, by post id (keys: id, tier, relevance_score, types,
    strategies, terms), in one transaction."""
    if not updates:
        return
    with database.session() as session, session.begin():
        session.execute(update(PostRow), list(updates))
