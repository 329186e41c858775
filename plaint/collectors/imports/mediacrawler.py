"""MediaCrawler exports (JSON, JSONL or CSV): its normalised note and comment rows for
Xiaohongshu, Weibo, Baidu Tieba, Zhihu and Douyin. Counts may be strings ("1.4万"); times are
seconds or milliseconds, or Beijing-time strings for Tieba."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.values import (
    count,
    prose,
    required,
    text,
    timestamp,
    without_query,
)
from plaint.platforms import comment_id
from plaint.platforms.tieba import thread_url
from plaint.platforms.xiaohongshu import note_url
from plaint.post import Author, Kind, Post, Provenance, Visibility

CONTAINERS = ("ndjson", "csv", "json")


def _author(platform: str, record: dict[str, Any], handle_field: str, id_field: str,
            profile: str | None) -> Author | None:
    handle = text(record, handle_field) or text(record, id_field)
    if not handle:
        return None
    return Author(platform, handle, text(record, id_field) or None, profile or None)


def _parent(parent: str, thread: str) -> str:
    """A reply's parent: another comment, or ("" and "0" in the exports) the thread itself."""
    return comment_id(parent) if parent not in ("", "0") else thread


def _post(platform: str, record: dict[str, Any], provenance: Provenance, **fields: Any) -> list[Post]:
    return [Post(platform=platform, provenance=provenance, visibility=Visibility.PUBLIC, **fields)]


# Xiaohongshu -----------------------------------------------------------------------------------

def _xhs_note_url(note_id: str) -> str:
    return note_url(note_id)


def xhs_note(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    user_id = text(record, "user_id")
    return _post("xiaohongshu", record, provenance, native_id=note_id, kind=Kind.NOTE, url=_xhs_note_url(note_id),
                 title=prose(record, "title") or None, text=prose(record, "desc"),
                 author=_author("xiaohongshu", record, "nickname", "user_id",
                                f"https://www.xiaohongshu.com/user/profile/{user_id}" if user_id else None),
                 created_at=timestamp(record, "time"), score=count(record, "liked_count"),
                 num_comments=count(record, "comment_count"))


def xhs_comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    parent = text(record, "parent_comment_id")
    user_id = text(record, "user_id")
    return _post("xiaohongshu", record, provenance, native_id=comment_id(required(record, 'comment_id')),
                 kind=Kind.COMMENT, url=_xhs_note_url(note_id), thread_id=note_id,
                 parent_id=_parent(parent, note_id),
                 text=prose(record, "content"),
                 author=_author("xiaohongshu", record, "nickname", "user_id",
                                f"https://www.xiaohongshu.com/user/profile/{user_id}" if user_id else None),
                 created_at=timestamp(record, "create_time"), score=count(record, "like_count"))


# Weibo -----------------------------------------------------------------------------------------

def _weibo_profile(record: dict[str, Any]) -> str | None:
    user_id = text(record, "user_id")
    return text(record, "profile_url") or (f"https://weibo.com/u/{user_id}" if user_id else None)


def weibo_note(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    return _post("weibo", record, provenance, native_id=note_id, kind=Kind.POST,
                 url=without_query(text(record, "note_url")) or f"https://m.weibo.cn/detail/{note_id}",
                 text=prose(record, "content"),
                 author=_author("weibo", record, "nickname", "user_id", _weibo_profile(record)),
                 created_at=timestamp(record, "create_time"), score=count(record, "liked_count"),
                 num_comments=count(record, "comments_count"))


def weibo_comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    parent = text(record, "parent_comment_id")
    return _post("weibo", record, provenance, native_id=comment_id(required(record, 'comment_id')),
                 kind=Kind.COMMENT, url=f"https://m.weibo.cn/detail/{note_id}", thread_id=note_id,
                 parent_id=_parent(parent, note_id),
                 text=prose(record, "content"),
                 author=_author("weibo", record, "nickname", "user_id", _weibo_profile(record)),
                 created_at=timestamp(record, "create_time"), score=count(record, "comment_like_count"))


# Baidu Tieba -----------------------------------------------------------------------------------

def _tieba_profile(record: dict[str, Any]) -> str | None:
    link = text(record, "user_link")
    return link if not link or link.startswith("http") else f"https://tieba.baidu.com{link}"


def tieba_note(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    return _post("tieba", record, provenance, native_id=note_id, kind=Kind.POST,
                 url=without_query(text(record, "note_url")) or thread_url(note_id),
                 community=text(record, "tieba_name") or None, title=prose(record, "title") or None,
                 text=prose(record, "desc"), author=_author("tieba", record, "user_nickname", "user_nickname",
                                                          _tieba_profile(record)),
                 created_at=timestamp(record, "publish_time"), num_comments=count(record, "total_replay_num"))


def tieba_comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    note_id = required(record, "note_id")
    parent = text(record, "parent_comment_id", "parment_comment_id")  # MediaCrawler spells it both ways
    reply_id = required(record, "comment_id")
    return _post("tieba", record, provenance, native_id=comment_id(reply_id), kind=Kind.COMMENT,
                 url=f"{thread_url(note_id)}?pid={reply_id}#{reply_id}", thread_id=note_id,
                 parent_id=_parent(parent, note_id),
                 community=text(record, "tieba_name") or None, text=prose(record, "content"),
                 author=_author("tieba", record, "user_nickname", "user_nickname", _tieba_profile(record)),
                 created_at=timestamp(record, "publish_time"))


# Zhihu -----------------------------------------------------------------------------------------

_ZHIHU_KINDS = {"answer": Kind.ANSWER, "article": Kind.POST, "zvideo": Kind.VIDEO}


def _zhihu_author(record: dict[str, Any]) -> Author | None:
    token = text(record, "user_url_token")
    return _author("zhihu", record, "user_nickname", "user_id",
                   text(record, "user_link") or (f"https://www.zhihu.com/people/{token}" if token else None))


def zhihu_content(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    content_id = required(record, "content_id")
    kind = text(record, "content_type") or "answer"
    return _post("zhihu", record, provenance, native_id=f"{kind}:{content_id}", kind=_ZHIHU_KINDS.get(kind, Kind.POST),
                 url=without_query(text(record, "content_url")) or None, title=prose(record, "title") or None,
                 text=prose(record, "content_text", "desc"), author=_zhihu_author(record),
                 thread_id=text(record, "question_id") or None, created_at=timestamp(record, "created_time"),
                 score=count(record, "voteup_count"), num_comments=count(record, "comment_count"))


def zhihu_comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    kind = text(record, "content_type") or "answer"
    content_id = required(record, "content_id")
    parent = text(record, "parent_comment_id")
    return _post("zhihu", record, provenance, native_id=comment_id(required(record, 'comment_id')),
                 kind=Kind.COMMENT, url=f"https://www.zhihu.com/{kind}/{content_id}" if kind != "answer"
                 else f"https://www.zhihu.com/answer/{content_id}", thread_id=f"{kind}:{content_id}",
                 parent_id=_parent(parent, f"{kind}:{content_id}"),
                 text=prose(record, "content"), author=_zhihu_author(record),
                 created_at=timestamp(record, "publish_time"), score=count(record, "like_count"))


# Douyin ----------------------------------------------------------------------------------------

def _douyin_author(record: dict[str, Any]) -> Author | None:
    sec_uid = text(record, "sec_uid")
    return _author("douyin", record, "nickname", "user_id",
                   f"https://www.douyin.com/user/{sec_uid}" if sec_uid else None)


def douyin_aweme(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    aweme_id = required(record, "aweme_id")
    return _post("douyin", record, provenance, native_id=aweme_id, kind=Kind.VIDEO,
                 url=f"https://www.douyin.com/video/{aweme_id}", text=prose(record, "desc", "title"),
                 author=_douyin_author(record), created_at=timestamp(record, "create_time"),
                 score=count(record, "liked_count"), num_comments=count(record, "comment_count"))


def douyin_comment(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    aweme_id = required(record, "aweme_id")
    parent = text(record, "parent_comment_id")
    return _post("douyin", record, provenance, native_id=comment_id(required(record, 'comment_id')),
                 kind=Kind.COMMENT, url=f"https://www.douyin.com/video/{aweme_id}", thread_id=aweme_id,
                 parent_id=_parent(parent, aweme_id),
                 text=prose(record, "content"), author=_douyin_author(record),
                 created_at=timestamp(record, "create_time"), score=count(record, "like_count"))


def _has(record: dict[str, Any], *names: str) -> bool:
    return all(name in record for name in names)


def _url_has(record: dict[str, Any], word: str) -> bool:
    return word in text(record, "note_url")


FORMATS = [
    ImportFormat("mediacrawler-tieba-comments", "MediaCrawler export, Baidu Tieba replies", "tieba", CONTAINERS,
                 lambda r: _has(r, "comment_id", "tieba_name"), tieba_comment),
    ImportFormat("mediacrawler-tieba-notes", "MediaCrawler export, Baidu Tieba threads", "tieba", CONTAINERS,
                 lambda r: _has(r, "note_id", "tieba_name", "title"), tieba_note),
    ImportFormat("mediacrawler-zhihu-comments", "MediaCrawler export, Zhihu comments", "zhihu", CONTAINERS,
                 lambda r: _has(r, "comment_id", "content_id", "content_type"), zhihu_comment),
    ImportFormat("mediacrawler-zhihu-contents", "MediaCrawler export, Zhihu answers and articles", "zhihu",
                 CONTAINERS, lambda r: _has(r, "content_id", "content_type", "content_text"), zhihu_content),
    ImportFormat("mediacrawler-douyin-comments", "MediaCrawler export, Douyin comments", "douyin", CONTAINERS,
                 lambda r: _has(r, "comment_id", "aweme_id"), douyin_comment),
    ImportFormat("mediacrawler-douyin-videos", "MediaCrawler export, Douyin videos", "douyin", CONTAINERS,
                 lambda r: _has(r, "aweme_id") and ("desc" in r or "title" in r), douyin_aweme),
    ImportFormat("mediacrawler-weibo-comments", "MediaCrawler export, Weibo comments", "weibo", CONTAINERS,
                 lambda r: _has(r, "comment_id", "note_id", "content")
                 and ("comment_like_count" in r or "create_date_time" in r), weibo_comment),
    ImportFormat("mediacrawler-weibo-notes", "MediaCrawler export, Weibo posts", "weibo", CONTAINERS,
                 lambda r: _has(r, "note_id", "content") and ("shared_count" in r or _url_has(r, "weibo")),
                 weibo_note),
    ImportFormat("mediacrawler-xhs-comments", "MediaCrawler export, Xiaohongshu comments", "xiaohongshu", CONTAINERS,
                 lambda r: _has(r, "comment_id", "note_id", "content"), xhs_comment),
    ImportFormat("mediacrawler-xhs-notes", "MediaCrawler export, Xiaohongshu notes", "xiaohongshu", CONTAINERS,
                 lambda r: _has(r, "note_id", "desc") and ("xsec_token" in r or "liked_count" in r
                                                           or _url_has(r, "xiaohongshu")), xhs_note),
]
