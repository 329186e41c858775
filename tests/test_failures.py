"""Every failure of the database or of the file system a researcher can meet is one line that names
the file and says what to do, with the exit status the README gives; nothing stored is lost, and a
command that only reads never makes a database."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plaint.cli import EXIT_NOTHING_RAN, EXIT_USAGE, app

runner = CliRunner()
COMPLAINT = "My Character.AI bot said women belong in the kitchen, so sexist. I regenerated it."
COMPLAINTS = (COMPLAINT, "星野的AI男友说女生就该在家带孩子，太厌女了，我重新生成了好几次。",
              "Replika mocked my wheelchair and called me a burden, I told it that is ableist and gave it one star.")
READ_COMMANDS = (["stats"], ["candidates"], ["runs"], ["copies"], ["report"], ["export", "--out", "c.csv"],
                 ["contact", "reddit:someone", "do-not-contact"], ["forget", "reddit:someone"], ["sweep"])


def posts_file(path: Path) -> Path:
    path.write_text("".join(json.dumps({"platform": "reddit", "native_id": f"t3_{i}", "author": f"user{i}",
                                        "text": text}, ensure_ascii=False) + "\n" for i, text in enumerate(COMPLAINTS)),
                    encoding="utf-8")
    return path


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.startswith("plaint: error: ") and "Traceback" not in text


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_a_command_that_reads_never_makes_a_database(tmp_path: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--db", "mistyped.db"])
    assert result.exit_code == EXIT_USAGE and one_line(result.stderr), result.output
    assert f"no database at {tmp_path / 'mistyped.db'}" in result.stderr and "plaint import" in result.stderr
    assert list(tmp_path.glob("mistyped.db*")) == []


def test_an_empty_file_is_refused_by_reading_commands_and_made_a_database_by_writing_ones(tmp_path: Path) -> None:
    (tmp_path / "empty.db").touch()
    refused = runner.invoke(app, ["stats", "--db", "empty.db"])
    assert refused.exit_code == EXIT_USAGE and one_line(refused.stderr)
    assert "empty.db is an empty file (0 bytes), not a plaint database" in refused.stderr
    assert (tmp_path / "empty.db").stat().st_size == 0
    made = runner.invoke(app, ["import", str(posts_file(tmp_path / "p.jsonl")), "--db", "empty.db"])
    assert made.exit_code == 0 and "empty.db was an empty file (0 bytes); plaint made a new database" in made.stderr
    assert json.loads(runner.invoke(app, ["stats", "--db", "empty.db", "--json"]).output)["posts"] == 3


def damage(path: Path) -> None:
    """Overwrite every page after the first two (the schema and alembic's revision): the file
    still opens as a SQLite database, and breaks as soon as plaint reads its tables."""
    data = bytearray(path.read_bytes())
    data[2 * 4096:] = b"\xab" * (len(data) - 2 * 4096)
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_one_line_for_import_and_export(tmp_path: Path, plaint_process) -> None:
    source = posts_file(tmp_path / "p.jsonl")
    assert plaint_process("import", str(source), "--db", "study.db").returncode == 0
    assert not (tmp_path / "study.db-wal").exists()  # all of it is in the file now
    damage(tmp_path / "study.db")
    for command in (["import", str(source)], ["export", "--out", "c.csv"], ["stats"], ["candidates"]):
        result = runner.invoke(app, [*command, "--db", "study.db"])
        assert result.exit_code == EXIT_NOTHING_RAN and one_line(result.stderr), (command, result.output)
        assert f"{tmp_path / 'study.db'} is damaged or is not a SQLite database" in result.stderr
        assert "restore it from a backup" in result.stderr
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize("command", [["import", "p.jsonl"], ["scrape"],
                                     ["add", "https://example.org/p/1", "--text", COMPLAINT, "--platform", "reddit"]],
                         ids=lambda c: c[0])
def test_writing_into_a_read_only_folder_is_one_line_and_writes_nothing(read_only, command: list[str]) -> None:
    posts_file(read_only.folder.parent / "p.jsonl")
    result = read_only(*command, "--db", str(read_only.folder / "study.db"))
    assert result.returncode == EXIT_NOTHING_RAN and one_line(result.stderr), result.stderr
    assert "Read-only file system" in result.stderr or "Permission denied" in result.stderr
    assert f"cannot write beside {read_only.folder / 'study.db'}" in result.stderr
    assert list(read_only.folder.iterdir()) == []


def test_reading_a_database_in_a_read_only_folder_is_one_line(read_only, plaint_process, tmp_path: Path) -> None:
    db = read_only.folder / "study.db"
    assert plaint_process("import", str(posts_file(tmp_path / "p.jsonl")), "--db", str(db)).returncode == 0
    before = sorted(p.name for p in read_only.folder.iterdir())
    assert before == ["study.db", "study.db.lock"]  # closed: SQLite must make -wal and -shm files to read it
    result = read_only("stats", "--db", str(db))
    assert result.returncode == EXIT_NOTHING_RAN and one_line(result.stderr), result.stderr
    assert f"the file or the folder {read_only.folder} is read-only" in result.stderr
    assert "copy the database to a folder you can write" in result.stderr
    assert sorted(p.name for p in read_only.folder.iterdir()) == before
    with sqlite3.connect(db) as raw:
        assert raw.execute("select count(*) from posts").fetchone() == (3,)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (the system gave it out, and it was closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", [["import", "p.jsonl"], ["scrape"], ["stats"],
                                     ["add", "https://example.org/p/1", "--text", COMPLAINT, "--platform", "reddit"]],
                         ids=lambda c: c[0])
def test_a_postgresql_server_that_does_not_answer_is_one_line(tmp_path: Path, command: list[str]) -> None:
    posts_file(tmp_path / "p.jsonl")
    url = f"postgresql+psycopg://plaint:hunter2-secret@127.0.0.1:{closed_port()}/study"
    result = runner.invoke(app, [*command, "--db", url])
    assert result.exit_code == EXIT_NOTHING_RAN and one_line(result.stderr), result.output
    assert "cannot reach the PostgreSQL database postgresql+psycopg://plaint:***@127.0.0.1" in result.stderr
    assert "Connection refused" in result.stderr and "hunter2" not in result.output


def test_other_files_plaint_writes_fail_in_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    source = posts_file(tmp_path / "p.jsonl")
    assert runner.invoke(app, ["import", str(source), "--db", "study.db"]).exit_code == 0
    report = runner.invoke(app, ["report", "--db", "study.db", "--out", "notes.txt/report.html"])
    assert report.exit_code == EXIT_USAGE and one_line(report.stderr) and "cannot write --out" in report.stderr
    logged = runner.invoke(app, ["import", str(source), "--db", "study.db", "--log-file", "notes.txt/plaint.log"])
    assert logged.exit_code == 0 and "cannot append to --log-file notes.txt/plaint.log" in logged.stderr
    monkeypatch.setenv("PLAINT_KEY_FILE", str(tmp_path / "notes.txt" / "pseudonym.key"))
    keyless = runner.invoke(app, ["candidates", "--db", "study.db"])
    assert keyless.exit_code == EXIT_USAGE and one_line(keyless.stderr), keyless.output
    assert "cannot create the pseudonym key file" in keyless.stderr and "PLAINT_KEY_FILE" in keyless.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
