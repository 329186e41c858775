"""Cohen's kappa against a worked example, and `plaint agreement` on two reviewers' decisions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plaint.agreement import cohen_kappa
from plaint.cli import app
from plaint.storage.database import Database
from plaint.storage.screenings import Decision, record


def test_kappa_of_the_worked_example_of_wikipedias_cohens_kappa_article() -> None:
    # "Cohen's kappa", Wikipedia, section Examples, "Simple example": 50 grant proposals read by
    # two readers, A and B; 20 both yes, 15 both no, 5 yes by A only, 10 yes by B only.
    # p_o = 35/50 = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    # The same article's second example: 45 + 15 agreements of 100, with these margins: kappa 0.1304.
    a = ["yes"] * 45 + ["yes"] * 15 + ["no"] * 25 + ["no"] * 15
    b = ["yes"] * 45 + ["no"] * 15 + ["yes"] * 25 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.1304, abs=1e-4)
    assert cohen_kappa(["yes"] * 4, ["yes"] * 4) is None  # undefined, not 1 or 0
    from sklearn.metrics import cohen_kappa_score
    three = (["complaint", "not", "unsure", "not", "complaint", "not"],
             ["complaint", "not", "not", "not", "unsure", "not"])
    assert cohen_kappa(*three) == pytest.approx(cohen_kappa_score(*three))


def test_agreement_lists_kappa_and_the_disagreements(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "posts.jsonl"
    texts = ["My Replika said women belong in the kitchen. So sexist, I told it that was wrong.",
             "The bot keeps calling my persona fat and ugly, I rerolled it three times.",
             "My rep asked me about my gender today and I told her. She was nice about it.",
             "The bot made a racist joke about my Black character and kept doing it when I said stop."]
    source.write_text("".join(json.dumps({"platform": "reddit", "native_id": f"p{i}", "community": "replika",
                                          "author": f"u{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    db = str(tmp_path / "study.db")
    assert runner.invoke(app, ["import", str(source), "--db", db]).exit_code == 0
    with sqlite3.connect(db) as raw:
        ids = dict(raw.execute("select native_id, id from posts"))
    database = Database(f"sqlite:///{db}")
    record(database, [Decision(ids["p0"], "ann", "complaint", ("misogyny",)),
                      Decision(ids["p0"], "bo", "complaint", ("misogyny",)),
                      Decision(ids["p1"], "ann", "complaint", ("appearance",), ("backtrack_regenerate_rewrite",)),
                      Decision(ids["p1"], "bo", "complaint", ("appearance",)),
                      Decision(ids["p2"], "ann", "not"), Decision(ids["p2"], "bo", "not"),
                      Decision(ids["p3"], "ann", "complaint", ("racism",)), Decision(ids["p3"], "bo", "not")])
    database.close()
    result = runner.invoke(app, ["agreement", "--db", db, "--reviewers", "ann", "bo", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    kappa = {row["measure"]: row for row in out["kappa"]}
    assert out["both_screened"] == 4
    assert kappa["relevance (complaint / not / unsure)"]["kappa"] == "0.500"  # p_o 0.75, p_e 0.5
    assert kappa["misogyny"] == {"measure": "misogyny", "posts": 2, "kappa": "1.000"}
    assert kappa["backtrack_regenerate_rewrite"]["kappa"] == "0.000" and kappa["racism"]["kappa"] == "undefined"
    assert [(d["post"], d["ann"], d["bo"], d["ann_codes"]) for d in out["disagreements"]] == [
        (ids["p1"], "complaint", "complaint", ["backtrack_regenerate_rewrite"]),
        (ids["p3"], "complaint", "not", ["racism"])]
    unknown = runner.invoke(app, ["agreement", "--db", db, "--reviewers", "ann", "cy"])
    assert unknown.exit_code == 2 and "no decisions by reviewer 'cy'" in unknown.stderr
    table = runner.invoke(app, ["agreement", "--db", db, "--reviewers", "ann", "--reviewers", "bo"])
    assert table.exit_code == 0 and "2 disagreements to discuss" in table.output
