"""Running every night: one run at a time, runs killed or stopped mid-way, logs and history."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plaint.cli import EXIT_INTERRUPTED, EXIT_NOTHING_RAN, app
from plaint.post import Annotations
from plaint.runcontrol import RunLock, stop_on_signals
from plaint.storage.store import Store

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ["My Character.AI bot said women belong in the kitchen, so sexist. I regenerated it.",
         "星野的AI男友说女生就该在家带孩子，太厌女了，我重新生成了好几次。",
         "Replika remembered my birthday and wrote a poem, so sweet."]


# Posts as the relevance filter keeps them: in the complaint tier.
Kept = partial(Annotations, tier="complaint", score=0.9)


def import_file(path: Path, count: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"platform": "reddit", "native_id": f"t3_{i}", "author": f"user{i % 500}",
                                     "text": f"{TEXTS[i % 3]} (post {i})"}, ensure_ascii=False) + "\n")
    return path


def stored_posts(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as raw:
            return raw.execute("select count(*) from posts").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def start_import(source: Path, db: Path, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "PLAINT_KEY_FILE": str(tmp_path / "key")}
    return subprocess.Popen([sys.executable, "-m", "plaint.cli", "import", str(source), "--db", str(db), "--quiet"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_posts(db: Path, process: subprocess.Popen, at_least: int = 200, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while stored_posts(db) < at_least:
        assert process.poll() is None, "the import ended before it could be interrupted"
        assert time.monotonic() < deadline, "nothing was stored in time"
        time.sleep(0.05)


def test_a_second_run_while_one_holds_the_database_stops_at_once(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    source = import_file(tmp_path / "posts.jsonl", 3)
    with RunLock(f"sqlite:///{db}"):
        result = CliRunner().invoke(app, ["import", str(source), "--db", str(db)])
    assert result.exit_code == EXIT_NOTHING_RAN and "another plaint run (pid" in result.output
    assert stored_posts(db) == 0
    assert CliRunner().invoke(app, ["import", str(source), "--db", str(db)]).exit_code == 0  # free again


def test_sigterm_finishes_the_batch_and_exits_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    process = start_import(import_file(tmp_path / "posts.jsonl", 60_000), db, tmp_path)
    wait_for_posts(db, process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == EXIT_INTERRUPTED
    with sqlite3.connect(db) as raw:
        assert raw.execute("select status from runs").fetchall() == [("interrupted",)]
        kept = raw.execute("select sum(count) from run_counts where stage = 'kept'").fetchone()[0]
        assert raw.execute("select count(*) from posts").fetchone()[0] == kept  # every counted post was stored
        assert kept < 40_000  # it stopped early


def test_a_run_killed_mid_batch_leaves_a_consistent_database_and_the_next_completes(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    source = import_file(tmp_path / "posts.jsonl", 30_000)
    process = start_import(source, db, tmp_path)
    wait_for_posts(db, process)
    process.kill()  # SIGKILL: no handler runs, no cleanup
    process.wait(timeout=30)
    with sqlite3.connect(db) as raw:
        assert raw.execute("pragma integrity_check").fetchone() == ("ok",)
        assert raw.execute("pragma foreign_key_check").fetchall() == []
        orphans = raw.execute("select count(*) from posts p left join authors a on p.author_id = a.id "
                              "where p.author_id is not null and a.id is null").fetchone()[0]
        assert orphans == 0 and raw.execute("select status from runs").fetchall() == [("running",)]
    result = CliRunner().invoke(app, ["import", str(source), "--db", str(db), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "marked interrupted" in result.stderr
    with sqlite3.connect(db) as raw:
        assert raw.execute("select status from runs order by id").fetchall() == [("interrupted",), ("ok",)]
        assert raw.execute("select count(*) from posts").fetchone()[0] == 20_000  # two of three texts are kept


def test_log_file_and_run_history(tmp_path: Path) -> None:
    db, log = tmp_path / "study.db", tmp_path / "plaint.log"
    source = import_file(tmp_path / "posts.jsonl", 30)
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(source), "--db", str(db), "--log-file", str(log)]).exit_code == 0
    result = runner.invoke(app, ["scrape", "--db", str(db), "--log-file", str(log)],
                           env={"REDDIT_CLIENT_SECRET": "must-not-appear", "REDDIT_CLIENT_ID": ""})
    assert result.exit_code == EXIT_NOTHING_RAN
    lines = log.read_text(encoding="utf-8").splitlines()
    assert "kept=20 new=2 copies=18" in lines[0] and "status=ok" in lines[0]  # near-identical texts: copies
    assert len(lines) == 1 + 5 and all("status=skipped" in line for line in lines[1:])
    assert "must-not-appear" not in log.read_text(encoding="utf-8")
    history = json.loads(runner.invoke(app, ["runs", "--db", str(db), "--format", "json"]).output)
    assert [(r["command"], r["status"]) for r in history] == [("scrape", "failed"), ("import", "ok")]
    assert history[1]["found"] == 30 and history[1]["kept"] == 20


def test_stale_running_rows_are_marked_interrupted(store: Store) -> None:
    store.runs.start("scrape")
    assert store.runs.mark_interrupted() == 1 and store.runs.mark_interrupted() == 0


def test_sweep_erases_posts_reddit_no_longer_shows(store: Store, tmp_path: Path) -> None:
    from collections import Counter as Tally
    from urllib.parse import urlencode

    import build_demo_cassette as shapes
    from sqlalchemy import select

    from plaint.collectors.reddit import connect
    from plaint.demo.cassette import cassette_session
    from plaint.post import Author, Kind, Post, Provenance, Visibility
    from plaint.pseudonym import load_pseudonymiser
    from plaint.recruit import list_candidates
    from plaint.storage.models import PostRow
    from plaint.sweep import sweep_reddit

    def stored(native_id: str, handle: str, kind: Kind = Kind.POST) -> tuple[Post, Annotations]:
        return (Post(platform="reddit", native_id=native_id, kind=kind, provenance=Provenance("reddit_api"),
                     text=f"My Replika called me fat, post {native_id}, so I gave it one star.",
                     author=Author("reddit", handle), visibility=Visibility.PUBLIC), Kept("en", ["appearance"]))

    store.posts.save_batch(store.runs.start("t"), "reddit", [stored("t3_keep", "stays"), stored("t3_gone", "vanished"),
                                                            stored("t1_rem", "removed_one", Kind.COMMENT)],
                           [], [], Tally())
    still = dict(id="keep", subreddit="replika", author="stays", created="2026-10-01T00:00:00Z", score=3,
                 title="Still here", text="My Replika called me fat, so I gave it one star.")
    comment = shapes.comment({"id": "keep", "subreddit": "replika", "author": "stays"},
                             {"id": "rem", "author": "[deleted]", "score": 1, "body": "[removed]"}, "t3_keep", 0, 1.0e9)
    answer = shapes.listing([{"kind": "t3", "data": shapes.submission(still)}, comment], None)
    token = shapes.interaction("POST", "https://www.reddit.com/api/v1/access_token",
                               {"access_token": "T", "token_type": "bearer", "expires_in": 3600, "scope": "*"})
    info = shapes.interaction("GET", "https://oauth.reddit.com/api/info/?"
                              + urlencode({"id": "t3_keep,t3_gone,t1_rem"}), answer)
    session, adapter = cassette_session([token, info], match=("id",))
    result = sweep_reddit(store, connect(session, env={"REDDIT_CLIENT_ID": "x", "REDDIT_CLIENT_SECRET": "y"}))
    assert adapter.unplayed() == [] and result.checked == 3
    assert result.erased == Tally({"no longer returned": 1, "removed": 1})
    with store.database.session() as session:
        rows = {r.native_id: r for r in session.scalars(select(PostRow))}
    assert rows["t3_keep"].tombstoned_at is None and rows["t3_keep"].text
    assert rows["t3_gone"].tombstoned_at is not None and rows["t3_gone"].text == ""
    assert rows["t1_rem"].tombstoned_at is not None
    handles = [c.handle for c in list_candidates(store.database, load_pseudonymiser())]
    assert handles == ["stays"]  # the authors of erased posts leave the candidate list
    from plaint.export import write_corpus

    exported = write_corpus(store.database, tmp_path / "corpus.jsonl", load_pseudonymiser())
    assert exported.rows == 1  # and the export: only the post Reddit still shows


def test_sweep_refetches_douban_topics_and_tieba_threads(store: Store) -> None:
    from collections import Counter as Tally

    import httpx
    from sqlalchemy import select

    from plaint.http import PoliteClient
    from plaint.post import Author, Kind, Post, Provenance, Visibility
    from plaint.storage.models import PostRow
    from plaint.sweep import sweep_pages

    def stored(platform: str, native_id: str, thread: str) -> tuple[Post, Annotations]:
        return (Post(platform=platform, native_id=native_id, kind=Kind.POST, provenance=Provenance("add_url"),
                     thread_id=thread, text=f"AI男友说女生就该听话，太厌女了 {native_id}",
                     author=Author(platform, f"u{native_id}"), visibility=Visibility.PUBLIC), Kept("zh"))

    run = store.runs.start("t")
    store.posts.save_batch(run, "douban", [stored("douban", "100", "100"), stored("douban", "comment:7", "100"),
                                           stored("douban", "200", "200")], [], [], Tally())
    store.posts.save_batch(run, "tieba", [stored("tieba", "900", "900")], [], [], Tally())
    seen: list[str] = []

    def site(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host + request.url.path)
        if request.url.path == "/robots.txt":
            closed = request.url.host == "tieba.baidu.com"
            body = "User-agent: *\nDisallow: /\n" if closed else "User-agent: *\nDisallow: /search\n"
            return httpx.Response(200, text=body)
        if request.url.path == "/group/topic/100/":
            return httpx.Response(404, text="gone")
        return httpx.Response(200, text="<div class='topic-doc'>still here, a long page of content</div>" * 200)

    client = PoliteClient(transport=httpx.MockTransport(site), sleep=lambda s: None, min_interval=0)
    result = sweep_pages(store, client)
    assert result.checked == 4 and result.erased == Tally({"page gone": 2})
    assert result.skipped == Tally({"robots.txt disallows re-checking": 1})
    assert "tieba.baidu.com/p/900" not in seen  # robots.txt said no: never fetched
    with store.database.session() as session:
        erased = {r.native_id for r in session.scalars(select(PostRow).where(PostRow.tombstoned_at.is_not(None)))}
    assert erased == {"100", "comment:7"}


def test_sweep_asks_tiktok_again_and_erases_what_it_no_longer_returns(store: Store) -> None:
    from collections import Counter as Tally
    from datetime import datetime

    import httpx
    from sqlalchemy import select

    from plaint.collectors.tiktok import TikTokCollector
    from plaint.config import default_config
    from plaint.http import PoliteClient
    from plaint.post import Author, Kind, Post, Provenance, Visibility
    from plaint.storage.models import PostRow
    from plaint.sweep import sweep_tiktok

    def stored(native_id: str, kind: Kind, day: int, thread: str | None = None) -> tuple[Post, Annotations]:
        return (Post(platform="tiktok", native_id=native_id, kind=kind, provenance=Provenance("tiktok_research_api"),
                     thread_id=thread, text=f"My c.ai bot is so sexist, I regenerated it {native_id}",
                     author=Author("tiktok", f"u{native_id}") if kind is Kind.VIDEO else None,
                     created_at=datetime(2026, 9, day, tzinfo=UTC), visibility=Visibility.PUBLIC),
                Kept("en"))

    store.posts.save_batch(store.runs.start("t"), "tiktok", [stored("1", Kind.VIDEO, 1), stored("2", Kind.VIDEO, 3),
                                                            stored("3", Kind.VIDEO, 25),
                                                            stored("comment:9", Kind.COMMENT, 26, thread="3")],
                           [], [], Tally())
    asked: list[dict] = []

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/oauth/token/":
            return httpx.Response(200, json={"access_token": "T", "expires_in": 7200})
        body = json.loads(request.content)
        asked.append(body)
        ids = body["query"]["and"][0]["field_values"]
        videos = [{"id": int(i)} for i in ids if i != "3"]  # video 3 was deleted
        return httpx.Response(200, json={"data": {"videos": videos, "has_more": False}, "error": {"code": "ok"}})

    client = PoliteClient(transport=httpx.MockTransport(api), sleep=lambda s: None, min_interval=0)
    result = sweep_tiktok(store, TikTokCollector(default_config(), client, "key", "secret"))
    assert result.checked == 3 and result.erased == Tally({"no longer returned": 1, "comments of those videos": 1})
    assert [(b["start_date"], b["end_date"]) for b in asked] == [("20260901", "20260930")]  # one window, one request
    with store.database.session() as session:
        erased = {r.native_id for r in session.scalars(select(PostRow).where(PostRow.tombstoned_at.is_not(None)))}
    assert erased == {"3", "comment:9"}


def _file_size_limit(megabytes: int):
    """For preexec_fn: the process may write no file beyond this size (a disk that fills), and
    the signal the kernel sends then is ignored, so the write fails as on a full disk."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (megabytes << 20, megabytes << 20))
    return limit


def _committed(db: Path) -> tuple[list[tuple[str]], int, int]:
    with sqlite3.connect(db) as raw:
        assert raw.execute("pragma integrity_check").fetchone() == ("ok",)
        kept = raw.execute("select coalesce(sum(count), 0) from run_counts where stage = 'kept'").fetchone()[0]
        statuses = raw.execute("select status from runs").fetchall()
        return statuses, raw.execute("select count(*) from posts").fetchone()[0], kept


def test_a_disk_that_fills_mid_import_ends_the_run_failed_and_keeps_every_committed_batch(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    source = import_file(tmp_path / "posts.jsonl", 20_000)
    result = subprocess.run([sys.executable, "-m", "plaint.cli", "import", str(source), "--db", str(db), "--quiet"],
                            cwd=tmp_path, env={**os.environ, "PLAINT_KEY_FILE": str(tmp_path / "key")},
                            preexec_fn=_file_size_limit(3), capture_output=True, text=True, timeout=120)
    assert result.returncode == EXIT_NOTHING_RAN and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"plaint: error: cannot write {db} (disk I/O error")
    assert "the disk may be full" in result.stderr and "run 1 is marked failed" in result.stderr
    statuses, posts, kept = _committed(db)
    assert statuses == [("failed",)] and 0 < posts < 20_000 * 2 // 3
    assert posts == kept  # every committed batch is there, with its counts
    history = json.loads(CliRunner().invoke(app, ["runs", "--db", str(db), "--format", "json"]).output)
    assert history[0]["status"] == "failed" and history[0]["ended_at"]


def test_a_full_file_system_says_the_disk_is_full(tmp_path: Path) -> None:
    if not shutil.which("unshare"):
        pytest.skip("unshare is not here to mount a small tmpfs")
    small, out = tmp_path / "small", tmp_path / "out"
    small.mkdir()
    out.mkdir()
    source = import_file(tmp_path / "posts.jsonl", 20_000)
    # A 3 MB tmpfs in a mount namespace of its own; what it held is copied out before it goes.
    script = ('mount -t tmpfs -o size=3m plaint-test "$0" || exit 99; "$@"; code=$?; cp "$0"/study.db* '
              f'{out}/; exit $code')
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script, str(small), sys.executable, "-m", "plaint.cli",
                             "import", str(source), "--db", str(small / "study.db"), "--quiet"],
                            cwd=tmp_path, env={**os.environ, "PLAINT_KEY_FILE": str(tmp_path / "key")},
                            capture_output=True, text=True, timeout=120)
    if result.returncode == 99:
        pytest.skip(f"a tmpfs cannot be mounted here: {result.stderr.strip()}")
    assert result.returncode == EXIT_NOTHING_RAN and result.stderr.count("\n") == 1, result.stderr
    assert f"the disk holding {small / 'study.db'} is full (database or disk is full)" in result.stderr
    statuses, posts, kept = _committed(out / "study.db")
    assert statuses == [("failed",)] and 0 < posts == kept


def _wait_for_line(stream, words: str, process: subprocess.Popen) -> None:
    for line in stream:  # blocks until the run writes it; the run cannot end without one of them
        if words in line:
            return
    raise AssertionError(f"the run ended ({process.wait()}) without saying {words!r}")


def test_ctrl_c_then_sigterm_stops_at_once_exits_5_and_marks_the_run_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    process = start_import(import_file(tmp_path / "posts.jsonl", 60_000), db, tmp_path)
    wait_for_posts(db, process)
    # Both arrive while the process is stopped, so both are pending when it goes on: the first
    # asks for a clean stop, the second, handled right after it, means now.
    process.send_signal(signal.SIGSTOP)
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    err = process.communicate(timeout=60)[1].decode()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "stopped at once by a second signal; the batch in hand was not stored" in err
    assert "run 1 is marked interrupted" in err and "Traceback" not in err
    statuses, posts, kept = _committed(db)
    assert statuses == [("interrupted",)] and 0 < posts == kept < 40_000


def test_two_ctrl_c_at_the_terminal_exit_5_and_mark_the_run_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "study.db"
    env = {**os.environ, "PLAINT_KEY_FILE": str(tmp_path / "key")}
    # Its own process group, as a terminal's job is: Ctrl-C reaches the workers too, which ignore it.
    process = subprocess.Popen([sys.executable, "-m", "plaint.cli", "import", str(import_file(tmp_path / "p.jsonl",
                                60_000)), "--db", str(db), "--quiet"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for_posts(db, process)
    os.killpg(process.pid, signal.SIGINT)
    _wait_for_line(process.stderr, "a second Ctrl-C (or SIGTERM) stops at once", process)
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == EXIT_INTERRUPTED  # at once, or after the batch if that came first
    process.communicate()
    statuses, posts, kept = _committed(db)
    assert statuses == [("interrupted",)] and 0 < posts == kept < 40_000


def test_a_signal_after_a_stopped_run_has_ended_changes_nothing() -> None:
    """Between a stopped run's end and the process's exit (the summary being printed), one more
    Ctrl-C must not turn the clean stop (exit 5) into a traceback: it is ignored."""

    class Pipeline:
        stop_requested = False

    before = signal.getsignal(signal.SIGINT)
    try:
        finished = Pipeline()
        with stop_on_signals(finished):
            pass
        assert signal.getsignal(signal.SIGINT) is before  # no stop asked: the handler is given back
        stopped = Pipeline()
        with stop_on_signals(stopped):
            os.kill(os.getpid(), signal.SIGINT)  # the first Ctrl-C: stop after the batch
            assert stopped.stop_requested
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)  # would raise KeyboardInterrupt here without it
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_second_signal_during_a_write_stops_the_run_once_the_write_commits(store: Store, config) -> None:
    """Cut in half, a transaction could keep SQLite's lock, and the run could not even be marked
    interrupted (it stayed `running`, seen under load): the signal waits for the commit."""
    from plaint.pipeline import Pipeline

    pipeline = Pipeline(config, store)
    before = signal.getsignal(signal.SIGINT)
    try:
        with stop_on_signals(pipeline):
            os.kill(os.getpid(), signal.SIGINT)  # the first: stop after the batch
            with pytest.raises(KeyboardInterrupt), pipeline._transaction():
                os.kill(os.getpid(), signal.SIGINT)  # the second, mid-write: no exception here
                written = True
            assert written and pipeline.stop_now
            with pytest.raises(KeyboardInterrupt):  # outside a write, the second stops at once
                os.kill(os.getpid(), signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, before)
