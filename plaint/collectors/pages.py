"""`plaint add URL`: one post by hand. Where the platform's robots.txt allows fetching that public
page and plaint can read its layout (a Tieba thread, a Douban topic), plaint fetches it and reads
the opening post and its replies; anywhere else the researcher gives the text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from plaint.collectors import douban, tieba
from plaint.errors import CollectorFailed, ConfigError
from plaint.filters.tos import ALLOWED_ROUTES, IMPORT
from plaint.http import PoliteClient
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query

ROUTE = "add_url"
Parser = Callable[[str, str, Provenance], list[Post]]
# Pages plaint can read: host -> (path pattern, platform, parser).
READABLE: dict[str, tuple[re.Pattern[str], str, Parser]] = {
    "tieba.baidu.com": (tieba.THREAD_PATH, "tieba", tieba.parse_thread),
    "www.douban.com": (douban.TOPIC_PATH, "douban", douban.parse_topic),
}
WHY_NOT = {
    "xiaohongshu": "Xiaohongshu's robots.txt disallows every bot, and its pages need a login",
    "weibo": "Weibo's pages need a login cookie (and robots.txt disallows its web search)",
    "tiktok": "TikTok's content is open to tools only through the Research API",
    "douyin": "Douyin's pages need request signing, which plaint does not do",
    "zhihu": "Zhihu's pages need a login; plaint reads Zhihu through its Open Platform",
    "reddit": "plaint reads Reddit through its API (plaint scrape)",
}
HOSTS = {"reddit.com": "reddit", "tiktok.com": "tiktok", "zhihu.com": "zhihu", "weibo.com": "weibo",
         "weibo.cn": "weibo", "douban.com": "douban", "tieba.baidu.com": "tieba", "xiaohongshu.com": "xiaohongshu",
         "xhslink.com": "xiaohongshu", "douyin.com": "douyin"}


def platform_of(url: str) -> str | None:
    host = urlsplit(url).netloc.lower().split(":")[0]
    return next((p for suffix, p in HOSTS.items() if host == suffix or host.endswith("." + suffix)), None)


@dataclass
class PageCollector:
    """Fetches one readable public page, robots.txt permitting."""

    url: str
    client: PoliteClient

    def __post_init__(self) -> None:
        self.warnings: list[str] = []
        parts = urlsplit(self.url)
        readable = READABLE.get(parts.netloc.lower())
        if readable is None or not readable[0].search(parts.path):
            platform = platform_of(self.url)
            why = WHY_NOT.get(platform or "", "plaint has no reader for this page")
            raise ConfigError(f"plaint does not fetch {self.url}: {why}. Give the post with --text (and --author, "
                              "--title, --created)")
        self.platform = readable[1]
        self._parse = readable[2]

    def queries(self) -> list[Query]:
        return [Query(self.platform, self.url, "add")]

    def search(self, query: Query) -> Iterator[Post]:
        response = self.client.get(self.url)
        yield from self._parse(response.text, self.url, Provenance(ROUTE, None, self.url))


@dataclass
class HandCollector:
    """One post whose text the researcher typed or pasted: recorded as gathered by hand."""

    url: str
    text: str
    platform: str
    author: str | None = None
    title: str | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        self.warnings: list[str] = []
        if self.platform not in ALLOWED_ROUTES:
            raise ConfigError(f"platform {self.platform!r}: use one of {', '.join(sorted(ALLOWED_ROUTES))}")

    def queries(self) -> list[Query]:
        return [Query(self.platform, self.url, "add")]

    def search(self, query: Query) -> Iterator[Post]:
        native_id = self.url.split("?", 1)[0] if self.url else "sha1:" + hashlib.sha1(self.text.encode()).hexdigest()
        yield Post(platform=self.platform, native_id=native_id, kind=Kind.POST,
                   provenance=Provenance(IMPORT, None, self.url or None), url=self.url or None,
                   title=self.title, text=self.text,
                   author=Author(self.platform, self.author) if self.author else None,
                   created_at=self.created.astimezone(UTC) if self.created else None,
                   visibility=Visibility.PUBLIC)


def page_collector(url: str, client: PoliteClient) -> PageCollector:
    """A collector for a readable page, after checking robots.txt, with a message that says why not."""
    collector = PageCollector(url, client)
    if not client.allowed(url):
        raise CollectorFailed(f"robots.txt of {urlsplit(url).netloc} does not allow fetching {urlsplit(url).path}; "
                              "give the post with --text instead")
    return collector
