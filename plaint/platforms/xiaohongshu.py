"""Xiaohongshu: import only (browser-capture exports, MediaCrawler files, the page state).

Its robots.txt disallows every bot, and its anonymous pages answer 404."""

from __future__ import annotations

from plaint.platforms import Platform

NOTE_URL = "https://www.xiaohongshu.com/explore/{}"


def note_url(note_id: str) -> str:
    return NOTE_URL.format(note_id)


PLATFORM = Platform(
    name="xiaohongshu", order=7, label="Xiaohongshu", hosts=("xiaohongshu.com", "xhslink.com"),
    not_fetched="Xiaohongshu's robots.txt disallows every bot, and its pages need a login",
)
