"""`plaint rescore`: the screening model's tiers for the posts already stored.

Posts stored before the screening model have no tier, and a new model or new thresholds move
posts between tiers. A post the model now drops stays stored, in the `dropped` tier, out of the
corpus and the candidate list: nothing is deleted, and the next rescore may bring it back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from plaint.filters.relevance import Screen
from plaint.post import DROPPED
from plaint.storage.database import Database
from plaint.storage.readout import UNSCORED
from plaint.storage.tiers import save_tiers, stored_texts


@dataclass
class RescoreResult:
    scored: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)  # (tier before, tier now) -> posts


def rescore(database: Database, screen: Screen, progress: Callable[[int], None] | None = None) -> RescoreResult:
    result = RescoreResult()
    for batch in stored_texts(database):
        updates = []
        for post in batch:
            judgement = screen.judge(post.text, post.title, post.platform, post.community)
            tags = judgement.tags
            tier = judgement.tier if judgement.kept else DROPPED
            updates.append({"id": post.id, "tier": tier, "relevance_score": judgement.score, "types": tags.types,
                            "strategies": tags.strategies, "terms": tags.terms})
            result.moves[(post.tier or UNSCORED, tier)] += 1
        save_tiers(database, updates)
        result.scored += len(batch)
        if progress is not None:
            progress(len(batch))
    return result
