"""What a sighting of a post writes: a first sighting's column values, and what a later one
changes. Seeing a post again is a policy, not an accident: fields the platform filled refresh,
an empty field never overwrites a filled one, and the filters' annotations are the latest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from plaint.post import Annotations, Post

# Fields a re-sighting may refresh; None or "" in the new copy never replaces a stored value.
MERGED = ("url", "parent_id", "thread_id", "community", "title", "text", "created_at", "score",
          "num_comments", "visibility", "nsfw", "locked", "archived")


def changes(current: Callable[[str], Any], post: Post, notes: Annotations, author_id: int | None) -> dict[str, Any]:
    """What a re-sighting changes in a stored post (`current` reads its stored values): fields the
    platform filled refresh, empty ones never overwrite; the filters' annotations are the latest."""
    changed: dict[str, Any] = {}
    for name in MERGED:
        value = getattr(post, name)
        value = getattr(value, "value", value)  # enums are stored by value
        if value is not None and value != "" and current(name) != value:
            changed[name] = value
    annotations = {"language": notes.language, "types": notes.types, "strategies": notes.strategies,
                   "terms": notes.terms, "no_contact": notes.no_contact, "tier": notes.tier,
                   "relevance_score": notes.score}
    changed.update({name: value for name, value in annotations.items() if current(name) != value})
    if current("author_id") is None and author_id is not None:
        changed["author_id"] = author_id
    return changed


def text_changed(changed: dict[str, Any]) -> bool:
    """Whether a re-sighting changed what the copy check reads (the text hash and band keys
    depend on title and text alone)."""
    return "title" in changed or "text" in changed


def new_row(post: Post, notes: Annotations, author_id: int | None, text_hash: str | None, run_id: int,
            when: datetime) -> dict[str, Any]:
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
        "text_hash": text_hash, "duplicate_of": None, "duplicate_kind": None, "similarity": None, "minhash": None,
        "route": provenance.route, "query": provenance.query,
        "request_url": provenance.request_url, "fetched_at": provenance.fetched_at,
        "tool_version": provenance.tool_version, "first_seen": when, "last_seen": when, "first_run_id": run_id,
        "last_run_id": run_id, "tombstoned_at": None,
    }
