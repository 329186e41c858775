"""Decisions are data: a person's decision on a post outranks its tier in candidates, exports and
the manifest; a later decision replaces the reviewer's own; erasing a post erases what the
reviewers wrote of it. On a SQLite database made by `plaint import`, as a researcher meets it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plaint.cli import app
from plaint.errors import ConfigError
from plaint.storage.database import Database
from plaint.storage.screenings import Decision, record

runner = CliRunner()

# Each post's tier under the shipped model, and what the reviewers decide of it below.
POSTS = [
    ("c_confirmed", "ana", "My Replika said women belong in the kitchen and should obey men. So sexist. I told it "
                           "that was wrong and gave it a thumbs down."),  # complaint tier; confirmed
    ("c_rejected", "ben", "The bot made a racist joke about my Black character and when I said stop it kept doing "
                          "it. I regenerated five times."),  # complaint tier; rejected
    ("c_auto", "cy", "My persona is a woman engineer and the bot keeps saying she should be a nurse instead."),
    ("r_confirmed", "dee", "My rep keeps making my avatar look thinner than I set it. Minor thing but weird."),
    ("r_unscreened", "eve", "My rep asked me about my gender today and I told her. She was nice about it."),
    ("c_disputed", "fay", "My persona is a guy with he/him pronouns and the bot keeps calling him she and her even "
                          "though it is written in the persona. I edited the replies and it still does it."),
]


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def study(tmp_path: Path) -> tuple[list[str], dict[str, int]]:
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({"platform": "reddit", "native_id": native_id, "community": "replika",
                                          "author": author, "text": text}) + "\n"
                              for native_id, author, text in POSTS), encoding="utf-8")
    db = ["--db", str(tmp_path / "study.db")]
    assert run("import", str(source), *db).exit_code == 0
    with sqlite3.connect(tmp_path / "study.db") as raw:
        ids = dict(raw.execute("select native_id, id from posts"))
        tiers = dict(raw.execute("select native_id, tier from posts"))
    assert {k: v[0] for k, v in tiers.items()} == {k: k[0] for k in tiers}, tiers  # c_: complaint, r_: review
    database = Database(f"sqlite:///{tmp_path / 'study.db'}")
    record(database, [
        Decision(ids["c_confirmed"], "alice", "complaint", ("misogyny",), ("reason_and_preach",), "kitchen remark"),
        Decision(ids["c_rejected"], "alice", "not", ("racism",), (), "a joke the user asked for"),
        Decision(ids["r_confirmed"], "alice", "complaint", ("appearance",), (), None),
        Decision(ids["c_disputed"], "alice", "complaint", ("lgbtq",), ("backtrack_regenerate_rewrite",)),
        Decision(ids["c_disputed"], "bob", "not")])
    database.close()
    return db, ids


def handles(db: list[str], *options: str) -> list[str]:
    result = run("candidates", *db, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return sorted(c["handle"] for c in json.loads(result.output))


def test_candidates_follow_the_screening(study) -> None:
    db, _ = study
    assert handles(db) == ["ana", "cy", "dee"]  # confirmed, auto, and a confirmed review-tier post
    assert handles(db, "--confirmed-only") == ["ana", "dee"]
    assert handles(db, "--include-review") == ["ana", "cy", "dee", "eve"]  # never ben (rejected), fay (disputed)
    both = run("candidates", *db, "--confirmed-only", "--include-review")
    assert both.exit_code == 2 and "choose one" in both.stderr and both.stderr.count("\n") == 1
    dee = next(c for c in json.loads(run("candidates", *db, "--format", "json").output) if c["handle"] == "dee")
    assert dee["types"] == ["appearance"]  # the reviewer's codes, not only the lexicons' suggestions


def test_a_rejected_or_disputed_post_never_enters_an_export(study, tmp_path: Path) -> None:
    db, _ = study
    for options in ((), ("--include-review",)):
        assert run("export", *db, "--out", "c.jsonl", "--force", *options).exit_code == 0
        rows = {r["text"][:12]: r for r in map(json.loads, (tmp_path / "c.jsonl").read_text("utf-8").splitlines())}
        statuses = sorted(r["screening"] for r in rows.values())
        assert statuses == (["auto", "confirmed", "confirmed"] if not options else
                            ["auto", "confirmed", "confirmed", "unscreened"])
    confirmed = next(r for r in rows.values() if r["text"].startswith("My Replika said"))
    assert confirmed["confirmed_types"] == ["misogyny"] and confirmed["confirmed_strategies"] == ["reason_and_preach"]
    assert "code_types" in confirmed and "coder_notes" in confirmed  # the coders' columns stay
    assert run("export", *db, "--out", "only.csv", "--confirmed-only").exit_code == 0
    assert (tmp_path / "only.csv").read_text("utf-8").count("\n") == 3  # header and the two confirmed posts
    manifest = json.loads((tmp_path / "only.csv.manifest.json").read_text("utf-8"))
    flow = manifest["flow"]
    assert (flow["screened"], flow["confirmed"], flow["rejected"], flow["disputed"]) == (4, 2, 1, 1)
    assert (flow["complaint_tier_not_screened"], flow["review_tier_not_screened"], flow["exported"]) == (1, 1, 2)
    assert manifest["screening"]["reviewers"] == 2 and manifest["screening"]["exported"] == ["confirmed"]
    methods = (tmp_path / "only.csv.methods.md").read_text("utf-8")
    assert "2 reviewer(s) screened 4 posts" in methods and "2 were confirmed as complaints, 1 rejected" in methods
    assert "The export holds only posts a reviewer confirmed as complaints." in methods


def test_a_later_decision_replaces_the_reviewers_own(study, tmp_path: Path) -> None:
    db, ids = study
    database = Database(f"sqlite:///{tmp_path / 'study.db'}")
    record(database, [Decision(ids["c_disputed"], "bob", "complaint", ("lgbtq",))])  # bob resolves the dispute
    database.close()
    assert handles(db, "--confirmed-only") == ["ana", "dee", "fay"]
    with sqlite3.connect(tmp_path / "study.db") as raw:
        assert raw.execute("select reviewer, decision from screenings where post_id = ? order by reviewer",
                           (ids["c_disputed"],)).fetchall() == [("alice", "complaint"), ("bob", "complaint")]
    stats = json.loads(run("stats", *db, "--json").output)
    assert stats["screening"] == {"confirmed": 3, "rejected": 1, "auto": 1, "unscreened": 1}


def test_a_decision_with_an_unknown_code_is_refused_and_nothing_is_stored(study, tmp_path: Path) -> None:
    _, ids = study
    database = Database(f"sqlite:///{tmp_path / 'study.db'}")
    with pytest.raises(ConfigError, match="unknown type 'sexism'"):
        record(database, [Decision(ids["c_auto"], "alice", "complaint"),
                          Decision(ids["r_unscreened"], "alice", "complaint", ("sexism",))])
    database.close()
    with sqlite3.connect(tmp_path / "study.db") as raw:
        assert raw.execute("select count(*) from screenings where reviewer = 'alice'").fetchone() == (4,)


def test_forgetting_an_author_erases_the_reviewers_notes_and_codes(study, tmp_path: Path) -> None:
    db, ids = study
    assert run("forget", *db, "reddit:ana").exit_code == 0
    assert run("forget", *db, "reddit:ben").exit_code == 0
    with sqlite3.connect(tmp_path / "study.db") as raw:
        rows = raw.execute("select post_id, decision, types, strategies, note from screenings where reviewer = 'alice' "
                           "order by post_id").fetchall()
    kept = {post_id: row for post_id, *row in rows}
    assert kept[ids["c_confirmed"]] == ["complaint", "[]", "[]", None]  # the decision stays, for the counts
    assert kept[ids["c_rejected"]] == ["not", "[]", "[]", None]
    assert kept[ids["r_confirmed"]] == ["complaint", '["appearance"]', "[]", None]  # others untouched
    assert handles(db) == ["cy", "dee"]
