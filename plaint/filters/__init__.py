"""Filters: each takes a Post and returns a Verdict with a reason. They know no wire formats.

The chain runs cheapest first (terms of service, relevance, language); the first filter that drops
a post decides its reason, and langdetect runs only on what survived the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from plaint.post import Post


@dataclass(frozen=True)
class Verdict:
    """A filter's answer. `notes` carry what the filter learned (tags, language, contact limits);
    `notes["counted"]`, (stage, outcome) pairs the run counts besides the verdict's reason."""

    keep: bool
    reason: str
    notes: dict[str, Any] = field(default_factory=dict)


class Filter(Protocol):
    name: str

    def check(self, post: Post) -> Verdict: ...
