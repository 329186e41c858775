"""The spreadsheet route: the queue written with empty decision columns, filled in as a reviewer
would (in a real .xlsx and a real CSV), read back, with the rows it cannot read named and the
rest stored."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from plaint.cli import app

runner = CliRunner()
TEXTS = {
    "lighter": "After the update my avatar's skin is lighter than what I set, third time now.",
    "thinner": "My rep keeps making my avatar look thinner than I set it. Minor thing but weird.",
    "gender": "My rep asked me about my gender today and I told her. She was nice about it.",
    "height": "角色一直提到我的身高，有点奇怪。",
    "kitchen": "My Replika said women belong in the kitchen and should obey men. So sexist. I told it that was wrong.",
}


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({"platform": "reddit", "native_id": key, "community": "replika",
                                          "author": f"u_{key}", "text": text}, ensure_ascii=False) + "\n"
                              for key, text in TEXTS.items()), encoding="utf-8")
    db = ["--db", str(tmp_path / "study.db")]
    assert runner.invoke(app, ["import", str(source), *db]).exit_code == 0
    return db


def stored(tmp_path: Path) -> dict[str, tuple]:
    with sqlite3.connect(tmp_path / "study.db") as raw:
        return {native_id: (reviewer, decision, json.loads(types), note) for native_id, reviewer, decision, types, note
                in raw.execute("select p.native_id, s.reviewer, s.decision, s.types, s.note from screenings s "
                               "join posts p on p.id = s.post_id")}


def test_the_xlsx_round_trip_stores_every_readable_row_and_names_the_rest(db, tmp_path: Path) -> None:
    written = runner.invoke(app, ["export", *db, "--for-screening", "--out", "queue.xlsx"])
    assert written.exit_code == 0, written.output
    book = load_workbook(tmp_path / "queue.xlsx")
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["plaint_id", "post_id"] and header[-5:] == ["decision", "types", "strategies", "note",
                                                                      "reviewer"]
    assert "url" not in header and "author" not in header  # pseudonymous by default
    rows = {sheet.cell(row, header.index("text") + 1).value: row for row in range(2, sheet.max_row + 1)}
    assert len(rows) == 5  # four review-tier posts, then the one complaint-tier post as the quality sample

    def fill(text: str, **values: object) -> None:
        for column, value in values.items():
            sheet.cell(rows[TEXTS[text]], header.index(column) + 1, value)

    fill("lighter", decision="complaint", types="appearance; racism", note="whitening again", reviewer="alice")
    fill("thinner", decision="y", types="Appearance", reviewer="alice")
    fill("gender", decision="maybe", reviewer="alice")  # not a decision
    fill("height", decision="not", reviewer="alice", plaint_id=99999)  # a post id this database never had
    fill("kitchen", decision="complaint", types="sexism", reviewer="alice")  # not a code
    book.save(tmp_path / "queue.xlsx")
    result = runner.invoke(app, ["screenings", "import", "queue.xlsx", *db])
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert len(problems) == 3 and "Traceback" not in result.output
    assert f"plaint: queue.xlsx, row {rows[TEXTS['gender']]}: decision 'maybe'" in problems[0]
    assert f"row {rows[TEXTS['kitchen']]}: unknown type 'sexism'" in problems[1]
    assert f"row {rows[TEXTS['height']]}: unknown post id 99999 (not in this database" in problems[2]
    assert "2 decisions stored, 3 rows left out, 0 rows without a decision" in result.stdout
    assert stored(tmp_path) == {"lighter": ("alice", "complaint", ["appearance", "racism"], "whitening again"),
                                "thinner": ("alice", "complaint", ["appearance"], None)}
    # The queue for alice now leaves out what she decided; an existing sheet is never replaced without --force.
    refused = runner.invoke(app, ["export", *db, "--for-screening", "--out", "queue.xlsx", "--reviewer", "alice"])
    assert refused.exit_code == 2 and "queue.xlsx exists" in refused.stderr
    assert runner.invoke(app, ["export", *db, "--for-screening", "--out", "queue.xlsx", "--reviewer", "alice",
                               "--force"]).exit_code == 0
    assert load_workbook(tmp_path / "queue.xlsx").active.max_row == 1 + 3


def test_a_csv_filled_by_hand_is_read_back_and_a_later_decision_replaces_the_earlier(db, tmp_path: Path) -> None:
    assert runner.invoke(app, ["export", *db, "--for-screening", "--out", "queue.csv"]).exit_code == 0
    with open(tmp_path / "queue.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["decision"] = "n" if row["text"] == TEXTS["gender"] else ""
    rows[0]["decision"] = "u"
    with open(tmp_path / "filled.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = runner.invoke(app, ["screenings", "import", "filled.csv", *db, "--reviewer", "bo"])
    assert result.exit_code == 0, result.output
    assert "2 decisions stored, 0 rows left out, 3 rows without a decision" in result.stdout
    first = next(key for key, text in TEXTS.items() if text == rows[0]["text"])
    assert stored(tmp_path)["gender"][:2] == ("bo", "not") and stored(tmp_path)[first][:2] == ("bo", "unsure")
    rows[0]["decision"] = "complaint"
    with open(tmp_path / "filled.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert runner.invoke(app, ["screenings", "import", "filled.csv", *db, "--reviewer", "bo"]).exit_code == 0
    assert stored(tmp_path)[first][:2] == ("bo", "complaint")
    with sqlite3.connect(tmp_path / "study.db") as raw:
        assert raw.execute("select count(*), min(source) from screenings").fetchone() == (2, "spreadsheet")


def test_a_file_that_is_not_a_screening_sheet_is_one_line(db, tmp_path: Path) -> None:
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "other.csv").write_text("id,text\n1,hello\n", encoding="utf-8")
    for name, words in (("broken.xlsx", "not an .xlsx workbook"), ("other.csv", "no plaint_id column"),
                        ("missing.csv", "no such file")):
        result = runner.invoke(app, ["screenings", "import", name, *db, "--reviewer", "alice"])
        assert result.exit_code == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.output
