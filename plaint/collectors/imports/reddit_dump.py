"""Reddit archive dumps (Arctic Shift, the former Pushshift): NDJSON files of submissions or of
comments, plain or zstandard-compressed. They carry the API's own fields, so the API collector's
mappers serve them; they hold public subreddits only, which their route records."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import BadRecord
from plaint.collectors.reddit import map_lone_comment, map_submission
from plaint.platforms import ARCHIVE_DUMP
from plaint.post import Post, Provenance


def submission(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    if not record.get("id"):
        raise BadRecord("no id")
    return [map_submission(record, provenance)]


def comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    if not record.get("id") or not record.get("link_id"):
        raise BadRecord("no id or link_id")
    return [map_lone_comment(record, provenance)]


FORMATS = [
    ImportFormat("reddit-dump-comments", "Reddit archive dump, comments (NDJSON, .zst)", "reddit", ("ndjson",),
                 lambda r: "body" in r and "link_id" in r and "subreddit" in r, comment, ARCHIVE_DUMP),
    ImportFormat("reddit-dump-submissions", "Reddit archive dump, submissions (NDJSON, .zst)", "reddit", ("ndjson",),
                 lambda r: "subreddit" in r and "title" in r and ("selftext" in r or "is_self" in r),
                 submission, ARCHIVE_DUMP),
]
