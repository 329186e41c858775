"""The exported corpus, its methods manifest and the report, on a database filled by a real run."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
import subprocess
import zipfile
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from plaint.cli import app
from plaint.collectors.reddit import RedditCollector, connect
from plaint.demo import demo_config
from plaint.demo.cassette import cassette_session, load_interactions
from plaint.errors import ConfigError
from plaint.export import COLUMNS, ExportOptions, write_corpus
from plaint.pipeline import Pipeline
from plaint.pseudonym import load_pseudonymiser
from plaint.report import build_report, render_html
from plaint.storage.models import PostRow, RunCountRow
from plaint.storage.store import Store

HANDLES = (b"moonlit_tea", b"river_of_ash", b"xiaoyu_2003", b"crosspost_kai", b"lanlan_ai", b"t2_")


@pytest.fixture
def scraped(store: Store) -> Store:
    """The demo's recorded Reddit answers, run twice through the real pipeline."""
    with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
        interactions = load_interactions(path)
    for _ in range(2):
        session, _ = cassette_session(list(interactions))
        reddit = connect(session, env={"REDDIT_CLIENT_ID": "x", "REDDIT_CLIENT_SECRET": "y"})
        pipeline = Pipeline(demo_config(), store)
        pipeline.full = True  # the second run re-walks the listing, as `plaint scrape --full` does
        pipeline.run({"reddit": lambda reddit=reddit: RedditCollector(reddit, demo_config())})
    return store


def test_the_default_export_names_no_one(scraped: Store, tmp_path: Path) -> None:
    pseudonym = load_pseudonymiser()
    for name in ("corpus.csv", "corpus.jsonl", "corpus.xlsx"):
        result = write_corpus(scraped.database, tmp_path / name, pseudonym)
        assert result.rows == 10
        data = (tmp_path / name).read_bytes()
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(tmp_path / name) as book:
                data = b"".join(book.read(member) for member in book.namelist())
        for secret in (*HANDLES, b"reddit.com", b"1q0aa01"):
            assert secret not in data, (name, secret)
    rows = list(csv.DictReader((tmp_path / "corpus.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == COLUMNS
    sheet = load_workbook(tmp_path / "corpus.xlsx", read_only=True)["corpus"]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == list(COLUMNS)
    original = next(r for r in rows if r["text"].startswith("I made a detective roleplay"))
    assert original["copies"] == "1" and original["copy_post_ids"].startswith("p_")
    assert original["code_types"] == original["code_strategies"] == original["coder_notes"] == ""


def test_identified_export_adds_urls_and_handles_and_warns(scraped: Store, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--db", scraped.database.url, "--out", "named.csv",
                                      "--identified"])
    assert result.exit_code == 0 and "verbatim quotes can be traced" in result.stderr
    with open("named.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"url", "author_handle", "author_profile_url"} <= set(rows[0])
    assert any(r["author_handle"] == "moonlit_tea" for r in rows)


def test_pseudonyms_are_stable_per_key_and_differ_between_keys(scraped: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def authors(name: str) -> list[str]:
        write_corpus(scraped.database, tmp_path / name, load_pseudonymiser())
        return [json.loads(line)["author"] for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]

    first = authors("a.jsonl")
    assert first == authors("b.jsonl") and all(a.startswith("a_") for a in first)
    monkeypatch.setenv("PLAINT_SECRET", "another-team-secret-of-enough-length")
    assert all(a != b for a, b in zip(first, authors("c.jsonl"), strict=True))


def test_the_key_file_is_created_private_once() -> None:
    first = load_pseudonymiser()
    assert first.created and stat.S_IMODE(os.stat(first.source).st_mode) == 0o600
    second = load_pseudonymiser()
    assert not second.created and second.secret == first.secret
    assert second.author("reddit", "X") == first.author("reddit", "x") != second.author("reddit", "y")


@pytest.mark.parametrize("options, message", [
    (ExportOptions(sample=5), "--sample needs"),
    (ExportOptions(stratify="platform"), "--stratify goes with --sample"),
    (ExportOptions(sample=5, seed=1, stratify="colour"), "--stratify 'colour'"),
    (ExportOptions(fmt="pdf"), "--format 'pdf'"),
])
def test_bad_export_options_are_refused_before_writing(scraped: Store, tmp_path: Path, options, message) -> None:
    with pytest.raises(ConfigError, match=message):
        write_corpus(scraped.database, tmp_path / "x.csv", load_pseudonymiser(), options)
    assert not (tmp_path / "x.csv").exists()


def test_a_short_secret_and_an_unknown_suffix_are_refused(scraped: Store, tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(ConfigError, match=r"\.csv, \.jsonl or \.xlsx"):
        write_corpus(scraped.database, tmp_path / "corpus.xls", load_pseudonymiser())
    monkeypatch.setenv("PLAINT_SECRET", "short")
    with pytest.raises(ConfigError, match="PLAINT_SECRET is shorter"):
        load_pseudonymiser()


def test_a_sampled_export_is_reproducible_and_recorded(scraped: Store, tmp_path: Path) -> None:
    options = ExportOptions(sample=4, seed=77, stratify="type")
    first = write_corpus(scraped.database, tmp_path / "s1.jsonl", load_pseudonymiser(), options)
    write_corpus(scraped.database, tmp_path / "s2.jsonl", load_pseudonymiser(), options)
    assert first.rows == 4
    assert (tmp_path / "s1.jsonl").read_bytes() == (tmp_path / "s2.jsonl").read_bytes()
    manifest = json.loads(first.manifest_json.read_text(encoding="utf-8"))
    assert manifest["sample"] == {"size": 4, "asked": 4, "from": 10, "seed": 77, "stratified_by": "type"}
    assert manifest["flow"]["exported"] == 4
    types = Counter(min(json.loads(line)["types"], key=["misogyny", "lgbtq", "appearance", "ableism", "racism",
                                                          "socioeconomic"].index)
                    for line in (tmp_path / "s1.jsonl").read_text(encoding="utf-8").splitlines())
    assert types["misogyny"] == 2  # 5 of the 10 posts are first tagged misogyny: 2 of 4 seats


def test_the_manifest_counts_equal_the_database(scraped: Store, tmp_path: Path) -> None:
    result = write_corpus(scraped.database, tmp_path / "corpus.csv", load_pseudonymiser())
    manifest = json.loads(result.manifest_json.read_text(encoding="utf-8"))
    with scraped.database.session() as session:
        def total(stage: str, *outcomes: str) -> int:
            query = select(func.coalesce(func.sum(RunCountRow.count), 0)).where(RunCountRow.stage == stage)
            if outcomes:
                query = query.where(RunCountRow.outcome.in_(outcomes))
            return int(session.scalar(query))

        in_corpus = session.scalar(select(func.count()).select_from(PostRow).where(
            PostRow.duplicate_of.is_(None), PostRow.tombstoned_at.is_(None), PostRow.tier == "complaint"))
        # Inside the session: read after it closed, it would begin a transaction no one ends,
        # and on PostgreSQL the next test's reset would wait for it.
        expected = {
            "found": total("found"), "skipped_by_prescreen": total("prescreen"),
            "excluded_terms_of_service": total("tos"),
            "stopped_by_first_pass": total("relevance", "not about an AI companion", "no bias or identity term"),
            "passed_first_pass": total("tier"), "scored_complaint_tier": total("tier", "complaint"),
            "scored_review_tier": total("tier", "review"), "scored_below_review_tier": total("tier", "dropped"),
            "not_relevant": total("relevance"),
            "not_in_language": total("language"), "kept": total("kept"), "stored_new": total("stored", "new"),
            "copies_of_earlier_posts": total("stored", "duplicate", "near duplicate"),
            "seen_again": total("stored", "updated", "unchanged"), "erased_since": 0, "in_corpus": in_corpus,
            "exported": 10}
    flow = manifest["flow"]
    assert flow == {**expected, "in_complaint_tier_now": in_corpus, "in_review_tier_now": 1,
                    # Nobody has screened the demo's posts: every complaint-tier post is there unscreened.
                    "screened": 0, "confirmed": 0, "rejected": 0, "disputed": 0, "unsure": 0,
                    "complaint_tier_not_screened": in_corpus, "review_tier_not_screened": 1}
    # Two runs of the demo's 21 posts, one of them in the review tier.
    assert flow["found"] == 42 and flow["stored_new"] == 11 and flow["seen_again"] == 12
    assert flow["scored_review_tier"] == 2 and in_corpus == 10
    assert manifest["reasons"]["terms_of_service"]["nsfw"] == 2
    assert manifest["routes"] == [{"platform": "reddit", "route": "reddit_api", "posts": 10}]
    assert manifest["queries"][0]["platform"] == "reddit" and manifest["runs"]["count"] == 2
    assert "1,000 items" in manifest["limits"]["reddit_api"]
    paragraph = result.manifest_md.read_text(encoding="utf-8")
    assert "Of 42 records found" in paragraph and "The corpus holds 10 posts" in paragraph
    assert "2 in the review tier" in paragraph and ("The export holds posts a reviewer confirmed as complaints and "
                                                    "complaint-tier posts nobody screened") in paragraph
    assert "keyed pseudonyms" in paragraph


def test_the_report_has_its_three_charts(scraped: Store, tmp_path: Path) -> None:
    report = build_report(scraped.database)
    assert report["flow"][0] == ("found", 42) and report["flow"][-1][1] == 10
    misogyny = next(t for t in report["types"] if t["type"] == "misogyny")
    assert misogyny["reddit"] == misogyny["total"] > 0
    page = render_html(report)
    assert page.count("<svg") == 3 and page.count('class="bar"') >= 5 and 'class="line"' in page
    result = CliRunner().invoke(app, ["report", "--db", scraped.database.url, "--out", "report.html"])
    assert result.exit_code == 0 and "from found to kept" in result.output and "misogyny" in result.output
    assert Path("report.html").read_text(encoding="utf-8") .count("<svg") == 3


@pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed")
def test_the_report_renders_in_a_browser(scraped: Store, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(build_report(scraped.database)), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=900,1400", page.as_uri()], check=True, capture_output=True, timeout=60)
    assert shot.stat().st_size > 10_000


def test_an_export_never_replaces_a_file_without_force(scraped: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", scraped.database.url]
    assert runner.invoke(app, ["export", *db, "--out", "c.csv"]).exit_code == 0
    (tmp_path / "c.csv").write_text("post_id,code_types\np_1,misogyny\n", encoding="utf-8")  # a coder's work
    refused = runner.invoke(app, ["export", *db, "--out", "c.csv"])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert f"{tmp_path / 'c.csv'} exists" in refused.stderr or "c.csv exists" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.output
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == "post_id,code_types\np_1,misogyny\n"
    (tmp_path / "c.csv").unlink()  # a manifest left alone is someone's too
    assert runner.invoke(app, ["export", *db, "--out", "c.csv"]).exit_code == 2
    assert not (tmp_path / "c.csv").exists()
    forced = runner.invoke(app, ["export", *db, "--out", "c.csv", "--force"])
    assert forced.exit_code == 0 and "wrote 10 posts to c.csv" in forced.output


def test_each_export_has_manifests_named_after_its_whole_file_name(scraped: Store, tmp_path: Path) -> None:
    for name in ("c.csv", "c.jsonl", "c.xlsx"):
        result = write_corpus(scraped.database, tmp_path / name, load_pseudonymiser())
        assert (result.manifest_json.name, result.manifest_md.name) == (f"{name}.manifest.json", f"{name}.methods.md")
    for name in ("c.csv", "c.jsonl", "c.xlsx"):
        manifest = json.loads((tmp_path / f"{name}.manifest.json").read_text(encoding="utf-8"))
        assert manifest["file"] == name
    assert not (tmp_path / "c.manifest.json").exists()


def test_an_export_to_a_place_it_cannot_write_is_one_line(scraped: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", scraped.database.url]
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("mine\n")
    for out, words in (("missing/c.csv", "the folder"), ("folder", "is a folder"),
                       ("notes.txt/c.csv", "does not exist")):
        result = runner.invoke(app, ["export", *db, "--out", out])
        assert result.exit_code == 2 and words in result.stderr, (out, result.output)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine\n" and list((tmp_path / "folder").iterdir()) == []


def test_an_export_into_a_read_only_folder_is_one_line_and_writes_nothing(scraped: Store, read_only) -> None:
    result = read_only("export", "--db", scraped.database.url, "--out", str(read_only.folder / "c.csv"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"plaint: error: cannot write {read_only.folder / 'c.csv'}")
    assert result.stderr.count("\n") == 1 and list(read_only.folder.iterdir()) == []


@pytest.mark.parametrize("size", ["0", "-3"])
def test_a_sample_of_none_or_fewer_is_refused_by_candidates_and_export(scraped: Store, size: str) -> None:
    runner = CliRunner()
    db = ["--db", scraped.database.url]
    for command in (["candidates", *db], ["export", *db, "--out", "s.csv"]):
        result = runner.invoke(app, [*command, "--sample", size, "--seed", "1"])
        assert result.exit_code == 2 and f"--sample {size}: a sample is of 1 or more" in result.stderr, result.output
    assert not Path("s.csv").exists()
