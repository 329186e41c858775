"""`plaint agreement`: how far two reviewers agree, as Cohen's kappa, and where they do not.

Kappa is computed on the posts both screened: for relevance over their three decisions
(complaint, not, unsure), and for each code over the posts both called a complaint (a code is
given only to a complaint), present or absent. The disagreements are listed for the reviewers to
discuss, as the study resolved its codes; a changed decision replaces the reviewer's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import ConfigError
from plaint.storage.database import Database
from plaint.storage.screenings import YES, all_decisions, reviewers


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' labels of the same items: (observed - expected agreement) /
    (1 - expected). None when it is undefined (no items, or both gave every item one label)."""
    if len(first) != len(second):
        raise ValueError("two raters' labels of the same items")
    if not first:
        return None
    total = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / total
    left, right = Counter(first), Counter(second)
    expected = sum(left[label] * right[label] for label in left) / total ** 2
    return None if expected == 1 else (observed - expected) / (1 - expected)


@dataclass
class Agreement:
    reviewers: tuple[str, str]
    both: int  # posts both screened
    relevance: float | None
    codes: dict[str, tuple[int, float | None]] = field(default_factory=dict)  # code -> (posts, kappa)
    disagreements: list[dict[str, Any]] = field(default_factory=list)


def agreement(database: Database, first: str, second: str) -> Agreement:
    known = reviewers(database)
    for name in (first, second):
        if name not in known:
            raise ConfigError(f"no decisions by reviewer {name!r}; reviewers here: {', '.join(known) or 'none yet'}")
    if first == second:
        raise ConfigError("name two different reviewers")
    by: dict[str, dict[int, tuple[str, set[str]]]] = {first: {}, second: {}}
    for post_id, reviewer, decision, types, strategies in all_decisions(database):
        if reviewer in by:
            by[reviewer][post_id] = (decision, set(types) | set(strategies))
    shared = sorted(set(by[first]) & set(by[second]))
    a, b = ([by[name][post][0] for post in shared] for name in (first, second))
    result = Agreement((first, second), len(shared), cohen_kappa(a, b))
    complaints = [post for post in shared if by[first][post][0] == by[second][post][0] == YES]
    for code in (*TYPE_CODES, *STRATEGY_CODES):
        result.codes[code] = (len(complaints), cohen_kappa([code in by[first][p][1] for p in complaints],
                                                           [code in by[second][p][1] for p in complaints]))
    for post in shared:
        (one, one_codes), (other, other_codes) = by[first][post], by[second][post]
        if one != other or (one == YES and one_codes != other_codes):
            result.disagreements.append({"post": post, first: one, second: other,
                                         f"{first}_codes": sorted(one_codes - other_codes),
                                         f"{second}_codes": sorted(other_codes - one_codes)})
    return result
