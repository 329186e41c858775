"""TikTok through the Research API (approved academic projects only).

A client-credentials token (TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET), refreshed before its two
hours run out and once more if the API calls it invalid. Videos come from
`POST /v2/research/video/query/` in windows of at most 30 days, paged by cursor and search_id;
the comments of each matching video from `POST /v2/research/video/comment/list/`. Comment objects
carry no author: such records enter the corpus but never the candidate list. The API allows 1,000
requests a day; plaint counts its own and stops before, saying so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from plaint.config import Config
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.http import PoliteClient
from plaint.platforms import comment_id
from plaint.platforms.tiktok import API_ROUTE as ROUTE
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query, tiktok_bias_terms, tiktok_queries, tiktok_windows

API = "https://open.tiktokapis.com/v2"
VIDEO_FIELDS = ("id,video_description,create_time,region_code,share_count,view_count,like_count,comment_count,"
                "hashtag_names,username,voice_to_text")
COMMENT_FIELDS = "id,video_id,text,like_count,reply_count,parent_comment_id,create_time"
CREDENTIALS_HELP = ("TikTok needs Research API credentials of an approved project: set TIKTOK_CLIENT_KEY and "
                    "TIKTOK_CLIENT_SECRET")
_TOKEN_ERRORS = {"access_token_invalid", "access_token_expired", "invalid_token"}
_REFRESH_MARGIN = 300  # seconds before expiry at which the token is renewed


class QuotaSpent(CollectorFailed):
    """The day's request allowance is used up: the run stops for this platform, politely."""


class TikTokCollector:
    platform = "tiktok"

    def __init__(self, config: Config, client: PoliteClient, key: str, secret: str, today: date | None = None) -> None:
        self.config = config
        self.settings = config.tiktok
        self.client = client
        self._key, self._secret = key, secret
        self._token: str | None = None
        self._expires = 0.0
        self.requests = 0
        self.today = today or datetime.now(UTC).date()
        self.warnings: list[str] = []

    @classmethod
    def from_environment(cls, config: Config, env: Mapping[str, str] | None = None,
                         client: PoliteClient | None = None) -> TikTokCollector:
        env = os.environ if env is None else env
        key, secret = env.get("TIKTOK_CLIENT_KEY"), env.get("TIKTOK_CLIENT_SECRET")
        if not key or not secret:
            raise CollectorUnavailable(CREDENTIALS_HELP)
        return cls(config, client or PoliteClient(min_interval=config.tiktok.interval), key, secret)

    @property
    def info(self) -> dict[str, Any]:
        return {"requests": self.requests}

    def queries(self) -> list[Query]:
        return tiktok_queries(self.config)

    def search(self, query: Query) -> Iterator[Post]:
        for start, end in tiktok_windows(self.config, self.today, query.since):
            yield from self._window(query, f"{start:%Y%m%d}", f"{end:%Y%m%d}")

    def _window(self, query: Query, start: str, end: str) -> Iterator[Post]:
        conditions = [{"operation": "IN", "field_name": "keyword", "field_values": list(self.config.apps)},
                      {"operation": "IN", "field_name": "keyword", "field_values": tiktok_bias_terms(self.config)}]
        if self.settings.regions:
            conditions.append({"operation": "IN", "field_name": "region_code",
                               "field_values": list(self.settings.regions)})
        body: dict[str, Any] = {"query": {"and": conditions}, "start_date": start, "end_date": end, "max_count": 100}
        provenance = Provenance(ROUTE, query.text, f"{API}/research/video/query/ {start}-{end}")
        while True:
            data = self._call("research/video/query/", VIDEO_FIELDS, body)
            for video in data.get("videos") or []:
                post = map_video(video, provenance)
                yield post
                if self.settings.comments and (post.num_comments or 0) > 0:
                    yield from self._comments(post, provenance)
            if not data.get("has_more"):
                return
            body = {**body, "cursor": data.get("cursor"), "search_id": data.get("search_id")}

    def still_there(self, videos: dict[str, datetime]) -> set[str]:
        """Which of these videos (id -> posted) the Research API still returns. It is asked by id,
        100 at a time, within windows of at most 30 days around when they were posted; a video it
        no longer returns was deleted or made private."""
        groups: list[tuple[date, list[str]]] = []
        for video_id, posted in sorted(videos.items(), key=lambda item: item[1]):
            day = posted.date()
            if (not groups or day >= groups[-1][0] + timedelta(days=self.settings.window_days)
                    or len(groups[-1][1]) >= 100):
                groups.append((day, []))
            groups[-1][1].append(video_id)
        present: set[str] = set()
        for start, ids in groups:
            body: dict[str, Any] = {
                "query": {"and": [{"operation": "IN", "field_name": "video_id", "field_values": ids}]},
                "start_date": f"{start:%Y%m%d}",
                "end_date": f"{start + timedelta(days=self.settings.window_days - 1):%Y%m%d}", "max_count": 100}
            while True:
                data = self._call("research/video/query/", "id", body)
                present.update(str(v.get("id") or v.get("video_id")) for v in data.get("videos") or [])
                if not data.get("has_more"):
                    break
                body = {**body, "cursor": data.get("cursor"), "search_id": data.get("search_id")}
        return present

    def _comments(self, video: Post, provenance: Provenance) -> Iterator[Post]:
        body: dict[str, Any] = {"video_id": int(video.native_id), "max_count": 100}
        while True:
            data = self._call("research/video/comment/list/", COMMENT_FIELDS, body)
            for comment in data.get("comments") or []:
                yield map_comment(comment, video, provenance)
            if not data.get("has_more"):
                return
            body = {**body, "cursor": data.get("cursor")}

    def _call(self, path: str, fields: str, body: dict[str, Any], retried: bool = False) -> dict[str, Any]:
        if self.requests >= self.settings.daily_requests:
            raise QuotaSpent(f"TikTok: {self.requests} requests made, the daily allowance "
                             f"({self.settings.daily_requests}) is spent; the next run goes on from here")
        token = self._access_token()
        self.requests += 1
        response = self.client.api("POST", f"{API}/{path}", params={"fields": fields}, json=body,
                                   headers={"Authorization": f"Bearer {token}"})
        try:
            payload = response.json()
        except ValueError:
            raise CollectorFailed(f"TikTok {path}: HTTP {response.status_code}, not JSON") from None
        error = payload.get("error") or {}
        code = error.get("code", "ok" if response.status_code < 400 else f"http_{response.status_code}")
        if code in _TOKEN_ERRORS and not retried:
            self._token = None  # renew once, then try again
            return self._call(path, fields, body, retried=True)
        if code == "rate_limit_exceeded" or response.status_code == 429:
            raise QuotaSpent(f"TikTok says the daily quota is spent ({error.get('message', code)}); "
                             "the next run goes on from here")
        if code != "ok":
            raise CollectorFailed(f"TikTok {path}: {code} ({error.get('message', '')}, log id {error.get('log_id')})")
        return payload.get("data") or {}

    def _access_token(self) -> str:
        if self._token and time.monotonic() < self._expires - _REFRESH_MARGIN:
            return self._token
        self.requests += 1
        response = self.client.api("POST", f"{API}/oauth/token/", data={
            "client_key": self._key, "client_secret": self._secret, "grant_type": "client_credentials"})
        payload = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if response.status_code >= 400 or "access_token" not in payload:
            reason = payload.get("error_description") or payload.get("error") or f"HTTP {response.status_code}"
            raise CollectorFailed(f"TikTok refused the credentials ({reason}); check TIKTOK_CLIENT_KEY and "
                                  "TIKTOK_CLIENT_SECRET")
        self._token = str(payload["access_token"])
        self._expires = time.monotonic() + float(payload.get("expires_in", 7200))
        return self._token


def _created(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value not in (None, "") else None


def map_video(video: dict[str, Any], provenance: Provenance) -> Post:
    """A Research API video. Its id is `id` (some documentation examples say `video_id`)."""
    video_id = str(video.get("id") or video.get("video_id") or "")
    if not video_id:
        raise CollectorFailed("TikTok sent a video without an id")
    username = video.get("username")
    text = video.get("video_description") or ""
    spoken = video.get("voice_to_text")
    return Post(
        platform="tiktok", native_id=video_id, kind=Kind.VIDEO, provenance=provenance,
        url=f"https://www.tiktok.com/@{username}/video/{video_id}" if username else None,
        text=f"{text}\n{spoken}" if spoken else text, community=video.get("region_code"),
        author=Author("tiktok", str(username), None, f"https://www.tiktok.com/@{username}") if username else None,
        created_at=_created(video.get("create_time")), score=video.get("like_count"),
        num_comments=video.get("comment_count"), visibility=Visibility.PUBLIC,
        missing=tuple(name for name in ("username", "create_time") if name not in video),
    )


def map_comment(comment: dict[str, Any], video: Post, provenance: Provenance) -> Post:
    """A Research API comment: the API gives no author, so the record says so."""
    parent = comment.get("parent_comment_id")
    video_id = str(comment.get("video_id") or video.native_id)
    return Post(
        platform="tiktok", native_id=comment_id(comment['id']), kind=Kind.COMMENT, provenance=provenance,
        url=video.url, thread_id=video_id,
        parent_id=comment_id(parent) if parent and str(parent) != video_id else video_id,
        text=comment.get("text") or "", author=None, created_at=_created(comment.get("create_time")),
        score=comment.get("like_count"), visibility=Visibility.PUBLIC, missing=("author",),
    )
