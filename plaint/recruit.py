"""Candidate participants: the authors of kept posts whom the study may invite to an interview.

Never listed: posts without an author, authors of a locked thread (its moderators closed it),
authors who stated they are under 18, and posts erased because they left public view.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from plaint.storage.database import Database
from plaint.storage.readout import authors_with_posts


@dataclass(frozen=True)
class Candidate:
    platform: str
    handle: str
    profile_url: str | None
    posts: int
    types: list[str]
    strategies: list[str]
    latest_post_at: datetime | None
    latest_post_url: str | None

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["latest_post_at"] = self.latest_post_at.isoformat() if self.latest_post_at else None
        return row


def list_candidates(database: Database) -> list[Candidate]:
    """One row per contactable author, most posts first."""
    candidates = []
    for author, posts in authors_with_posts(database):
        if author.stated_minor or any(post.no_contact for post in posts):
            continue
        latest = max(posts, key=lambda p: (p.created_at is not None, p.created_at or datetime.min, p.id))
        candidates.append(Candidate(
            platform=author.platform,
            handle=author.handle,
            profile_url=author.profile_url,
            posts=len(posts),
            types=sorted({code for post in posts for code in post.types}),
            strategies=sorted({code for post in posts for code in post.strategies}),
            latest_post_at=latest.created_at,
            latest_post_url=latest.url,
        ))
    candidates.sort(key=lambda c: (-c.posts, c.platform, c.handle.lower()))
    return candidates
