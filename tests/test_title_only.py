"""A post with a title and no body is a post: in every import format it is read, screened on its
title, counted in the import summary, and flagged in the export; a record with neither title nor
text is the one "no text" bad record."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from plaint.cli import app
from plaint.collectors.imports import import_sources
from plaint.config import default_config
from plaint.filters.language import LanguageDetector
from plaint.pipeline import Pipeline
from plaint.storage.models import PostRow
from plaint.storage.store import Store

COMPLAINT_EN = "Bot keeps calling my male persona a girl even though his pronouns are he/him"
CHATTER_EN = "Look at my new character art"
COMPLAINT_ZH = "AI男友一直说女生就该听话，我是女生就活该被这样说吗"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "wild"


def lines(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def reddit_submission(native: str, title: str, selftext: str = "") -> dict:
    return {"id": native, "name": f"t3_{native}", "subreddit": "CharacterAI", "title": title, "selftext": selftext,
            "author": f"u_{native}", "created_utc": 1760000000, "score": 5, "num_comments": 0, "over_18": False,
            "locked": False, "permalink": f"/r/CharacterAI/comments/{native}/x/", "subreddit_type": "public",
            "is_self": False, "url": f"https://i.redd.it/{native}.png"}


def xhs_note(note_id: str, title: str, desc: str = "") -> dict:
    return {"note_id": note_id, "type": "normal", "title": title, "desc": desc, "time": 1759990000000,
            "user_id": f"u{note_id}", "nickname": f"小红薯{note_id}", "liked_count": "3", "comment_count": "0",
            "note_url": f"https://www.xiaohongshu.com/explore/{note_id}", "source_keyword": "AI男友"}


def files(tmp_path: Path) -> dict[str, Path]:
    """One file per format, each with a title-only complaint, a title-only chatter post (some
    formats) and a record with neither title nor text."""
    template = lines(tmp_path / "hand.jsonl", [
        {"platform": "reddit", "community": "CharacterAI", "native_id": "tj1", "title": COMPLAINT_EN, "text": ""},
        {"platform": "reddit", "community": "CharacterAI", "native_id": "tj2", "title": CHATTER_EN},
        {"platform": "reddit", "community": "CharacterAI", "native_id": "tj3", "title": "", "text": "  "}])
    template_csv = tmp_path / "hand.csv"
    with template_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["platform", "community", "native_id", "title", "text"])
        writer.writeheader()
        writer.writerow({"platform": "xiaohongshu", "native_id": "tc1", "title": COMPLAINT_ZH, "text": ""})
        writer.writerow({"platform": "xiaohongshu", "native_id": "tc2", "title": "", "text": ""})
    dump = lines(tmp_path / "CharacterAI_submissions.ndjson", [
        reddit_submission("d1", COMPLAINT_EN), reddit_submission("d2", CHATTER_EN), reddit_submission("d3", "")])
    mediacrawler = lines(tmp_path / "search_contents.jsonl", [xhs_note("m1", COMPLAINT_ZH), xhs_note("m2", "")])
    zeeschuimer = lines(tmp_path / "capture.ndjson", [
        {"source_platform": "xiaohongshu.com", "item_id": f"z{n}", "timestamp_collected": 1760000000000,
         "source_url": "https://edith.xiaohongshu.com/api/sns/web/v1/search/notes",
         "data": {"id": f"z{n}", "note_card": {"display_title": title, "desc": "", "time": 1759990000000,
                                             "user": {"user_id": f"zu{n}", "nickname": "n"}}}}
        for n, title in ((1, COMPLAINT_ZH), (2, ""))])
    page = tmp_path / "note_page.json"
    page.write_text(json.dumps({"note": {"noteDetailMap": {"p1": {"note": {
        "noteId": "p1", "title": COMPLAINT_ZH, "desc": "", "time": 1759990000000,
        "user": {"userId": "pu1", "nickname": "n"}}, "comments": {"list": [
            {"id": "pc1", "content": "", "userInfo": {"userId": "pu2", "nickname": "m"}, "createTime": 1759990001000}
        ]}}}}}, ensure_ascii=False), encoding="utf-8")
    return {"plaint-template": template, "plaint-template csv": template_csv, "reddit-dump-submissions": dump,
            "mediacrawler-xhs-notes": mediacrawler, "zeeschuimer-xiaohongshu": zeeschuimer,
            "xiaohongshu-page-state": page}


@pytest.fixture
def imported(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    paths = files(tmp_path)
    summary = Pipeline(default_config(), store).run(import_sources(list(paths.values())), command="import")
    with store.database.session() as session:
        stored = {r.native_id: r for r in session.scalars(select(PostRow))}
    return paths, summary, stored


def test_a_title_only_complaint_is_kept_in_every_format(imported) -> None:  # type: ignore[no-untyped-def]
    _, _, stored = imported
    for native_id in ("tj1", "tc1", "t3_d1", "m1", "z1", "p1"):
        row = stored.get(native_id)
        assert row is not None and row.text == "" and row.title, native_id
        assert row.tier in ("complaint", "review"), native_id
    assert "tj2" not in stored and "t3_d2" not in stored  # chatter is dropped on its merits


def test_a_record_with_neither_title_nor_text_is_the_one_bad_record(imported) -> None:  # type: ignore[no-untyped-def]
    paths, summary, _ = imported
    bad = {name: summary.platforms[str(path)].info for name, path in paths.items()}
    for name, info in bad.items():
        assert info["bad"] == (0 if name == "xiaohongshu-page-state" else 1), name
        assert all("no text and no title" in p["problem"] for p in info["problems"]), name
    assert bad["plaint-template"]["problems"][0]["where"] == "line 3"
    assert bad["plaint-template csv"]["problems"][0]["where"].endswith("3")  # the CSV's third line
    assert bad["reddit-dump-submissions"]["problems"][0]["where"] == "line 3"


def test_the_import_summary_counts_title_only_posts(store: Store, tmp_path: Path) -> None:
    paths = files(tmp_path)
    result = CliRunner().invoke(app, ["import", str(paths["reddit-dump-submissions"]), "--db", str(tmp_path / "s.db")])
    assert "2 with a title and no text (their content may be a picture or a link" in result.output
    assert "1 bad" in result.output and "no text and no title" in result.output


def test_a_removed_body_is_still_the_terms_of_services_to_decide(store: Store, tmp_path: Path) -> None:
    removed = dict(reddit_submission("r1", COMPLAINT_EN, "[removed]"), removed_by_category="moderator")
    path = lines(tmp_path / "CharacterAI_submissions.ndjson", [removed])
    summary = Pipeline(default_config(), store).run(import_sources([path]), command="import")
    assert summary.platforms[str(path)].info["bad"] == 0
    assert summary.counts[(str(path), "tos", "removed")] == 1


def test_the_export_flags_title_only_posts(store: Store, tmp_path: Path) -> None:
    paths = files(tmp_path)
    db = ["--db", str(tmp_path / "s.db")]
    assert CliRunner().invoke(app, ["import", str(paths["plaint-template"]), *db]).exit_code == 0
    assert CliRunner().invoke(app, ["export", *db, "--out", "c.jsonl", "--include-review"]).exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["title"], r["text"], r["title_only"]) for r in rows] == [(COMPLAINT_EN, "", True)]


@pytest.mark.parametrize("title", [COMPLAINT_EN, "Misgendered again", "Why does my bot do this"])
def test_a_short_title_has_a_language(title: str) -> None:
    assert LanguageDetector().detect(title) == "en"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the wild corpus (../shared/corpora/wild) is not here")
def test_the_wild_corpus_imports_with_no_text_only_where_there_is_none(store: Store, tmp_path: Path) -> None:
    """Every real post, in plaint's template: the only bad records are rows without title and text."""
    template = tmp_path / "wild.jsonl"
    empty = 0
    with template.open("w", encoding="utf-8") as out:
        for source in sorted(CORPUS.glob("*.jsonl")):
            for line_number, line in enumerate(source.open(encoding="utf-8"), 1):
                post = json.loads(line)
                title, text = post.get("title") or "", post.get("text") or ""
                empty += not title.strip() and not text.strip()
                out.write(json.dumps({"platform": "reddit", "native_id": f"{source.stem}:{line_number}",
                                      "community": post.get("community") or "", "title": title, "text": text}) + "\n")
    summary = Pipeline(default_config(), store).run(import_sources([template]), command="import")
    info = summary.platforms[str(template)].info
    assert info["bad"] == empty and all("no text and no title" in p["problem"] for p in info["problems"])
    assert info["title_only"] > 1000  # image and link posts: about a sixth of the corpus
