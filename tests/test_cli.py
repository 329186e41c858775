"""The `plaint` command through typer's test runner, as a researcher would call it."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from plaint.cli import EXIT_NOTHING_RAN, app
from plaint.screening.model import packaged_model

ROOT = Path(__file__).resolve().parents[1]

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_demo_runs_the_whole_pipeline_and_says_where_things_are(tmp_path: Path) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plaint-demo.db").is_file() and (tmp_path / "plaint-demo-corpus.csv").is_file()
    assert f"database: {tmp_path / 'plaint-demo.db'}" in result.output
    assert "dropped by terms of service" in result.output and "quarantined" in result.output
    assert "9 candidate participants" in result.output and "moonlit_tea" in result.output
    assert "budget_bard" not in result.output  # locked thread: never contacted
    assert "corpus: 10 posts written to" in result.output
    again = run("demo", "--json")
    report = json.loads(again.output)
    stored = {c["outcome"]: c["count"] for c in report["run"]["counts"] if c["stage"] == "stored"}
    assert stored == {"unchanged": 12}  # the second demo stores nothing new
    assert report["exported"] == 10 and len(report["candidates"]) == 9


def test_demo_honours_plaint_db(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLAINT_DB", str(tmp_path / "elsewhere.db"))
    assert run("demo", "--json").exit_code == 0
    assert (tmp_path / "elsewhere.db").is_file() and not (tmp_path / "plaint-demo.db").exists()


def test_stats_candidates_and_export_read_the_same_database(tmp_path: Path) -> None:
    run("demo")
    db = ["--db", "plaint-demo.db"]
    numbers = json.loads(run("stats", *db, "--json").output)
    assert numbers["posts"] == 11 and numbers["copies"] == 1 and numbers["tiers"] == {"complaint": 10, "review": 1}
    assert numbers["runs"][0]["command"] == "demo" and numbers["runs"][0]["new"] == 11
    table = run("stats", *db)
    assert table.exit_code == 0 and "posts in the corpus: 11 by 11 authors" in table.output
    assert "complaint tier 10, review tier 1" in table.output

    as_json = json.loads(run("candidates", *db, "--format", "json").output)
    assert len(as_json) == 9 and {"handle", "profile_url", "posts", "types", "strategies"} <= set(as_json[0])
    as_csv = list(csv.DictReader(run("candidates", *db, "--format", "csv").output.splitlines()))
    assert [r["handle"] for r in as_csv] == [r["handle"] for r in as_json]
    assert run("candidates", *db, "--format", "xml").exit_code == 2

    exported = run("export", *db, "--out", "corpus.jsonl")
    assert exported.exit_code == 0 and "wrote 10 posts to corpus.jsonl" in exported.output
    text = (tmp_path / "corpus.jsonl").read_text(encoding="utf-8")
    assert "moonlit_tea" not in text and "reddit.com" not in text
    exported_rows = [json.loads(line) for line in text.splitlines()]
    assert len(exported_rows) == 10
    everything = run("export", *db, "--out", "all.jsonl", "--include-review")
    assert everything.exit_code == 0 and "wrote 11 posts" in everything.output
    all_rows = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()]
    assert numbers["types"] == dict(Counter(t for row in all_rows for t in row["types"]))


def test_scrape_without_credentials_says_what_to_set_and_exits_for_cron() -> None:
    result = run("scrape", "--db", "study.db")
    assert result.exit_code == EXIT_NOTHING_RAN
    assert "reddit: skipped" in result.output and "REDDIT_CLIENT_ID" in result.output
    assert "Traceback" not in result.output
    report = json.loads(run("scrape", "--db", "study.db", "--json").output)
    assert report["status"] == "failed" and report["sources"]["reddit"]["status"] == "skipped"


def test_scrape_of_an_unknown_platform_lists_the_known_ones() -> None:
    result = run("scrape", "--platform", "myspace")
    assert result.exit_code == 2 and "plaint can search: reddit" in result.output


def test_a_bad_keywords_file_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("platforms:\n  reddit:\n    sort: sideways\n")
    result = run("scrape", "--keywords", str(bad))
    assert result.exit_code == 2 and f"{bad}: platforms.reddit.sort is 'sideways'" in result.output
    bad.write_text("types:\n  misogyny: [sexist\n")
    result = run("tag", "--keywords", str(bad), input="")
    assert result.exit_code == 2 and f"{bad}, line" in result.output and "not valid YAML" in result.output


def test_an_empty_keywords_file_is_refused_and_a_misspelt_key_only_warned_about(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    result = run("import", "x.jsonl", "--keywords", str(empty))
    assert result.exit_code == 2 and f"{empty}: the file is empty" in result.stderr
    typo = tmp_path / "typo.yaml"
    assert run("init").exit_code == 0
    typo.write_text((tmp_path / "keywords.yaml").read_text(encoding="utf-8").replace("platforms:", "platfroms:"),
                    encoding="utf-8")
    line = json.dumps({"text": "My Replika called me fat, so I gave it one star."}) + "\n"
    tagged = run("tag", "--keywords", str(typo), input=line)
    assert tagged.exit_code == 0 and json.loads(tagged.stdout)["types"] == ["appearance"]
    assert tagged.stderr.startswith(f"plaint: warning: {typo}: platfroms is not a setting plaint reads")


def test_tag_adds_codes_and_reports_bad_lines() -> None:
    lines = "\n".join([
        json.dumps({"text": "My Replika called me fat, so I gave it one star.", "id": 7}),
        "not json at all",
        json.dumps({"title": "无关", "text": "今天天气很好"}, ensure_ascii=False),
        json.dumps({"text": "It keeps misgendering me", "platform": "reddit", "community": "CharacterAI"}),
    ])
    result = run("tag", "--explain", input=lines + "\n")
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["id"] == 7 and out[0]["relevant"] and out[0]["types"] == ["appearance"]
    assert out[0]["strategies"] == ["low_feedback_score"] and "fat" in out[0]["explain"]["terms"]["appearance"]
    assert out[1]["relevant"] is False and out[1]["explain"]["reason"] == "not about an AI companion"
    assert out[2]["relevant"] and out[2]["types"] == ["lgbtq"]
    assert "stdin line 2: skipped" in result.stderr


def test_tag_reports_a_title_that_is_not_text_and_bytes_that_are_not_utf8_and_goes_on() -> None:
    good = json.dumps({"text": "My Replika called me fat, so I gave it one star."}).encode()
    lines = [json.dumps({"text": "my bot was sexist", "title": ["a", "list"]}).encode(), b'{"text": "caf\xe9 bot"}',
             json.dumps({"text": "x", "platform": 7}).encode(), b'{"text": "half \\ud800 of it"}', good]
    result = runner.invoke(app, ["tag"], input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [json.loads(line)["types"] for line in result.stdout.splitlines()] == [["appearance"]]
    assert 'stdin line 1: skipped, "title" must be a string' in result.stderr
    assert "stdin line 2: skipped, not UTF-8 (byte 0xe9 at column 14)" in result.stderr
    assert 'stdin line 3: skipped, "platform" must be a string' in result.stderr
    assert "stdin line 4: skipped, holds '\\ud800', half of a character" in result.stderr


def test_init_writes_an_editable_keywords_file_that_plaint_then_reads(tmp_path: Path) -> None:
    line = json.dumps({"text": "my AI companion was zorblax to me"}) + "\n"
    assert json.loads(run("tag", input=line).stdout)["relevant"] is False
    assert run("init").exit_code == 0
    target = tmp_path / "keywords.yaml"
    edited = target.read_text(encoding="utf-8").replace("    - problematic\n", "    - problematic\n    - zorblax\n")
    target.write_text(edited, encoding="utf-8")
    tagged = json.loads(run("tag", "--explain", input=line).stdout)
    assert tagged["relevant"] is True and tagged["explain"]["terms"]["bias"] == ["zorblax"]
    assert run("init").exit_code == 2  # never overwrites without --force


def commands(group=None, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """Every command plaint has, sub-commands by their full names: a new one is held to the same help."""
    import typer

    group = group or typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


def test_version_is_a_global_option_and_a_command() -> None:
    from plaint import __version__

    for args in (["--version"], ["version"]):
        result = run(*args)
        assert result.exit_code == 0 and result.output == f"{__version__}\nscreening model {packaged_model().version}\n"


def test_every_command_help_lists_its_exit_statuses_and_shows_flags_as_typed() -> None:
    every = list(commands())
    assert {("scrape",), ("export",), ("db", "upgrade"), ("version",)} <= set(every)
    for command in every:
        text = run(*command, "--help").output
        assert "Exit status: 0" in text or command == ("version",), command
        assert "<bool>" not in text, command
    assert "--identified " in run("export", "--help").output
    assert "TikTok" in run("sweep", "--help").output


def test_the_demo_outputs_are_left_out_of_a_commit(tmp_path: Path) -> None:
    import fnmatch

    assert run("demo").exit_code == 0
    patterns = [line for line in (ROOT / ".gitignore").read_text().splitlines() if line and not line.startswith("#")]
    made = [p.name for p in tmp_path.iterdir() if p.name.startswith("plaint-demo")]
    assert {"plaint-demo.db", "plaint-demo-corpus.csv", "plaint-demo-corpus.csv.manifest.json",
            "plaint-demo-corpus.csv.methods.md"} <= set(made)
    assert [name for name in made if not any(fnmatch.fnmatch(name, p) for p in patterns)] == []


def test_the_readme_states_the_python_plaint_needs() -> None:
    import tomllib

    needed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert needed == ">=3.11" and "Python 3.11 or newer" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_commands_that_reach_no_platform_load_no_client_library() -> None:
    """plaint tag and plaint --help start without PRAW, httpx, Beautiful Soup or Alembic: the
    functions that fetch, parse pages or migrate a database import them (README: Performance)."""
    import subprocess
    import sys

    code = ("import sys, plaint.cli; "
            "print(sorted(m for m in ('praw', 'prawcore', 'requests', 'httpx', 'bs4', 'alembic') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
