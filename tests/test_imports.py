"""`plaint import`: every format, bad input, encodings and re-imports, on files written here in
each format's shape, and on the real captures in ../shared/recordings when they are there."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import zstandard
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from typer.testing import CliRunner

from plaint.cli import EXIT_NOTHING_RAN, EXIT_PARTIAL, app
from plaint.collectors.imports import FileImporter, import_sources, readers
from plaint.collectors.imports.readers import (
    MAX_LINE_CHARS,
    MAX_TEXT_CHARS,
    Span,
    Truncated,
    guess_encoding,
    ndjson_lines,
    ndjson_spans,
    open_text,
    spans_readable,
)
from plaint.collectors.imports.values import BadRecord, count, timestamp
from plaint.config import default_config
from plaint.pipeline import Pipeline
from plaint.post import Kind, Visibility
from plaint.queries import Query
from plaint.storage.models import PostRow
from plaint.storage.store import Store

EN = "My Character.AI bot called me fat and said no one would date me. I regenerated it three times."
ZH = "星野的AI男友说女生就该在家带孩子，太厌女了，我重新生成了好几次。"
ZH2 = "筑梦岛的角色嘲笑我坐轮椅，说我是家人的负担，我直接骂回去了。"


def write_lines(path: Path, records: list, raw_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tiktok(video_id: str, desc: str, private: bool = False) -> dict:
    return {"nav_index": "0", "item_id": video_id, "timestamp_collected": 1760000000000,
            "source_platform": "tiktok.com", "source_platform_url": "https://www.tiktok.com/search?q=x",
            "source_url": "https://www.tiktok.com/api/search/item/full/?keyword=x", "user_agent": "Mozilla/5.0",
            "id": video_id, "data": {"id": video_id, "desc": desc, "createTime": 1759990000, "isAd": False,
                                     "privateItem": private, "secret": False,
                                     "author": {"id": "6800", "uniqueId": f"user_{video_id}", "nickname": "N",
                                                "privateAccount": False},
                                     "stats": {"diggCount": 1200, "commentCount": 33, "playCount": 9000}}}


def xhs_note(note_id: str, desc: str, liked: str = "1.4万") -> dict:
    return {"note_id": note_id, "type": "normal", "title": "AI男友太离谱", "desc": desc, "video_url": "",
            "time": 1759990000000, "last_update_time": 1759990000000, "user_id": f"u{note_id}",
            "nickname": f"小红薯{note_id}", "avatar": "", "liked_count": liked, "collected_count": "10",
            "comment_count": "3", "share_count": "1", "ip_location": "上海", "image_list": "", "tag_list": "AI男友",
            "last_modify_ts": 1760000000000, "note_url": f"https://www.xiaohongshu.com/explore/{note_id}?xsec_token=SECRET",
            "source_keyword": "AI男友", "xsec_token": "SECRET"}


def run_import(store: Store, *paths: Path, **options):
    return Pipeline(default_config(), store).run(import_sources(list(paths), **options), command="import")


def rows(store: Store) -> dict[tuple[str, str], PostRow]:
    with store.database.session() as session:
        stored = session.scalars(select(PostRow).options(joinedload(PostRow.author)))
        return {(r.platform, r.native_id): r for r in stored}


# Formats ---------------------------------------------------------------------------------------

def test_zeeschuimer_tiktok_capture(store: Store, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "capture.ndjson", [tiktok("111", EN), tiktok("222", EN + " again", private=True),
                                                     tiktok("333", "cooking pasta tonight #food")])
    summary = run_import(store, path)
    assert summary.platforms[str(path)].info["formats"] == {"zeeschuimer-tiktok": 3}
    stored = rows(store)
    video = stored[("tiktok", "111")]
    assert video.kind == "video" and video.url == "https://www.tiktok.com/@user_111/video/111"
    assert video.score == 1200 and video.route == "import" and video.request_url == "file:capture.ndjson"
    assert video.created_at == datetime.fromtimestamp(1759990000, tz=UTC)
    assert ("tiktok", "222") not in stored  # private: dropped by the terms-of-service filter
    assert summary.counts[(str(path), "tos", "not public")] == 1


def test_mediacrawler_xiaohongshu_notes_and_comments(store: Store, tmp_path: Path) -> None:
    notes = write_lines(tmp_path / "search_contents.jsonl", [xhs_note("n1", ZH), xhs_note("n2", "今天的晚饭")])
    comments = tmp_path / "search_comments.json"  # MediaCrawler's JSON export: one array
    comments.write_text(json.dumps([
        {"comment_id": "c1", "create_time": 1759990500000, "ip_location": "北京", "note_id": "n1", "content": ZH2,
         "user_id": "u9", "nickname": "评论者", "avatar": "", "sub_comment_count": "0", "pictures": "",
         "parent_comment_id": "0", "last_modify_ts": 1, "like_count": "2.3万"}], ensure_ascii=False), encoding="utf-8")
    summary = run_import(store, notes, comments)
    assert summary.platforms[str(comments)].info["formats"] == {"mediacrawler-xhs-comments": 1}
    stored = rows(store)
    note = stored[("xiaohongshu", "n1")]
    assert note.score == 14000 and note.url == "https://www.xiaohongshu.com/explore/n1"  # no session token kept
    assert "SECRET" not in json.dumps([note.url, note.request_url])
    comment = stored[("xiaohongshu", "comment:c1")]
    assert comment.kind == "comment" and comment.parent_id == "n1" and comment.score == 23000
    assert ("xiaohongshu", "n2") not in stored


def test_mediacrawler_weibo_tieba_zhihu_douyin(store: Store, tmp_path: Path) -> None:
    weibo = tmp_path / "weibo_contents.csv"
    with weibo.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["note_id", "content", "create_time", "create_date_time",
                                                    "liked_count", "comments_count", "shared_count", "note_url",
                                                    "user_id", "nickname", "profile_url"])
        writer.writeheader()
        writer.writerow({"note_id": "4800", "content": ZH2, "create_time": "1759990000",
                         "create_date_time": "2025-10-09 13:46:40", "liked_count": "5", "comments_count": "1",
                         "shared_count": "0", "note_url": "https://m.weibo.cn/detail/4800", "user_id": "77",
                         "nickname": "微博用户", "profile_url": ""})
    tieba = tmp_path / "tieba_contents.json"
    tieba.write_text(json.dumps([{"note_id": "9001", "title": "AI角色说女人就该听话", "desc": ZH,
                                  "note_url": "https://tieba.baidu.com/p/9001", "publish_time": "2024-08-05 16:45",
                                  "user_link": "/home/main?un=abc", "user_nickname": "吧友", "user_avatar": "",
                                  "tieba_name": "AI伴侣吧", "tieba_link": "https://tieba.baidu.com/f?kw=x",
                                  "total_replay_num": 12, "total_replay_page": 1, "ip_location": ""}],
                                ensure_ascii=False), encoding="utf-8")
    zhihu = write_lines(tmp_path / "zhihu_contents.jsonl", [{
        "content_id": "123", "content_type": "answer", "content_text": ZH, "content_url": "https://www.zhihu.com/answer/123",
        "question_id": "99", "title": "如何看待AI伴侣的偏见？", "desc": "", "created_time": 1759990000,
        "updated_time": 1759990000, "voteup_count": 50, "comment_count": 4, "source_keyword": "AI伴侣",
        "user_id": "z1", "user_link": "https://www.zhihu.com/people/zz", "user_nickname": "知乎用户",
        "user_avatar": "", "user_url_token": "zz"}])
    douyin = write_lines(tmp_path / "dy_contents.jsonl", [{
        "aweme_id": "7300", "aweme_type": "0", "title": ZH2, "desc": ZH2, "create_time": 1759990000,
        "user_id": "d1", "sec_uid": "MS4w", "nickname": "抖音用户", "liked_count": "1.2万", "comment_count": "8",
        "aweme_url": "https://www.douyin.com/video/7300"}])
    summary = run_import(store, weibo, tieba, zhihu, douyin)
    assert {s: r.info["formats"] for s, r in summary.platforms.items()} == {
        str(weibo): {"mediacrawler-weibo-notes": 1}, str(tieba): {"mediacrawler-tieba-notes": 1},
        str(zhihu): {"mediacrawler-zhihu-contents": 1}, str(douyin): {"mediacrawler-douyin-videos": 1}}
    stored = rows(store)
    assert stored[("tieba", "9001")].created_at == datetime(2024, 8, 5, 8, 45, tzinfo=UTC)  # Beijing time
    assert stored[("tieba", "9001")].community == "AI伴侣吧"
    assert stored[("zhihu", "answer:123")].kind == "answer" and stored[("zhihu", "answer:123")].thread_id == "99"
    assert stored[("douyin", "7300")].score == 12000
    assert stored[("weibo", "4800")].author.profile_url == "https://weibo.com/u/77"


def test_reddit_archive_dumps_plain_and_zstandard(store: Store, tmp_path: Path) -> None:
    submission = {"id": "abc123", "name": "t3_abc123", "subreddit": "CharacterAI", "title": "Bot was so sexist",
                  "selftext": EN, "author": "dump_user", "created_utc": 1700000000, "score": 40, "num_comments": 1,
                  "over_18": False, "locked": False, "permalink": "/r/CharacterAI/comments/abc123/bot/",
                  "subreddit_type": "public", "is_self": True}
    removed = dict(submission, id="abc999", name="t3_abc999", selftext="[removed]", removed_by_category="moderator")
    raw = "\n".join(json.dumps(r) for r in (submission, removed)).encode() + b"\n"
    dump = tmp_path / "CharacterAI_submissions.zst"
    dump.write_bytes(zstandard.ZstdCompressor(level=3, write_content_size=False).compress(raw))
    comments = write_lines(tmp_path / "CharacterAI_comments.ndjson", [{
        "id": "k1", "name": "t1_k1", "body": "Same, my bot told me women are too emotional. So sexist.",
        "author": "dump_commenter", "link_id": "t3_abc123", "parent_id": "t3_abc123", "subreddit": "CharacterAI",
        "created_utc": 1700000500, "score": 3, "permalink": "/r/CharacterAI/comments/abc123/bot/k1/"}])
    summary = run_import(store, dump, comments)
    assert summary.platforms[str(dump)].info["formats"] == {"reddit-dump-submissions": 2}
    stored = rows(store)
    assert stored[("reddit", "t3_abc123")].route == "archive_dump"
    assert ("reddit", "t3_abc999") not in stored and summary.counts[(str(dump), "tos", "removed")] == 1
    assert stored[("reddit", "t1_k1")].parent_id == "t3_abc123"


def test_plaint_template_in_gb18030_and_the_printed_template(store: Store, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "--template", "csv"])
    header, _example = result.output.splitlines()[:2]
    assert header.startswith("platform,url,native_id,kind")
    path = tmp_path / "hand.csv"
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(header.split(","))
    writer.writerow(["weibo", "https://weibo.com/1/AbC", "", "post", "", "", ZH2, "手动作者", "", "",
                     "2026-10-02 10:00", "", "7", "", "", "", ""])
    writer.writerow(["xiaohongshu", "", "", "note", "", "标题", ZH, "另一位", "", "", "", "", "", "", "", "", ""])
    path.write_bytes(body.getvalue().encode("gb18030"))
    summary = run_import(store, path)
    info = summary.platforms[str(path)].info
    assert info["encoding"] == "gb18030" and info["formats"] == {"plaint-template": 2}
    stored = rows(store)
    assert stored[("weibo", "https://weibo.com/1/AbC")].text == ZH2
    assert any(key[1].startswith("sha1:") for key in stored)  # no url, no id: a stable hash of the text
    assert json.loads(CliRunner().invoke(app, ["import", "--template", "jsonl"]).output)["platform"] == "xiaohongshu"


def test_a_bom_is_not_part_of_the_first_column(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("\ufeffplatform,text,author\nweibo," + ZH2 + ",someone\n", encoding="utf-8")
    summary = run_import(store, path)
    assert summary.platforms[str(path)].info["formats"] == {"plaint-template": 1}


# Bad input -------------------------------------------------------------------------------------

def test_malformed_lines_are_reported_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "mixed.ndjson", [tiktok("1", EN), tiktok("2", EN + " two")],
                       raw_lines=("{not json", "[1, 2]", json.dumps(tiktok("3", EN + " three")),
                                  json.dumps({"source_platform": "tiktok.com", "data": {"desc": "no id"}})))
    summary = run_import(store, path)
    info = summary.platforms[str(path)].info
    assert info["records"] == 3 and info["bad"] == 3
    assert [p["where"] for p in info["problems"]] == ["line 3", "line 4", "line 6"]
    assert "not JSON" in info["problems"][0]["problem"] and "no id" in info["problems"][2]["problem"]
    assert {k[1] for k in rows(store)} == {"1", "2", "3"}


def hand(native_id: str, **fields) -> dict:
    return {"platform": "reddit", "native_id": native_id, "author": f"u{native_id}", "text": EN, **fields}


def test_one_bad_record_is_one_bad_record_and_the_rest_of_the_file_is_read(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "hand.jsonl", [
        hand("t3_1"),
        hand("t3_2", created_at="0001-01-01T00:00:00+14:00"),       # the year 0 in UTC
        hand("t3_3", created_at="9999-12-31T23:00:00-05:00"),       # the year 10000 in UTC
        hand("t3_4", text=["Character.AI", "sexist"]), hand("t3_5", text=12345), hand("t3_6", text=True),
        hand("t3_7", title={"a": 1}), hand("t3_8", created_at=10 ** 15), hand("t3_9", author=["x"]),
        hand("t3_10", text="My c.ai bot was sexist. " + "x" * 1_000_000),   # longer than a post may hold
        hand("t3_11", text=EN + " the last one"),
    ])
    result = CliRunner().invoke(app, ["import", str(path), "--db", "study.db", "--json"])
    assert result.exit_code == 0, result.output  # the file was read: its bad records are counted, not fatal
    info = json.loads(result.stdout)["sources"][str(path)]
    assert info["records"] == 2 and info["bad"] == 9
    problems = {p["where"]: p["problem"] for p in info["problems"]}
    assert list(problems) == [f"line {n}" for n in range(2, 11)]
    assert "outside the years 1 to 9999" in problems["line 2"] and "outside the years 1 to 9999" in problems["line 3"]
    assert problems["line 4"].endswith("text is a list, not text") and "text is a number" in problems["line 5"]
    assert "text is true or false" in problems["line 6"] and "title is an object" in problems["line 7"]
    assert "outside the years a date can have" in problems["line 8"] and "author is a list" in problems["line 9"]
    assert "more than the 1,000,000 a post may hold" in problems["line 10"]
    with sqlite3.connect("study.db") as raw:
        assert sorted(raw.execute("select native_id from posts")) == [("t3_1",), ("t3_11",)]


def test_posts_dated_after_tomorrow_are_counted_as_suspicious(tmp_path: Path) -> None:
    soon = datetime.now(UTC) + timedelta(hours=20)  # a zone ahead of UTC: not suspicious
    path = write_lines(tmp_path / "hand.jsonl", [
        hand("t3_1", created_at="2099-10-02T10:00:00+00:00"), hand("t3_2", created_at=soon.isoformat()),
        hand("t3_3", created_at=str(int(datetime(2090, 1, 1, tzinfo=UTC).timestamp()))),
        hand("t3_4", created_at="2024-10-02T10:00:00+00:00")])
    result = CliRunner().invoke(app, ["import", str(path), "--db", "study.db"])
    assert result.exit_code == 0 and "4 records, 0 bad; 2 dated after tomorrow (suspicious" in result.output
    report = json.loads(CliRunner().invoke(app, ["import", str(path), "--db", "study.db", "--json"]).stdout)
    ahead = {"source": str(path), "stage": "suspicious", "outcome": "dated after tomorrow", "count": 2}
    assert ahead in report["counts"]
    with sqlite3.connect("study.db") as raw:
        assert raw.execute("select count(*) from posts").fetchone() == (4,)  # stored as found, only counted


def test_a_line_too_long_for_any_record_is_not_decoded() -> None:
    lines = io.StringIO('{"a": 1}\n' + '{"text": "' + "x" * (MAX_LINE_CHARS + 1) + '"}\n{"b": 2}\n')
    first, record, last = ndjson_lines(lines)
    assert first == (1, '{"a": 1}\n') and last == (3, '{"b": 2}\n')
    assert record.data is None and record.where == "line 2" and "longer than a record" in record.problem


def _by_spans(path: Path, encoding: str) -> list:
    spans = ndjson_spans(path, encoding)
    return [item for span in spans for item in (span.lines() if isinstance(span, Span) else span)]


def _spiky_lines() -> list[str]:
    """Lines of every length around the (shrunk) span and line limits, blank ones among them."""
    lines = []
    for n in range(60):
        text = ("女" if n % 3 == 0 else "x") * (n * 7 % 170)
        lines.append("" if n % 11 == 5 else "   " if n % 13 == 6 else json.dumps({"n": n, "text": text},
                                                                                   ensure_ascii=n % 2 == 0))
    return lines


@pytest.mark.parametrize("name, content", [
    ("plain", ("\n".join(_spiky_lines()) + "\n").encode()),
    ("no final newline", "\n".join(_spiky_lines()).encode()),
    ("crlf", ("\r\n".join(_spiky_lines()) + "\r\n").encode()),
    ("bom", b"\xef\xbb\xbf" + ("\n".join(_spiky_lines()) + "\n").encode()),
    ("raw separators in strings", '{"a": "one\u2028two\x1cthree\x85"}\n{"b": 2}\n'.encode()),
    ("gb18030", ("\n".join(_spiky_lines()) + "\n").encode("gb18030")),
    ("a long last line", ("{}\n" + "y" * 400).encode()),
])
def test_workers_reading_a_file_by_place_get_the_lines_the_line_reader_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes) -> None:
    """Spans (read by the workers themselves) and the line reader see the same numbered lines and
    the same over-long ones, whatever falls on a span's edge: here spans of 64 bytes, lines of
    at most 150 characters."""
    monkeypatch.setattr(readers, "SPAN_BYTES", 64)
    monkeypatch.setattr(readers, "MAX_LINE_CHARS", 150)
    path = tmp_path / f"{name}.ndjson"
    path.write_bytes(content)
    encoding = guess_encoding(path)
    assert spans_readable(path, encoding)
    with open_text(path, encoding) as handle:
        expected = list(ndjson_lines(handle))
    assert _by_spans(path, encoding) == expected
    assert any(isinstance(item, readers.Record) for item in expected) == (name not in ("raw separators in strings",))


def test_a_file_that_stops_decoding_gives_every_line_before_and_says_where(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "SPAN_BYTES", 256)
    path = tmp_path / "broken.ndjson"
    good = [json.dumps({"n": n, "text": "fine " * n}) for n in range(30)]
    path.write_bytes(("\n".join(good) + "\n").encode() + b'{"n": "\xff\xfe"}\n{"n": 99}\n')
    found = []
    with pytest.raises(Truncated, match="unreadable after line 30 "):
        for span in ndjson_spans(path, "utf-8"):
            found += span.lines() if isinstance(span, Span) else span
    assert [item[0] for item in found] == list(range(1, 31))


def test_files_not_read_by_place(tmp_path: Path) -> None:
    """A lone carriage return ends a line for Python's text reader: such a file, a compressed
    one or one in UTF-16 is read line by line as before."""
    old_mac = tmp_path / "old.ndjson"
    old_mac.write_bytes(b'{"a": 1}\r{"b": 2}\r')
    assert not spans_readable(old_mac, "utf-8")
    assert not spans_readable(tmp_path / "dump.zst", "utf-8")
    assert not spans_readable(old_mac, "utf-16")


def test_a_csv_field_too_long_is_one_bad_row(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "hand.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "native_id", "text"])
        writer.writerow(["reddit", "a", EN])
        writer.writerow(["reddit", "b", "x" * (MAX_TEXT_CHARS + 5)])
        writer.writerow(["reddit", "c", EN + " after the long one"])
    info = run_import(store, path).platforms[str(path)].info
    assert info["records"] == 2 and info["problems"] == [
        {"where": "line 3", "problem": "a field longer than 1,000,000 characters"}]


def test_strict_stops_at_the_first_bad_line_and_stores_nothing_of_that_file(store: Store, tmp_path: Path) -> None:
    bad = write_lines(tmp_path / "bad.ndjson", [tiktok("1", EN)], raw_lines=("{oops",))
    good = write_lines(tmp_path / "good.ndjson", [tiktok("9", EN + " nine")])
    summary = run_import(store, bad, good, strict=True)
    assert summary.platforms[str(bad)].status == "failed"
    detail = summary.platforms[str(bad)].detail
    assert "line 2" in detail and "nothing from this file" in detail
    assert set(rows(store)) == {("tiktok", "9")}


def test_a_truncated_file_keeps_what_came_before_the_cut(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.ndjson"
    full = json.dumps(tiktok("1", EN)) + "\n" + json.dumps(tiktok("2", EN + " two"))
    path.write_text(full[: len(full) - 30], encoding="utf-8")
    summary = run_import(store, path)
    info = summary.platforms[str(path)].info
    assert info["records"] == 1 and info["problems"] == [{"where": "line 2", "problem": "the last line is cut off"}]
    cut_zst = tmp_path / "cut_submissions.zst"
    line = b'{"id": "x", "subreddit": "a", "title": "t", "selftext": "s"}\n'
    cut_zst.write_bytes(zstandard.ZstdCompressor().compress(line * 50)[:-20])
    info = run_import(store, cut_zst).platforms[str(cut_zst)].info
    assert info["problems"][-1]["problem"].startswith("truncated")


def test_an_empty_file_and_an_unknown_format(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    unknown = write_lines(tmp_path / "weather.jsonl", [{"city": "Oslo", "temp": 3}, {"city": "Rome", "temp": 18}])
    summary = run_import(store, empty, unknown)
    assert summary.platforms[str(empty)].status == "ok" and summary.platforms[str(empty)].info["records"] == 0
    assert any("holds no records" in w for w in summary.warnings)
    failed = summary.platforms[str(unknown)]
    assert failed.status == "failed" and "zeeschuimer-tiktok" in failed.detail and "plaint-template" in failed.detail
    with pytest.raises(Exception, match=r"plaint reads \.csv"):
        FileImporter(tmp_path / "notes.docx")


def test_a_folder_of_mixed_formats_through_the_cli(tmp_path: Path) -> None:
    folder = tmp_path / "captures"
    (folder / "sub").mkdir(parents=True)
    write_lines(folder / "tiktok.ndjson", [tiktok("1", EN)])
    write_lines(folder / "sub" / "xhs.jsonl", [xhs_note("n1", ZH)])
    (folder / ".hidden.jsonl").write_text("garbage\n")
    (folder / "readme.md").write_text("not data\n")
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(folder), "--db", "study.db", "--json"])
    assert result.exit_code == EXIT_PARTIAL  # readme.md cannot be read; the rest is imported
    report = json.loads(result.stdout)
    assert report["sources"][str(folder / "tiktok.ndjson")]["formats"] == {"zeeschuimer-tiktok": 1}
    assert report["sources"][str(folder / "readme.md")]["status"] == "failed"
    assert not any(".hidden" in source for source in report["sources"])
    again = json.loads(runner.invoke(app, ["import", str(folder / "tiktok.ndjson"), str(folder / "sub"),
                                           "--db", "study.db", "--json"]).stdout)
    stored = Counter()
    for c in again["counts"]:
        if c["stage"] == "stored":
            stored[c["outcome"]] += c["count"]
    assert stored == {"unchanged": 2}  # importing the same files again stores nothing new
    nothing = runner.invoke(app, ["import", str(folder / "readme.md"), "--db", "study.db"])
    assert nothing.exit_code == EXIT_NOTHING_RAN


def test_platform_option_narrows_detection(store: Store, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "notes.jsonl", [xhs_note("n1", ZH)])
    summary = run_import(store, path, platform="weibo")
    assert summary.platforms[str(path)].status == "failed"
    assert "for --platform weibo" in json.dumps(summary.platforms[str(path)].info["problems"], ensure_ascii=False)


@pytest.mark.parametrize("value, expected", [("1.4万", 14000), ("10万+", 100000), ("1,234", 1234), (7, 7),
                                             ("2亿", 200000000), ("3.5k", 3500), ("", None)])
def test_counts_as_exports_write_them(value, expected) -> None:
    assert count({"n": value}, "n") == expected


def test_a_count_that_is_not_one_names_its_field() -> None:
    with pytest.raises(BadRecord, match="liked_count is 'lots'"):
        count({"liked_count": "lots"}, "liked_count")


_UTC_1645 = datetime(2024, 8, 5, 16, 45, tzinfo=UTC)


@pytest.mark.parametrize("value, expected", [
    ("2024-08-05T16:45:00Z", _UTC_1645), ("2024-08-05T16:45:00+00:00", _UTC_1645),
    ("2024-08-06T00:45:00+08:00", _UTC_1645), ("2024-08-06 00:45", _UTC_1645),  # no zone: Beijing
    ("2024/08/06 00:45", _UTC_1645), (" 2024-08-05T16:45:00Z ", _UTC_1645), (1722876300, _UTC_1645),
    ("1722876300000", _UTC_1645), ("", None), (None, None),
])
def test_times_as_exports_write_them(value, expected) -> None:
    assert timestamp({"t": value}, "t") == expected


@pytest.mark.parametrize("value", ["yesterday", "2024-13-45", ["2024-08-05"]])
def test_a_time_that_is_not_one_names_its_field(value) -> None:
    with pytest.raises(BadRecord, match=r"created is .*, not a time"):
        timestamp({"created": value}, "created")


# The real captures -----------------------------------------------------------------------------

def test_real_captures_import_completely(store: Store, recordings: Path) -> None:
    paths = {"tiktok": recordings / "tiktok/zeeschuimer_tiktok_web_search_item_full_q-fosfor_2023-10.ndjson",
             "notes": recordings / "xiaohongshu"
             / "mediacrawler_export_xhs_search_contents_kw-jinhuidaxue_2026-04-01.jsonl",
             "comments": recordings / "xiaohongshu"
             / "mediacrawler_export_xhs_search_comments_kw-jinhuidaxue_2026-04-01.jsonl",
             "page": recordings / "xiaohongshu/xpzouying-xhs-mcp_note_page_initial_state_68be8f27_2025-09-08.json"}
    # Nine of the 96 TikTok videos have no caption and eight of the 1,357 comments are only a sticker
    # or picture: nothing to read, each a "no text" bad record.
    expected = {"tiktok": {"zeeschuimer-tiktok": 87}, "notes": {"mediacrawler-xhs-notes": 240},
                "comments": {"mediacrawler-xhs-comments": 1349}, "page": {"xiaohongshu-page-state": 1}}
    empty = {"tiktok": 9, "comments": 8}
    for name, path in paths.items():
        importer = FileImporter(path)
        posts = list(importer.search(Query("import", str(path), "file")))
        assert importer.info["formats"] == expected[name], name
        assert importer.bad == empty.get(name, 0), name
        assert all("no text and no title" in p["problem"] for p in importer.problems), name
        assert all(p.native_id for p in posts) and all(p.text or p.title for p in posts), name
        assert all(p.created_at is None or p.created_at.tzinfo is UTC for p in posts), name
        assert all(p.url and "xsec_token" not in p.url and "msToken" not in p.url for p in posts), name
        if name == "page":
            note = posts[0]
            assert note.native_id == "68be8f27000000001d02f3ae" and note.kind is Kind.NOTE
            assert len(posts) > 1 and all(p.thread_id == note.native_id for p in posts[1:])
        if name == "tiktok":
            assert all(p.visibility in (Visibility.PUBLIC, Visibility.PRIVATE) for p in posts)
    summary = run_import(store, *paths.values())
    assert summary.status == "ok"
    assert sum(n for (_, stage, _), n in summary.counts.items() if stage == "found") == 87 + 240 + 1349 + len(posts)
