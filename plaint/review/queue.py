"""The screening queue of one reviewer: the review tier first, highest score first, then a
seeded sample of the complaint tier for quality control. Posts this reviewer decided are done.

The queue is read from the database on every call, so a rescore (after every N decisions)
re-ranks it at once, and two reviewers (or two pages) never hold stale copies of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from plaint.post import COMPLAINT, REVIEW
from plaint.sampling import sample
from plaint.storage.database import Database
from plaint.storage.models import PostRow
from plaint.storage.screenings import YES, decisions_of, latest_decisions

QUALITY_SAMPLE = 20  # complaint-tier posts a reviewer screens after the review tier, to check that tier
SEED = 0
RETRAIN_EVERY = 20  # decisions between two fits of the study model


@dataclass(frozen=True)
class Progress:
    screened: int  # this reviewer's decisions on posts still there
    left: int  # posts of the queue this reviewer has not decided
    confirmed: int  # of them, complaints
    since_complaint: int  # decisions since this reviewer's last complaint (all of them, if none)

    def hint(self) -> str:
        """A stopping hint in words (screening reviews stop after a long run without a find)."""
        if not self.screened:
            return "no decisions yet"
        if self.since_complaint == 0:
            return "the last decision found a complaint"
        if self.since_complaint == self.screened:
            return f"none of the {self.screened} decisions so far found a complaint"
        return f"the last {self.since_complaint} decisions found no complaint"


class Queue:
    def __init__(self, database: Database, reviewer: str, quality_sample: int = QUALITY_SAMPLE,
                 seed: int = SEED) -> None:
        self.database = database
        self.reviewer = reviewer
        self.quality_sample = quality_sample
        self.seed = seed

    def order(self) -> list[int]:
        """Every post of the queue, in the order it is screened."""
        live = PostRow.tombstoned_at.is_(None) & PostRow.duplicate_of.is_(None)
        by_score = (PostRow.relevance_score.desc(), PostRow.id)
        with self.database.session() as session:
            review = list(session.scalars(select(PostRow.id).where(live, PostRow.tier == REVIEW).order_by(*by_score)))
            complaint = list(session.execute(select(PostRow.id, PostRow.relevance_score)
                                             .where(live, PostRow.tier == COMPLAINT).order_by(PostRow.id)))
        chosen = sample(complaint, self.quality_sample, self.seed, identity=lambda row: f"{row[0]:012d}") \
            if self.quality_sample > 0 else []
        chosen.sort(key=lambda row: (-(row[1] or 0.0), row[0]))
        return review + [post_id for post_id, _ in chosen]

    def next(self) -> int | None:
        """The first post of the queue this reviewer has not decided."""
        done = decisions_of(self.database, self.reviewer)
        return next((post_id for post_id in self.order() if post_id not in done), None)

    def progress(self) -> Progress:
        done = decisions_of(self.database, self.reviewer)
        order = self.order()
        latest = latest_decisions(self.database, self.reviewer)
        since = next((i for i, decision in enumerate(latest) if decision == YES), len(latest))
        return Progress(screened=len(latest), left=sum(post_id not in done for post_id in order),
                        confirmed=sum(decision == YES for decision in latest), since_complaint=since)

    def post(self, post_id: int) -> dict[str, Any] | None:
        """What the page shows of a post (None if it is not there, or erased), with this
        reviewer's decision on it if any."""
        with self.database.session() as session:
            row = session.get(PostRow, post_id)
            if row is None or row.tombstoned_at is not None:
                return None
            shown = {"id": row.id, "platform": row.platform, "native_id": row.native_id, "community": row.community,
                     "kind": row.kind, "created_at": row.created_at.isoformat() if row.created_at else None,
                     "title": row.title, "text": row.text, "url": row.url, "language": row.language, "tier": row.tier,
                     "score": None if row.relevance_score is None else round(row.relevance_score, 4),
                     "types": list(row.types), "strategies": list(row.strategies),
                     "terms": sorted({term for code, terms in (row.terms or {}).items() if code != "community"
                                      for term in terms}, key=lambda term: (-len(term), term))}
        decision = decisions_of(self.database, self.reviewer).get(post_id)
        shown["decision"] = None if decision is None else {
            "decision": decision.decision, "types": decision.types, "strategies": decision.strategies,
            "note": decision.note}
        return shown
