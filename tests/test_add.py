"""`plaint add URL`: fetched pages (Tieba threads, Douban topics) where robots.txt allows, the
researcher's own text everywhere else."""

from __future__ import annotations

import html as html_lib
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from plaint.cli import app
from plaint.collectors.douban import parse_topic
from plaint.collectors.pages import PageCollector, page_collector
from plaint.collectors.tieba import parse_thread
from plaint.config import default_config
from plaint.errors import CollectorFailed, ConfigError
from plaint.http import PoliteClient
from plaint.pipeline import Pipeline
from plaint.post import Kind, Provenance
from plaint.storage.models import PostRow
from plaint.storage.store import Store

OPENING = "星野的AI男友一直说女生就该在家带孩子，这是厌女吧？我重新生成了好几次。"
REPLY = "我在筑梦岛也遇到过，角色嘲笑我坐轮椅，我直接骂回去了。"


def floor(post_id: int, post_no: int, user: str, text: str, when: str) -> str:
    field = html_lib.escape(json.dumps({"author": {"user_id": 100 + post_no, "user_name": user,
                                                   "portrait": f"tb.{user}", "user_nickname": user},
                                        "content": {"post_id": post_id, "thread_id": 8800, "forum_id": 5,
                                                    "post_no": post_no, "comment_num": 0}}, ensure_ascii=False))
    return (f'<div class="l_post j_l_post l_post_bright" data-field="{field}"><div class="d_post_content_main">'
            f'<div id="post_content_{post_id}" class="d_post_content j_d_post_content">{text}</div></div>'
            f'<div class="post-tail-wrap"><span class="tail-info">{post_no}楼</span>'
            f'<span class="tail-info">{when}</span></div></div>')


THREAD = ('<html><body><a class="card_title_fname">AI伴侣吧</a><h3 class="core_title_txt" title="AI男友太厌女了">'
          'AI男友太厌女了</h3>' + floor(1, 1, "楼主小明", OPENING, "2026-10-05 20:15")
          + '<div class="l_post j_l_post" data-field="{}">an advert</div>'
          + floor(2, 2, "回复者", REPLY, "2026-10-05 21:00") + "</body></html>")
ROBOTS_ALLOW = "User-agent: *\nDisallow: /f/search\n"


def transport(robots: str, pages: dict[str, str], seen: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text=robots)
        if request.url.path in pages:
            return httpx.Response(200, text=pages[request.url.path])
        return httpx.Response(404)
    return httpx.MockTransport(answer)


def test_a_tieba_thread_is_fetched_and_read_floor_by_floor(store: Store) -> None:
    seen: list[str] = []
    client = PoliteClient(transport=transport(ROBOTS_ALLOW, {"/p/8800": THREAD}, seen), sleep=lambda s: None)
    url = "https://tieba.baidu.com/p/8800"
    summary = Pipeline(default_config(), store).run({url: lambda: page_collector(url, client)}, command="add")
    assert summary.status == "ok" and seen == ["/robots.txt", "/p/8800"]
    with store.database.session() as session:
        stored = {r.native_id: r for r in session.scalars(select(PostRow))}
    thread = stored["8800"]
    assert thread.kind == "post" and thread.title == "AI男友太厌女了" and thread.community == "AI伴侣吧"
    assert thread.route == "add_url" and thread.created_at == datetime(2026, 10, 5, 12, 15, tzinfo=UTC)
    reply = stored["comment:2"]
    assert reply.kind == "comment" and reply.parent_id == "8800" and reply.url.endswith("?pid=2#2")


def test_robots_txt_refusing_the_page_means_it_is_never_fetched() -> None:
    seen: list[str] = []
    client = PoliteClient(transport=transport("User-agent: *\nDisallow: /\n", {"/p/8800": THREAD}, seen),
                          sleep=lambda s: None)
    with pytest.raises(CollectorFailed, match="does not allow fetching /p/8800; give the post with --text"):
        page_collector("https://tieba.baidu.com/p/8800", client)
    assert seen == ["/robots.txt"]


def test_pages_plaint_cannot_read_say_why_and_ask_for_text() -> None:
    client = PoliteClient(transport=transport(ROBOTS_ALLOW, {}, []), sleep=lambda s: None)
    with pytest.raises(ConfigError, match=r"Xiaohongshu's robots\.txt disallows every bot.*--text"):
        PageCollector("https://www.xiaohongshu.com/explore/abc", client)
    with pytest.raises(ConfigError, match="Weibo's pages need a login"):
        PageCollector("https://weibo.com/123/AbC", client)


def test_add_with_text_through_the_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["add", "https://www.xiaohongshu.com/explore/abc123?xsec_token=T", "--text", OPENING,
                                 "--author", "小红薯", "--created", "2026-10-02T21:14+08:00", "--db", "study.db",
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {c["stage"]: c["outcome"] for c in report["counts"]}["stored"] == "new"
    candidates = json.loads(runner.invoke(app, ["candidates", "--db", "study.db", "--format", "json"]).stdout)
    assert candidates[0]["platform"] == "xiaohongshu" and candidates[0]["handle"] == "小红薯"
    refused = runner.invoke(app, ["add", "https://www.xiaohongshu.com/explore/abc123", "--db", "study.db"])
    assert refused.exit_code == 2 and "--text" in refused.output
    unknown = runner.invoke(app, ["add", "https://example.org/post/1", "--text", OPENING, "--db", "study.db"])
    assert unknown.exit_code == 2 and "--platform" in unknown.output


def test_a_post_added_by_a_forgotten_author_is_stored_without_them(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "--db", "study.db"]).exit_code == 0
    assert runner.invoke(app, ["forget", "tiktok:some_creator", "--db", "study.db"]).exit_code == 0
    url = "https://www.tiktok.com/@some_creator/video/7300000000000000001"
    result = runner.invoke(app, ["add", url, "--text", "My c.ai bot keeps saying women should not code, so sexist. "
                                 "I regenerated it five times.", "--author", "Some_Creator", "--db", "study.db",
                                 "--json"])
    assert result.exit_code == 0, result.output
    counts = {(c["stage"], c["outcome"]): c["count"] for c in json.loads(result.stdout)["counts"]}
    assert counts[("stored", "new")] == 1 and counts[("forgotten", "stored without the author")] == 1
    with sqlite3.connect("study.db") as raw:
        assert raw.execute("select author_id, url, request_url, no_contact from posts").fetchall() == [
            (None, None, None, "author asked to be forgotten")]
        assert raw.execute("select count(*) from authors").fetchone() == (0,)


def test_real_tieba_thread_page(recordings: Path) -> None:
    page = (recordings / "tieba/mediacrawler_tieba_p_thread_9117905169_page_2024-08.html").read_text(encoding="utf-8")
    posts = parse_thread(page, "https://tieba.baidu.com/p/9117905169", Provenance("add_url"))
    assert len(posts) == 30
    assert posts[0].kind is Kind.POST and posts[0].native_id == "9117905169" and posts[0].title
    assert posts[0].community and all(p.community == posts[0].community for p in posts)
    assert all(p.kind is Kind.COMMENT and p.thread_id == "9117905169" for p in posts[1:])
    assert all(p.created_at is not None and p.created_at.year == 2024 for p in posts)
    assert len({p.native_id for p in posts}) == 30 and all(p.text for p in posts[:1])


def test_real_douban_topic_page(recordings: Path) -> None:
    page = (recordings / "douban/soyking_douban_group_topic_90142335_page_2016-09.html").read_text(encoding="utf-8")
    posts = parse_topic(page, "https://www.douban.com/group/topic/90142335/", Provenance("add_url"))
    assert len(posts) == 101 and posts[0].kind is Kind.POST and posts[0].native_id == "90142335"
    assert posts[0].created_at == datetime(2016, 8, 26, 8, 30, 57, tzinfo=UTC)
    assert posts[0].community and posts[0].title and posts[0].text
    assert all(p.parent_id == "90142335" for p in posts[1:])
    assert any(p.author is None for p in posts[1:])  # the closed ([已注销]) account
    assert sum(p.author is not None for p in posts) > 90
