"""The one record shape that flows from every collector to storage.

A collector maps what a platform sent into a `Post`. Where the platform did not say something
(an old Reddit listing has no `subreddit_type`, a TikTok comment has no author), the field stays
`None` and its name goes into `Post.missing`, so nothing downstream mistakes a gap for a fact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from plaint import __version__

if TYPE_CHECKING:
    from plaint.identity import TextIdentity


class Kind(str, Enum):  # noqa: UP042 - a StrEnum's str() differs, and the values are stored
    POST = "post"
    COMMENT = "comment"
    VIDEO = "video"
    NOTE = "note"
    ANSWER = "answer"


class Visibility(str, Enum):  # noqa: UP042 - a StrEnum's str() differs, and the values are stored
    """Who can read the record on the platform, as far as the platform told us."""

    PUBLIC = "public"
    PRIVATE = "private"
    QUARANTINED = "quarantined"
    UNKNOWN = "unknown"


# Where relevance puts a post (filters/relevance.py): a complaint, one for a person to review, or
# dropped. Storage, candidates and exports name tiers by these words.
COMPLAINT, REVIEW, DROPPED = "complaint", "review", "dropped"
TIERS = (COMPLAINT, REVIEW)  # the tiers that are kept


@dataclass(frozen=True)
class Author:
    """The account that wrote a post, as the platform names it."""

    platform: str
    handle: str
    platform_id: str | None = None
    profile_url: str | None = None


@dataclass(frozen=True)
class Provenance:
    """How a record was obtained: route, query, request and time, and which plaint did it."""

    route: str
    query: str | None = None
    request_url: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    tool_version: str = __version__


@dataclass
class Post:
    platform: str
    native_id: str
    kind: Kind
    provenance: Provenance
    url: str | None = None
    parent_id: str | None = None
    thread_id: str | None = None
    community: str | None = None
    title: str | None = None
    text: str = ""
    author: Author | None = None
    created_at: datetime | None = None
    score: int | None = None
    num_comments: int | None = None
    visibility: Visibility = Visibility.UNKNOWN
    deleted: bool = False
    removed: bool = False
    nsfw: bool | None = None
    locked: bool | None = None
    archived: bool | None = None
    missing: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        """The identity of a post across runs: unique per platform."""
        return (self.platform, self.native_id)

    @property
    def full_text(self) -> str:
        """Title and body together, the text that filters read."""
        return "\n".join(part for part in (self.title, self.text) if part)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enums as values, datetimes as ISO 8601)."""
        return _jsonable(dataclasses.asdict(self))


@dataclass(frozen=True)
class Annotations:
    """What the filters concluded about a kept post, on its way to storage."""

    language: str | None = None
    types: list[str] = field(default_factory=list)
    strategies: list[str] = field(default_factory=list)
    terms: dict[str, Any] = field(default_factory=dict)
    no_contact: str | None = None
    tier: str | None = None  # complaint | review: where the screening model put the post
    score: float | None = None  # the screening model's score
    # The text's copy identity, when the caller computed it already (an import's worker
    # processes do); storage computes it otherwise.
    identity: TextIdentity | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
