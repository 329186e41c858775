"""The screening model's tiers end to end, on a SQLite database made by `plaint import`: a
complaint, a post for review and a dropped one, as the researcher meets them in stats,
candidates, export, report and rescore."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from plaint.cli import app
from plaint.screening.model import packaged_model

runner = CliRunner()

POSTS = [
    # A complaint (the screening model's complaint tier).
    {"platform": "reddit", "native_id": "t3_complaint", "community": "CharacterAI", "author": "ana_writes",
     "title": "Bot keeps misgendering my persona",
     "text": "My persona is a guy with he/him pronouns and the bot keeps calling him she and her even though "
             "it is written in the persona. I edited the replies and it still does it."},
    # Something a person should look at (the review tier).
    {"platform": "reddit", "native_id": "t3_review", "community": "replika", "author": "ben_reads",
     "text": "My rep keeps making my avatar look thinner than I set it. Minor thing but weird."},
    # A character card the first pass lets through ({{user}}) and the model drops.
    {"platform": "reddit", "native_id": "t3_chatter", "community": "CharacterAI", "author": "cy_plays",
     "text": "New bot: a grumpy wizard who runs a tea shop. {{char}} greets {{user}} at the door. Link in comments!"},
    # Stopped by the first pass.
    {"platform": "reddit", "native_id": "t3_outage", "community": "CharacterAI", "author": "dee_waits",
     "text": "Is the site down again for everyone?"},
]


def run(*args: str):
    return runner.invoke(app, list(args))


def imported(tmp_path: Path) -> list[str]:
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in POSTS), encoding="utf-8")
    db = ["--db", str(tmp_path / "study.db")]
    result = run("import", str(source), *db)
    assert result.exit_code == 0, result.output
    return db


def tiers(tmp_path: Path) -> dict[str, tuple[str | None, float | None]]:
    with sqlite3.connect(tmp_path / "study.db") as raw:
        return {native_id: (tier, score) for native_id, tier, score in
                raw.execute("select native_id, tier, relevance_score from posts")}


def test_each_tier_is_stored_with_its_score_and_dropped_posts_are_not(tmp_path: Path) -> None:
    imported(tmp_path)
    stored = tiers(tmp_path)
    assert set(stored) == {"t3_complaint", "t3_review"}
    assert stored["t3_complaint"][0] == "complaint" and stored["t3_review"][0] == "review"
    assert stored["t3_complaint"][1] > stored["t3_review"][1] > 0
    with sqlite3.connect(tmp_path / "study.db") as raw:
        counts = dict(((stage, outcome), n) for stage, outcome, n in raw.execute(
            "select stage, outcome, sum(count) from run_counts group by stage, outcome"))
    assert counts[("tier", "complaint")] == 1 and counts[("tier", "review")] == 1
    assert counts[("tier", "dropped")] == 1  # the chatter: scored, below the review tier
    # The outage: never scored; an import's prescreen stops it before the filters see it.
    assert counts[("prescreen", "no bias or identity term")] == 1
    assert sum(n for (stage, outcome), n in counts.items() if stage == "model"
               and outcome.startswith(packaged_model().version)) == 3


def test_stats_count_the_tiers(tmp_path: Path) -> None:
    db = imported(tmp_path)
    numbers = json.loads(run("stats", *db, "--json").output)
    assert numbers["tiers"] == {"complaint": 1, "review": 1}
    assert "complaint tier 1, review tier 1" in run("stats", *db).output


def test_candidates_and_export_take_the_complaint_tier_unless_asked_for_review(tmp_path: Path) -> None:
    db = imported(tmp_path)
    handles = [c["handle"] for c in json.loads(run("candidates", *db, "--format", "json").output)]
    assert handles == ["ana_writes"]
    both = [c["handle"] for c in json.loads(run("candidates", *db, "--include-review", "--format", "json").output)]
    assert sorted(both) == ["ana_writes", "ben_reads"]

    assert run("export", *db, "--out", "complaints.jsonl").exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "complaints.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["tier"], r["relevance_score"] > 0.2) for r in rows] == [("complaint", True)]
    manifest = json.loads((tmp_path / "complaints.jsonl.manifest.json").read_text(encoding="utf-8"))
    assert manifest["screening"]["exported"] == ["confirmed", "auto"]
    assert manifest["flow"]["passed_first_pass"] == 3 and manifest["flow"]["scored_review_tier"] == 1
    assert any(name.startswith(packaged_model().version) for name in manifest["screening"]["models"])
    methods = (tmp_path / "complaints.jsonl.methods.md").read_text(encoding="utf-8")
    assert "screening model" in methods and "complaint-tier posts nobody screened" in methods

    assert run("export", *db, "--out", "all.csv", "--include-review").exit_code == 0
    assert (tmp_path / "all.csv").read_text(encoding="utf-8").count("\n") == 3  # header and two posts


def test_rescore_moves_posts_between_tiers_and_loses_none(tmp_path: Path) -> None:
    db = imported(tmp_path)
    keywords = tmp_path / "strict.yaml"
    assert run("init").exit_code == 0
    text = Path("keywords.yaml").read_text(encoding="utf-8")
    keywords.write_text(text.replace("  review: 0.", "  review: 0.9999  # was 0.").replace(
        "  complaint: 0.", "  complaint: 0.99999  # was 0."), encoding="utf-8")
    result = run("rescore", *db, "--keywords", str(keywords))
    assert result.exit_code == 0, result.output
    assert "2 stored posts scored" in result.output and "complaint -> dropped: 1" in result.output
    assert "review -> dropped: 1" in result.output
    assert {tier for tier, _ in tiers(tmp_path).values()} == {"dropped"}  # both stay stored
    assert json.loads(run("candidates", *db, "--format", "json").output) == []
    assert run("rescore", *db).exit_code == 0  # back to the shipped thresholds
    assert {native_id: tier for native_id, (tier, _) in tiers(tmp_path).items()} == {
        "t3_complaint": "complaint", "t3_review": "review"}


def test_tag_prints_tier_and_score() -> None:
    lines = "\n".join(json.dumps({"text": p["text"], "title": p.get("title"), "platform": p["platform"],
                                  "community": p["community"]}) for p in POSTS)
    result = runner.invoke(app, ["tag"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["tier"] for o in out] == ["complaint", "review", "dropped", "dropped"]
    assert out[0]["relevant"] and not out[2]["relevant"] and out[3]["score"] is None
    assert 0 < out[2]["score"] < out[1]["score"] < out[0]["score"] < 1
