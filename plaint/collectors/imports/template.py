"""plaint's own template for posts gathered by hand: CSV or JSONL with the columns below.

`platform` and a `text` or a `title` are required (an image or link post has only a title). A
post needs an id to be recognised when imported again: `native_id`, else its `url`, else a hash
of platform and text (or title, when there is no text). Times without a zone are read as UTC. By
filling a row the researcher states the post is public; `visibility` can say otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC
from typing import Any

from plaint import platforms
from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import (
    NO_TEXT,
    BadRecord,
    count,
    flag,
    prose,
    required,
    text,
    timestamp,
    without_query,
)
from plaint.post import Author, Kind, Post, Provenance, Visibility

COLUMNS = ("platform", "url", "native_id", "kind", "community", "title", "text", "author", "author_id",
           "author_url", "created_at", "parent_id", "score", "num_comments", "visibility", "nsfw", "locked")
EXAMPLE = {
    "platform": "xiaohongshu", "url": "https://www.xiaohongshu.com/explore/0000example", "native_id": "",
    "kind": "note", "community": "", "title": "AI男友说女生就该听话",
    "text": "在星野里聊天，AI男友说女生就该在家带孩子。我重新生成了好几次才正常一点。", "author": "example_user",
    "author_id": "", "author_url": "", "created_at": "2026-10-02T21:14:00+08:00", "parent_id": "", "score": "12",
    "num_comments": "3", "visibility": "public", "nsfw": "false", "locked": "false",
}
_VISIBILITY = {v.value: v for v in Visibility}
_KINDS = {k.value: k for k in Kind}


def template(fmt: str) -> str:
    """An empty template with its header and one example row."""
    if fmt == "jsonl":
        return json.dumps(EXAMPLE, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(EXAMPLE)
    return out.getvalue()


def hand_post(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    platform = required(record, "platform").strip().lower()
    if platforms.get(platform) is None:
        raise BadRecord(f"platform {platform!r} is not one of {', '.join(platforms.names())}")
    body, title = prose(record, "text"), prose(record, "title")
    if not body.strip() and not title.strip():
        raise BadRecord(NO_TEXT)
    url = text(record, "url")
    # A post with a title and no body (an image or link post) is keyed by its title too; one with
    # a body by the body alone, as before, so posts imported earlier keep their keys.
    native_id = text(record, "native_id") or without_query(url) or (
        "sha1:" + hashlib.sha1(f"{platform}\x1f{body or title}".encode()).hexdigest())
    kind = text(record, "kind").lower() or "post"
    if kind not in _KINDS:
        raise BadRecord(f"kind {kind!r} is not one of {', '.join(_KINDS)}")
    visibility = text(record, "visibility").lower() or "public"
    if visibility not in _VISIBILITY:
        raise BadRecord(f"visibility {visibility!r} is not one of {', '.join(_VISIBILITY)}")
    handle = text(record, "author")
    return [Post(
        platform=platform, native_id=native_id, kind=_KINDS[kind], provenance=provenance, url=url or None,
        parent_id=text(record, "parent_id") or None, community=text(record, "community") or None,
        title=title or None, text=body,
        author=Author(platform, handle, text(record, "author_id") or None, text(record, "author_url") or None)
        if handle else None,
        created_at=timestamp(record, "created_at", local=UTC), score=count(record, "score"),
        num_comments=count(record, "num_comments"), visibility=_VISIBILITY[visibility],
        nsfw=flag(record, "nsfw"), locked=flag(record, "locked"),
    )]


FORMATS = [
    ImportFormat("plaint-template", "plaint's template (CSV or JSONL) for posts gathered by hand", "any",
                 ("ndjson", "csv", "json"), lambda r: "platform" in r and ("text" in r or "title" in r), hand_post),
]
