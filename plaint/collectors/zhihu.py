"""Zhihu through its Open Platform (developer.zhihu.com): `GET /api/v1/content/zhihu_search`
with a personal access secret (ZHIHU_ACCESS_SECRET) as bearer token.

At most 10 results a call, and the documented search takes no offset: each query is one call, a
limit the run reports. The quota endpoint is asked first; when the search allowance is spent the
run stops politely (and so it does on the API's own quota error codes).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from plaint.config import Config
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.http import PoliteClient
from plaint.platforms.zhihu import API_ROUTE as ROUTE
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query, paired_queries

API = "https://developer.zhihu.com/api/v1"
MAX_COUNT = 10
CREDENTIALS_HELP = ("Zhihu needs an Open Platform access secret: create one at developer.zhihu.com and set "
                    "ZHIHU_ACCESS_SECRET")
QUOTA_CODES = {30001: "rate limited", 30002: "quota spent"}
_KINDS = {"answer": Kind.ANSWER, "article": Kind.POST, "zvideo": Kind.VIDEO, "question": Kind.POST}
_ID_IN_URL = re.compile(r"/(answer|p|zvideo|question)/(\d+)")


class ZhihuCollector:
    platform = "zhihu"

    def __init__(self, config: Config, client: PoliteClient, secret: str) -> None:
        self.config = config
        self.client = client
        self._secret = secret
        self.warnings: list[str] = []
        self.remaining: int | None = None

    @classmethod
    def from_environment(cls, config: Config, env: Mapping[str, str] | None = None,
                         client: PoliteClient | None = None) -> ZhihuCollector:
        secret = (os.environ if env is None else env).get("ZHIHU_ACCESS_SECRET")
        if not secret:
            raise CollectorUnavailable(CREDENTIALS_HELP)
        return cls(config, client or PoliteClient(min_interval=config.zhihu.interval), secret)

    @property
    def info(self) -> dict[str, Any]:
        return {"quota_remaining": self.remaining}

    def queries(self) -> list[Query]:
        queries = paired_queries("zhihu", self.config.zhihu.topics, self.config.zhihu.queries, self.config)
        self.remaining = self._search_quota()
        if self.remaining is not None and self.remaining < len(queries):
            self.warnings.append(f"zhihu: the search quota allows {self.remaining} of {len(queries)} queries today; "
                                 "the rest wait for the next run")
            queries = queries[: self.remaining]
        self.warnings.append(f"zhihu: each query returns at most {MAX_COUNT} results (the API has no paging)")
        return queries

    def search(self, query: Query) -> Iterator[Post]:
        data = self._get("content/zhihu_search", {"Query": query.text, "Count": MAX_COUNT})
        provenance = Provenance(ROUTE, query.text, f"{API}/content/zhihu_search")
        for item in data.get("Items") or []:
            post = map_item(item, provenance)
            if post is not None:
                yield post

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._secret}", "X-Request-Timestamp": str(int(time.time())),
                "Accept": "application/json"}

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response = self.client.api("GET", f"{API}/{path}", params=params, headers=self._headers())
        if response.status_code in (401, 403):
            raise CollectorFailed("Zhihu refused the access secret; check ZHIHU_ACCESS_SECRET")
        try:
            body = response.json()
        except ValueError:
            raise CollectorFailed(f"Zhihu {path}: HTTP {response.status_code}, not JSON") from None
        code = int(body.get("Code", 0) or 0)
        if code in QUOTA_CODES:
            raise CollectorFailed(f"Zhihu: {QUOTA_CODES[code]} ({body.get('Message', '')}); stopping for today")
        if code == 20001:
            raise CollectorFailed("Zhihu refused the access secret; check ZHIHU_ACCESS_SECRET")
        if code != 0 or response.status_code >= 400:
            raise CollectorFailed(f"Zhihu {path}: error {code or response.status_code} ({body.get('Message', '')})")
        return body.get("Data") or {}

    def _search_quota(self) -> int | None:
        """What the quota endpoint says is left for search; None when it does not say."""
        try:
            data = self._get("quota", {})
        except CollectorFailed as exc:
            if "quota spent" in str(exc):
                return 0
            self.warnings.append(f"zhihu: the quota endpoint did not answer ({exc}); going on")
            return None
        pools = data.get("Items") or data.get("Quotas") or ([data] if "Remaining" in data else [])
        for pool in pools:
            name = str(pool.get("ApiId") or pool.get("Name") or pool.get("Api") or "")
            if "search" in name.lower() or len(pools) == 1:
                remaining = pool.get("Remaining", pool.get("remaining"))
                return int(remaining) if remaining is not None else None
        return None


def map_item(item: dict[str, Any], provenance: Provenance) -> Post | None:
    """A search result: an answer or article, titled by its question or its own title."""
    url = str(item.get("Url") or "")
    found = _ID_IN_URL.findall(url)
    if not found:
        return None
    match_kind, match_id = found[-1]  # /question/9/answer/123 is answer 123
    kind = str(item.get("ContentType") or match_kind).lower()
    kind = "article" if kind == "p" else kind
    edited = item.get("EditTime")
    author = item.get("AuthorName")
    return Post(
        platform="zhihu", native_id=f"{kind}:{match_id}", kind=_KINDS.get(kind, Kind.POST),
        provenance=provenance, url=url.split("?", 1)[0], title=item.get("Title") or None,
        text=str(item.get("ContentText") or ""),
        author=Author("zhihu", str(author)) if author and author != "匿名用户" else None,
        created_at=datetime.fromtimestamp(int(edited), tz=UTC) if isinstance(edited, int) else None,
        score=item.get("VoteUpCount"), num_comments=item.get("CommentCount"), visibility=Visibility.PUBLIC,
        missing=("author_id", "created_time"),
    )


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text("\n", strip=True) if html else ""


def map_api_object(obj: dict[str, Any], provenance: Provenance) -> Post | None:
    """An answer or article object of Zhihu's web API (a capture of /api/v4 answers, search_v3
    results): id, question, HTML content, author with url_token."""
    kind = str(obj.get("type") or "answer")
    if kind not in ("answer", "article") or not obj.get("id"):
        return None
    question = obj.get("question") or {}
    author = obj.get("author") or {}
    token = author.get("url_token")
    anonymous = obj.get("is_anonymous") or author.get("id") in (None, "0")
    object_id = str(obj["id"])
    url = (f"https://www.zhihu.com/question/{question['id']}/answer/{object_id}"
           if kind == "answer" and question.get("id")
           else f"https://zhuanlan.zhihu.com/p/{object_id}" if kind == "article" else None)
    created = obj.get("created_time")
    return Post(
        platform="zhihu", native_id=f"{kind}:{object_id}", kind=_KINDS[kind], provenance=provenance, url=url,
        thread_id=str(question["id"]) if question.get("id") else None,
        title=_html_text(str(question.get("title") or obj.get("title") or "")) or None,
        text=_html_text(str(obj.get("content") or obj.get("excerpt") or "")),
        author=None if anonymous else Author("zhihu", str(author.get("name") or token), str(author.get("id")),
                                             f"https://www.zhihu.com/people/{token}" if token else None),
        created_at=datetime.fromtimestamp(int(created), tz=UTC) if created else None,
        score=obj.get("voteup_count"), num_comments=obj.get("comment_count"), visibility=Visibility.PUBLIC,
    )
