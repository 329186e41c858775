"""TikTok, Zhihu, Weibo and Douban collectors over httpx's MockTransport: the real paging, retry,
quota and parsing code runs against answers in each API's documented shape, and against the real
captures in ../shared/recordings when they are there."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from plaint.collectors.douban import DoubanCollector, parse_topic_list, resolve_time, title_matcher
from plaint.collectors.reddit import RedditCollector, connect
from plaint.collectors.tiktok import TikTokCollector
from plaint.collectors.weibo import WeiboCollector, map_status
from plaint.collectors.zhihu import ZhihuCollector, map_api_object
from plaint.config import Config
from plaint.demo import demo_config
from plaint.demo.cassette import cassette_session, load_interactions
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.http import PoliteClient
from plaint.pipeline import Pipeline
from plaint.post import Kind, Provenance, Visibility
from plaint.queries import Query
from plaint.storage.store import Store

ZH = "星野的AI男友说女生就该在家带孩子，太厌女了，我重新生成了好几次。"


class Api:
    """A fake API: a handler per (method, path); every request is logged with its body."""

    def __init__(self, handlers: dict) -> None:
        self.handlers = handlers
        self.log: list[tuple[str, str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body: dict = {}
        if request.content:
            try:
                body = json.loads(request.content)
            except ValueError:
                body = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.log.append((request.method, request.url.path, body))
        handler = self.handlers.get((request.method, request.url.path))
        if handler is None:
            return httpx.Response(404, json={"error": "no such path"})
        return handler(request, body)

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.log]


def polite(api: Api, **options) -> PoliteClient:
    return PoliteClient(transport=httpx.MockTransport(api), sleep=lambda s: None, min_interval=0, **options)


# TikTok ----------------------------------------------------------------------------------------

def tiktok_video(video_id: int, text: str, comments: int = 0) -> dict:
    return {"id": video_id, "video_description": text, "create_time": 1760000000, "region_code": "US",
            "like_count": 10, "comment_count": comments, "share_count": 1, "view_count": 100,
            "username": f"creator{video_id}", "hashtag_names": ["characterai"]}


def tiktok_api(tokens: list[str], pages: dict, comments: dict, fail_first_with: str | None = None) -> Api:
    state = {"failed": False}

    def token(request, body):
        assert body["grant_type"] == "client_credentials" and body["client_key"] == "key"
        return httpx.Response(200, json={"access_token": tokens.pop(0), "expires_in": 7200, "token_type": "Bearer"})

    def query(request, body):
        if fail_first_with and not state["failed"]:
            state["failed"] = True
            return httpx.Response(401, json={"data": {}, "error": {"code": fail_first_with, "message": "expired"}})
        key = (body["start_date"], body.get("cursor"))
        data = pages.get(key, {"videos": [], "has_more": False, "cursor": 0, "search_id": "s"})
        return httpx.Response(200, json={"data": data, "error": {"code": "ok", "message": "", "log_id": "L"}})

    def comment_list(request, body):
        data = comments.get((body["video_id"], body.get("cursor")), {"comments": [], "has_more": False})
        return httpx.Response(200, json={"data": data, "error": {"code": "ok", "message": "", "log_id": "L"}})

    return Api({("POST", "/v2/oauth/token/"): token, ("POST", "/v2/research/video/query/"): query,
                ("POST", "/v2/research/video/comment/list/"): comment_list})


def tiktok_collector(config: Config, api: Api, **settings) -> TikTokCollector:
    config = dataclasses.replace(config, tiktok=dataclasses.replace(config.tiktok, days=45, **settings))
    return TikTokCollector(config, polite(api), "key", "secret", today=date(2026, 11, 24))


def test_tiktok_windows_paging_and_comments(config: Config) -> None:
    pages = {("20261026", None): {"videos": [tiktok_video(1, "My c.ai bot is sexist", comments=2)],
                                  "has_more": True, "cursor": 100, "search_id": "S1"},
             ("20261026", 100): {"videos": [tiktok_video(2, "Replika called me fat")], "has_more": False,
                                 "cursor": 200, "search_id": "S1"}}
    comments = {(1, None): {"comments": [{"id": 11, "video_id": 1, "text": "same, so sexist", "like_count": 3,
                                          "parent_comment_id": 1, "create_time": 1760000100}],
                            "has_more": True, "cursor": 1},
                (1, 1): {"comments": [{"id": 12, "video_id": 1, "text": "reply", "parent_comment_id": 11,
                                       "create_time": 1760000200}], "has_more": False, "cursor": 2}}
    api = tiktok_api(["T1"], pages, comments)
    collector = tiktok_collector(config, api)
    queries = collector.queries()
    assert [q.scope for q in queries] == ["last 45 days"]
    posts = [p for q in queries for p in collector.search(q)]
    windows = [(b["start_date"], b["end_date"]) for m, p, b in api.log
               if p.endswith("/video/query/") and "cursor" not in b]
    assert windows == [("20261026", "20261124"), ("20261011", "20261025")]  # at most 30 days each, newest first
    assert [p.native_id for p in posts] == ["1", "comment:11", "comment:12", "2"]
    video, comment, reply = posts[0], posts[1], posts[2]
    assert video.url == "https://www.tiktok.com/@creator1/video/1" and video.author.handle == "creator1"
    assert comment.author is None and comment.missing == ("author",) and comment.parent_id == "1"
    assert reply.parent_id == "comment:11"
    second_page = next(b for m, p, b in api.log if p.endswith("/video/query/") and b.get("cursor") == 100)
    assert second_page["search_id"] == "S1"
    first = next(b for m, p, b in api.log if p.endswith("/video/query/"))
    assert first["query"]["and"][0]["field_name"] == "keyword" and "Replika" in first["query"]["and"][0]["field_values"]
    assert api.paths().count("/v2/oauth/token/") == 1  # one token serves the run


def test_tiktok_searches_only_the_days_since_the_last_run(config: Config) -> None:
    api = tiktok_api(["T1"], {}, {})
    collector = tiktok_collector(config, api)
    since = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert list(collector.search(dataclasses.replace(collector.queries()[0], since=since))) == []
    windows = [(b["start_date"], b["end_date"]) for m, p, b in api.log if p.endswith("/video/query/")]
    assert windows == [("20261120", "20261124")]  # one request: the days since the newest video seen


def test_tiktok_expired_token_is_refreshed_once(config: Config) -> None:
    api = tiktok_api(["OLD", "NEW"], {}, {}, fail_first_with="access_token_invalid")
    collector = tiktok_collector(config, api)
    assert list(collector.search(collector.queries()[0])) == []
    assert api.paths().count("/v2/oauth/token/") == 2


def test_tiktok_stops_politely_when_the_daily_quota_is_spent(config: Config) -> None:
    pages = {("20261026", None): {"videos": [tiktok_video(1, "bias", comments=5)], "has_more": True,
                                  "cursor": 1, "search_id": "S"}}
    collector = tiktok_collector(config, tiktok_api(["T"], pages, {}), daily_requests=3)
    with pytest.raises(CollectorFailed, match="daily allowance \\(3\\) is spent"):
        list(collector.search(collector.queries()[0]))
    quota_api = Api({("POST", "/v2/oauth/token/"): lambda r, b: httpx.Response(200, json={"access_token": "T"}),
                     ("POST", "/v2/research/video/query/"): lambda r, b: httpx.Response(
                         429, json={"error": {"code": "rate_limit_exceeded", "message": "daily quota"}})})
    collector = TikTokCollector(config, polite(quota_api, retries=0), "key", "secret", today=date(2026, 11, 24))
    with pytest.raises(CollectorFailed, match="daily quota is spent"):
        list(collector.search(collector.queries()[0]))


def test_without_credentials_each_platform_says_what_to_set(config: Config) -> None:
    for build, needed in ((lambda: TikTokCollector.from_environment(config, env={}), "TIKTOK_CLIENT_KEY"),
                          (lambda: ZhihuCollector.from_environment(config, env={}), "ZHIHU_ACCESS_SECRET"),
                          (lambda: WeiboCollector.from_environment(config, env={}), "WEIBO_ACCESS_TOKEN"),
                          (lambda: DoubanCollector.from_environment(config), "platforms.douban.groups")):
        with pytest.raises(CollectorUnavailable, match=needed):
            build()


def test_a_platform_that_keeps_failing_does_not_lose_the_others(store: Store) -> None:
    down = Api({("POST", "/v2/oauth/token/"): lambda r, b: httpx.Response(503)})
    config = demo_config()
    with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
        session, _ = cassette_session(load_interactions(path))
    reddit = connect(session, env={"REDDIT_CLIENT_ID": "x", "REDDIT_CLIENT_SECRET": "y"})
    summary = Pipeline(config, store).run({
        "tiktok": lambda: TikTokCollector(config, polite(down, retries=2), "key", "secret"),
        "reddit": lambda: RedditCollector(reddit, config)})
    assert (summary.platforms["tiktok"].status == "failed"
            and "HTTP 503 after 3 tries" in summary.platforms["tiktok"].detail)
    assert len(down.log) == 3
    assert summary.platforms["reddit"].status == "ok" and summary.total("stored", "new") == 11
    assert summary.status == "partial"


# Zhihu -----------------------------------------------------------------------------------------

def zhihu_api(remaining: int | None, items: list[dict], code: int = 0) -> Api:
    def quota(request, body):
        assert request.headers["Authorization"] == "Bearer SECRET" and request.headers["X-Request-Timestamp"]
        if remaining is None:
            return httpx.Response(404, json={"Code": 90001, "Message": "no"})
        return httpx.Response(200, json={"Code": 0, "Data": {"Items": [{"ApiId": "zhihu_search", "Total": 100,
                                                                         "Used": 100 - remaining,
                                                                         "Remaining": remaining}]}})

    def search(request, body):
        assert int(request.url.params["Count"]) <= 10
        return httpx.Response(200, json={"Code": code, "Message": "quota" if code else "", "Data": {"Items": items}})

    return Api({("GET", "/api/v1/quota"): quota, ("GET", "/api/v1/content/zhihu_search"): search})


def test_zhihu_search_respects_the_quota_and_maps_answers(config: Config) -> None:
    items = [{"Title": "如何看待AI伴侣的性别偏见？", "ContentType": "answer", "Url": "https://www.zhihu.com/question/9/answer/123",
              "ContentText": ZH, "VoteUpCount": 50, "CommentCount": 4, "AuthorName": "知乎用户甲",
              "EditTime": 1760000000},
             {"Title": "专栏文章", "ContentType": "article", "Url": "https://zhuanlan.zhihu.com/p/456",
              "ContentText": ZH, "AuthorName": "匿名用户"}]
    api = zhihu_api(3, items)
    collector = ZhihuCollector(config, polite(api), "SECRET")
    queries = collector.queries()
    assert len(queries) == 3 and any("allows 3 of 60" in w for w in collector.warnings)
    posts = list(collector.search(queries[0]))
    assert [p.native_id for p in posts] == ["answer:123", "article:456"]
    assert posts[0].kind is Kind.ANSWER and posts[0].title == "如何看待AI伴侣的性别偏见？" and posts[0].score == 50
    assert posts[1].author is None
    assert "SECRET" not in json.dumps(api.log)


def test_zhihu_stops_when_the_quota_is_spent(config: Config) -> None:
    spent = ZhihuCollector(config, polite(zhihu_api(0, [])), "SECRET")
    assert spent.queries() == []
    refused = ZhihuCollector(config, polite(zhihu_api(None, [], code=30002)), "SECRET")
    queries = refused.queries()
    with pytest.raises(CollectorFailed, match="quota spent"):
        list(refused.search(queries[0]))


def test_real_zhihu_api_objects(recordings: Path) -> None:
    search = json.loads((recordings / "zhihu/zhihu-plus-plus_search_v3_general_q-kotlin_sanitized_2025-08.json")
                        .read_text())
    detail = json.loads((recordings / "zhihu/zhihu-plus-plus_answer_detail_sanitized.json").read_text())
    from_search = map_api_object(search["data"][0]["object"], Provenance("import"))
    from_detail = map_api_object(detail, Provenance("import"))
    assert from_search.native_id == from_detail.native_id == "answer:1936787046304842491"
    assert from_detail.title == from_search.title and from_detail.thread_id == "1924054028658116132"
    assert from_detail.url == "https://www.zhihu.com/question/1924054028658116132/answer/1936787046304842491"
    assert from_detail.text and "<" not in from_detail.text[:200]
    assert from_detail.created_at == datetime.fromtimestamp(1754546015, tz=UTC)


# Weibo -----------------------------------------------------------------------------------------

STATUS = {"id": 4800, "idstr": "4800", "mid": "4800", "bid": "AbC", "created_at": "Wed Aug 24 22:03:13 +0800 2022",
          "text": "转发理由 <a href='/n/x'>@某人</a>", "user": {"id": 77, "screen_name": "转发者"},
          "visible": {"type": 0}, "attitudes_count": 3, "comments_count": 1,
          "retweeted_status": {"id": 4700, "idstr": "4700", "bid": "XyZ",
                               "created_at": "Tue Aug 23 10:00:00 +0800 2022",
                               "text": ZH, "user": {"id": 66, "screen_name": "原作者"}, "visible": {"type": 0}}}


def test_weibo_open_api_search_maps_statuses_and_reposts(config: Config) -> None:
    def search(request, body):
        assert request.url.params["access_token"] == "TOKEN"
        page = int(request.url.params["page"])
        return httpx.Response(200, json={"statuses": [STATUS] if page == 1 else [], "total_number": 1})

    api = Api({("GET", "/2/search/topics.json"): search})
    collector = WeiboCollector(config, polite(api), "TOKEN")
    posts = list(collector.search(collector.queries()[0]))
    assert [p.native_id for p in posts] == ["4800", "4700"]
    repost, original = posts
    assert repost.parent_id == "4700" and repost.text == "转发理由 @某人" and repost.url == "https://weibo.com/77/AbC"
    assert original.created_at == datetime(2022, 8, 23, 2, 0, tzinfo=UTC)
    assert all(p.visibility is Visibility.PUBLIC for p in posts)
    assert all("TOKEN" not in entry for entry in collector.client.log)  # the token never reaches a log


def test_weibo_flags_deleted_and_non_public_statuses() -> None:
    hidden = map_status({**STATUS, "visible": {"type": 6}, "retweeted_status": None}, Provenance("weibo_open_api"))
    assert hidden[0].visibility is Visibility.PRIVATE
    gone = map_status({"id": 1, "idstr": "1", "deleted": "1", "text": "此微博已被作者删除"},
                      Provenance("weibo_open_api"))
    assert gone[0].deleted and gone[0].author is None


def test_real_weibo_mblog_cards(recordings: Path) -> None:
    page = json.loads((recordings / "weibo/dataabc-weibo-crawler_m-weibo-cn_container_getIndex_"
                                    "user-timeline_2022-08-24.json").read_text())
    posts = [p for card in page["data"]["cards"] for p in map_status(card["mblog"], Provenance("import"))]
    assert len(posts) == 15  # ten statuses, five of them reposts with their originals
    assert all(p.created_at and p.created_at.tzinfo is UTC for p in posts)
    assert all("<" not in p.text for p in posts) and posts[0].created_at.year == 2022
    assert sum(p.parent_id is not None for p in posts) == 5


# Douban ----------------------------------------------------------------------------------------

def douban_list(rows: list[tuple[str, str]]) -> str:
    body = "".join(f'<tr><td class="title"><a href="https://www.douban.com/group/topic/{tid}/" '
                   f'title="{title}">{title}</a></td>'
                   f'<td><a href="https://www.douban.com/people/u{tid}/">user{tid}</a></td><td>12</td>'
                   f'<td class="time">08-30 23:58</td></tr>' for tid, title in rows)
    return f'<table class="olt"><tr><td>话题</td><td>作者</td><td>回应</td><td>最后回应</td></tr>{body}</table>'


def douban_topic(tid: str, text: str) -> str:
    return (f'<div class="group-item"><div class="title"><a href="https://www.douban.com/group/aicomp/">AI伴侣小组</a></div></div>'
            f'<h1>话题{tid}</h1><div class="topic-doc"><span class="from"><a href="https://www.douban.com/people/op{tid}/">楼主</a>'
            f'</span><span class="color-green">2026-10-01 12:00:00</span>'
            f'<div class="topic-content"><p>{text}</p></div></div>'
            f'<ul id="comments"><li class="comment-item" data-cid="9{tid}"><div class="reply-doc"><h4>'
            f'<a href="https://www.douban.com/people/r1/">回应者</a></h4>'
            f'<span class="pubtime">2026-10-01 13:00:00</span>'
            f'<p class="reply-content">我也遇到过，AI角色说我胖</p></div></li></ul>')


def test_douban_groups_are_read_matched_locally_and_politely(config: Config) -> None:
    pages = {"/group/aicomp/discussion": douban_list([("1", "AI男友说女生就该听话，太厌女了"), ("2", "新人报到"),
                                                      ("3", "角色说我胖，这是身材羞辱吗")]),
             "/group/topic/1/": douban_topic("1", ZH)}
    seen: list[str] = []
    slept: list[float] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path + ("?" + request.url.query.decode() if request.url.query else ""))
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /search\nDisallow: /group/search\n")
        if request.url.path == "/group/private/discussion":
            return httpx.Response(200, text="<html><p>请登录后查看</p></html>")
        if request.url.path == "/group/topic/3/":
            return httpx.Response(404, text="not found")
        return httpx.Response(200, text=pages.get(request.url.path, "<html></html>"))

    settings = dataclasses.replace(config.douban, groups=("aicomp", "private"), pages=2)
    client = PoliteClient(transport=httpx.MockTransport(site), sleep=slept.append, min_interval=5.0)
    douban_config = dataclasses.replace(config, douban=settings)
    collector = DoubanCollector(douban_config, client, title_matcher(douban_config))
    posts = [p for q in collector.queries() for p in collector.search(q)]
    assert [p.native_id for p in posts] == ["1", "comment:91"]
    assert posts[0].community == "AI伴侣小组" and posts[0].provenance.route == "douban_group_pages"
    assert not any("/search" in path for path in seen)  # never the paths robots.txt disallows
    assert "/group/topic/2/" not in seen  # titles that match nothing are not fetched
    assert collector.info == {"deleted topics": 1, "private or closed groups": 1}
    assert all(4.0 < s <= 5.0 for s in slept if s > 0) and len([s for s in slept if s > 0]) >= 4


def test_douban_list_dates_without_a_year() -> None:
    fetched = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
    assert resolve_time("02-28 23:58", fetched).year == 2026
    assert resolve_time("08-30 23:58", fetched).year == 2025  # later in the year than the fetch: last year
    assert resolve_time("2016-08-30", fetched).year == 2016


def test_real_douban_discussion_list(recordings: Path) -> None:
    html = (recordings / "douban/soyking_douban_group_beijingzufang_"
                         "discussion_list_2016-09.html").read_text(encoding="utf-8")
    rows = parse_topic_list(html, datetime(2016, 9, 16, tzinfo=UTC))
    assert len(rows) >= 20 and len({r.topic_id for r in rows}) == len(rows)
    assert all(r.title and r.topic_id.isdigit() for r in rows)
    assert all(r.last_reply_at is None or r.last_reply_at.year == 2016 for r in rows)
    assert sum(r.replies is not None for r in rows) > len(rows) / 2


def test_real_zhihu_captures_import(recordings: Path) -> None:
    from plaint.collectors.imports import FileImporter

    path = recordings / "zhihu/zhihu-plus-plus_search_v3_general_q-kotlin_sanitized_2025-08.json"
    importer = FileImporter(path)
    posts = list(importer.search(Query("import", str(path), "file")))
    assert importer.info["formats"] == {"zhihu-api-objects": 1} and [p.native_id for p in posts] == [
        "answer:1936787046304842491"]
