"""Weibo through its official open API, for a researcher whose grant covers search
(WEIBO_ACCESS_TOKEN). Without a token plaint says Weibo needs a grant or an import, and the run
goes on with the other platforms. The m.weibo.cn web search needs a login cookie and robots.txt
disallows it: plaint does not use it.

Status objects (the open API's and m.weibo.cn's `mblog` share the shape) map to Posts: `text` is
HTML, `created_at` reads like "Wed Aug 24 22:03:13 +0800 2022", `visible.type` 0 is public, and a
repost's `retweeted_status` is a post of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from plaint.config import Config
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.http import PoliteClient
from plaint.platforms.weibo import API_ROUTE as ROUTE
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query, paired_queries

CREDENTIALS_HELP = ("Weibo needs an open-API grant that covers search: set WEIBO_ACCESS_TOKEN, or import Weibo "
                    "posts you gathered (plaint import)")


class WeiboCollector:
    platform = "weibo"

    def __init__(self, config: Config, client: PoliteClient, token: str) -> None:
        self.config = config
        self.settings = config.weibo
        self.client = client
        self._token = token
        self.warnings: list[str] = []

    @classmethod
    def from_environment(cls, config: Config, env: Mapping[str, str] | None = None,
                         client: PoliteClient | None = None) -> WeiboCollector:
        token = (os.environ if env is None else env).get("WEIBO_ACCESS_TOKEN")
        if not token:
            raise CollectorUnavailable(CREDENTIALS_HELP)
        return cls(config, client or PoliteClient(min_interval=config.weibo.interval), token)

    def queries(self) -> list[Query]:
        return paired_queries("weibo", self.settings.topics, self.settings.queries, self.config)

    def search(self, query: Query) -> Iterator[Post]:
        provenance = Provenance(ROUTE, query.text, self.settings.endpoint)
        for page in range(1, self.settings.pages + 1):
            response = self.client.api("GET", self.settings.endpoint, params={
                "q": query.text, "count": 50, "page": page, "access_token": self._token})
            try:
                body = response.json()
            except ValueError:
                raise CollectorFailed(f"Weibo: HTTP {response.status_code}, not JSON") from None
            if body.get("error_code") or response.status_code >= 400:
                raise CollectorFailed(f"Weibo refused the search: {body.get('error_code')} {body.get('error', '')} "
                                      "(does the grant cover this endpoint? WEIBO_ACCESS_TOKEN)")
            statuses = body.get("statuses") or []
            for status in statuses:
                yield from map_status(status, provenance)
            if len(statuses) < 50:
                return
        self.warnings.append(f"weibo [{query.text}]: stopped after {self.settings.pages} pages (platforms.weibo.pages)")


def _text(html: str) -> str:
    from bs4 import BeautifulSoup  # imported here: only page parsing needs it

    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True) if html else ""


def _created(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(str(value), "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        return None


def map_status(status: dict[str, Any], provenance: Provenance, parent: str | None = None) -> list[Post]:
    """A status and, for a repost, the status it reposts (as a post of its own)."""
    status_id = str(status.get("idstr") or status.get("id") or status.get("mid") or "")
    if not status_id:
        return []
    user = status.get("user") or {}
    deleted = str(status.get("deleted", "")) == "1" or not user
    visible = (status.get("visible") or {}).get("type")
    visibility = (Visibility.UNKNOWN if visible is None
                  else (Visibility.PUBLIC if int(visible) == 0 else Visibility.PRIVATE))
    posts: list[Post] = []
    original = status.get("retweeted_status")
    if isinstance(original, dict):
        posts += map_status(original, provenance)
    uid = user.get("idstr") or user.get("id")
    posts.insert(0, Post(
        platform="weibo", native_id=status_id, kind=Kind.POST, provenance=provenance,
        url=f"https://weibo.com/{uid}/{status['bid']}" if uid and status.get("bid") else f"https://m.weibo.cn/detail/{status_id}",
        parent_id=str(original.get("idstr") or original.get("id")) if isinstance(original, dict) else parent,
        text=_text(str(status.get("text") or "")),
        author=Author("weibo", str(user.get("screen_name") or uid), str(uid), f"https://weibo.com/u/{uid}")
        if uid else None,
        created_at=_created(status.get("created_at")), score=status.get("attitudes_count"),
        num_comments=status.get("comments_count"), visibility=visibility, deleted=deleted,
        missing=tuple(name for name in ("visible", "user") if name not in status)
        + (("full_text",) if status.get("isLongText") else ()),
    ))
    return posts
