"""A Xiaohongshu note page's state (`window.__INITIAL_STATE__` saved as JSON by a browser capture):
the note under `note.noteDetailMap[<id>].note` and its first comments beside it."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import BadRecord, count, prose, text, timestamp
from plaint.platforms import comment_id
from plaint.platforms.xiaohongshu import note_url
from plaint.post import Author, Kind, Post, Provenance, Visibility


def _value(node: Any) -> Any:
    """The value inside a Vue ref ({_rawValue, _value, __v_isRef}), or the node itself."""
    if isinstance(node, dict) and node.get("__v_isRef"):
        return node.get("_rawValue", node.get("_value"))
    return node


def _author(user: dict[str, Any]) -> Author | None:
    user_id = text(user, "userId", "user_id")
    if not user_id:
        return None
    return Author("xiaohongshu", text(user, "nickname") or user_id, user_id,
                  f"https://www.xiaohongshu.com/user/profile/{user_id}")


def _comment(item: dict[str, Any], note_id: str, parent: str, provenance: Provenance) -> list[Post]:
    reply_id = text(item, "id")
    if not reply_id:
        return []
    posts = [Post(platform="xiaohongshu", native_id=comment_id(reply_id), kind=Kind.COMMENT, provenance=provenance,
                  url=note_url(note_id), thread_id=note_id, parent_id=parent,
                  text=prose(item, "content"), author=_author(item.get("userInfo") or {}),
                  created_at=timestamp(item, "createTime"), score=count(item, "likeCount"),
                  visibility=Visibility.PUBLIC)]
    for sub in item.get("subComments") or []:
        posts += _comment(sub, note_id, comment_id(reply_id), provenance)
    return posts


def page_state(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    details = _value(_value(record.get("note") or {}).get("noteDetailMap"))
    if not isinstance(details, dict) or not details:
        raise BadRecord("note.noteDetailMap is empty")
    posts: list[Post] = []
    for key, detail in details.items():
        note = (detail or {}).get("note") or {}
        note_id = text(note, "noteId", "note_id") or key
        if not note_id or note_id == "undefined":
            continue
        interact = note.get("interactInfo") or {}
        posts.append(Post(
            platform="xiaohongshu", native_id=note_id, kind=Kind.NOTE, provenance=provenance,
            url=note_url(note_id), title=prose(note, "title") or None,
            text=prose(note, "desc"), author=_author(note.get("user") or {}), created_at=timestamp(note, "time"),
            score=count(interact, "likedCount"), num_comments=count(interact, "commentCount"),
            visibility=Visibility.PUBLIC))
        comments = _value((detail or {}).get("comments") or {})
        for item in (comments.get("list") if isinstance(comments, dict) else None) or []:
            posts += _comment(item, note_id, note_id, provenance)
    return posts


FORMATS = [
    ImportFormat("xiaohongshu-page-state", "Xiaohongshu note page state (__INITIAL_STATE__ JSON)", "xiaohongshu",
                 ("json",), lambda r: isinstance(r.get("note"), dict) and "noteDetailMap" in r["note"], page_state),
]
