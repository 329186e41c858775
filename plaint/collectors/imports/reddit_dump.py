"""Reddit archive dumps (Arctic Shift, the former Pushshift): NDJSON files of submissions or of
comments, plain or zstandard-compressed. They carry the API's own fields, so the API collector's
mappers serve them; they hold public subreddits only, which their route records."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import BadRecord
from plaint.collectors.reddit import map_comment, map_submission
from plaint.filters.tos import ARCHIVE_DUMP
from plaint.post import Kind, Post, Provenance, Visibility


def submission(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    if not record.get("id"):
        raise BadRecord("no id")
    return [map_submission(record, provenance)]


def comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    """A dumped comment on its own: its thread is known only by id, so it takes its NSFW and
    quarantine flags from the comment's own copy of them where the dump has them."""
    if not record.get("id") or not record.get("link_id"):
        raise BadRecord("no id or link_id")
    thread = Post(platform="reddit", native_id=str(record["link_id"]), kind=Kind.POST, provenance=provenance,
                  community=str(record.get("subreddit") or "") or None,
                  visibility=Visibility.QUARANTINED if record.get("quarantined") else Visibility.UNKNOWN,
                  nsfw=record.get("over_18"), locked=record.get("locked"), archived=record.get("archived"))
    return [map_comment(record, thread, provenance)]


FORMATS = [
    ImportFormat("reddit-dump-comments", "Reddit archive dump, comments (NDJSON, .zst)", "reddit", ("ndjson",),
                 lambda r: "body" in r and "link_id" in r and "subreddit" in r, comment, ARCHIVE_DUMP),
    ImportFormat("reddit-dump-submissions", "Reddit archive dump, submissions (NDJSON, .zst)", "reddit", ("ndjson",),
                 lambda r: "subreddit" in r and "title" in r and ("selftext" in r or "is_self" in r),
                 submission, ARCHIVE_DUMP),
]
