"""Zeeschuimer captures (the browser extension researchers use with 4CAT): one JSON object per line,
`source_platform` naming the platform and `data` holding the web app's own item."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import BadRecord, count, prose, required, text, timestamp
from plaint.platforms.xiaohongshu import note_url
from plaint.post import Author, Kind, Post, Provenance, Visibility


def _envelope(record: dict[str, Any], platform_word: str) -> bool:
    return isinstance(record.get("data"), dict) and platform_word in str(record.get("source_platform", "")).lower()


def tiktok_item(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    item = record["data"]
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    video_id = required(item, "id")
    handle = text(author, "uniqueId")
    private = bool(item.get("privateItem")) or bool(item.get("secret")) or bool(author.get("privateAccount"))
    stats = item.get("stats") if isinstance(item.get("stats"), dict) else {}
    return [Post(
        platform="tiktok", native_id=video_id, kind=Kind.VIDEO, provenance=provenance,
        url=f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle else None,
        text=prose(item, "desc"),
        author=Author("tiktok", handle, text(author, "id") or None, f"https://www.tiktok.com/@{handle}")
        if handle else None,
        created_at=timestamp(item, "createTime"), score=count(stats, "diggCount"),
        num_comments=count(stats, "commentCount"),
        visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
        missing=tuple(name for name in ("author", "stats", "createTime") if name not in item),
    )]


def xiaohongshu_item(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    """A RedNote/Xiaohongshu note: a search result (`note_card`) or a note detail."""
    item = record["data"]
    note = item.get("note_card") or item.get("note") or item
    if not isinstance(note, dict):
        raise BadRecord("data has no note")
    note_id = text(item, "id", "note_id", "noteId") or text(note, "note_id", "noteId", "id")
    if not note_id:
        raise BadRecord("no note id")
    user: dict[str, Any] = note["user"] if isinstance(note.get("user"), dict) else {}
    user_id = text(user, "user_id", "userId")
    interact = note.get("interact_info") or note.get("interactInfo") or {}
    return [Post(
        platform="xiaohongshu", native_id=note_id, kind=Kind.NOTE, provenance=provenance,
        url=note_url(note_id),
        title=prose(note, "display_title", "title") or None, text=prose(note, "desc"),
        author=Author("xiaohongshu", text(user, "nickname", "nick_name") or user_id, user_id or None,
                      f"https://www.xiaohongshu.com/user/profile/{user_id}" if user_id else None) if user_id else None,
        created_at=timestamp(note, "time"),
        score=count(interact, "liked_count", "likedCount"),
        num_comments=count(interact, "comment_count", "commentCount"),
        visibility=Visibility.PUBLIC,
        missing=tuple(name for name in ("desc", "time") if name not in note),
    )]


FORMATS = [
    ImportFormat("zeeschuimer-tiktok", "Zeeschuimer NDJSON capture, TikTok", "tiktok", ("ndjson",),
                 lambda r: _envelope(r, "tiktok"), tiktok_item),
    ImportFormat("zeeschuimer-xiaohongshu", "Zeeschuimer NDJSON capture, Xiaohongshu/RedNote", "xiaohongshu",
                 ("ndjson",), lambda r: _envelope(r, "xiaohongshu") or _envelope(r, "rednote"), xiaohongshu_item),
]
