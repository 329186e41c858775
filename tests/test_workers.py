"""Large imports in worker processes: the same rows, copies, counts and problem reports as an
import done in one process, block boundaries and all."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import plaint.collectors.imports as imports
import plaint.pipeline as pipeline_module
from plaint.collectors.imports import BLOCK_RECORDS, import_sources
from plaint.config import default_config
from plaint.pipeline import Pipeline
from plaint.storage.database import Database
from plaint.storage.store import Store

COMPLAINTS = ["My Character.AI bot said women belong in the kitchen, so sexist. I regenerated it {n} times.",
              "星野的AI男友说女生就该在家带孩子，太厌女了，我重新生成了{n}次。",
              "Replika mocked my wheelchair and called me a burden, I told it that is ableist ({n})."]
CHATTER = ["Replika remembered my birthday and wrote poem number {n}.", "猫箱今天的剧情写得好绝，第{n}章。"]


def record(n: int, text: str, **fields: object) -> dict:
    return {"platform": "reddit", "native_id": f"t3_{n}", "author": f"user{n % 700}", "text": text,
            "created_at": f"2026-10-{1 + n % 28:02d}T12:00:00+00:00", **fields}


def mixed_file(path: Path) -> Path:
    """Three blocks and a bit: complaints, chatter, exact and near copies, minors, bad lines, a
    post seen twice, and a post deleted in a later block than the one that stored it."""
    lines: list[str] = []
    for n in range(2 * BLOCK_RECORDS + 700):
        if n % 10 == 0:
            item = record(n, COMPLAINTS[n % 3].format(n=n))
        elif n % 97 == 0:
            item = record(n, COMPLAINTS[0].format(n=0))  # an exact copy of post 0
        elif n % 89 == 0:
            item = record(n, "Repost: " + COMPLAINTS[2].format(n=20))  # a near copy
        elif n % 501 == 0:
            item = record(n, "I'm 15 and my Replika keeps flirting with me.")
        elif n % 613 == 0:
            lines.append("{not json")
            continue
        elif n % 617 == 0:
            item = record(n, COMPLAINTS[1].format(n=n), created_at="yesterday")
        else:
            item = record(n, CHATTER[n % 2].format(n=n))
        lines.append(json.dumps(item, ensure_ascii=False))
    lines.append(json.dumps(record(40, COMPLAINTS[1].format(n=40), score=12), ensure_ascii=False))  # seen again
    lines.append(json.dumps(record(50, "(private)", visibility="private"), ensure_ascii=False))  # stored, now private
    lines.append(json.dumps(record(9999, COMPLAINTS[0].format(n=9999)))[:-12])  # cut off
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def import_into(db: Path, source: Path, workers: int) -> tuple[dict, dict]:
    summary = Pipeline(default_config(), Store(Database(f"sqlite:///{db}")), workers=workers).run(
        import_sources([source]), command="import")
    with sqlite3.connect(db) as raw:
        tables = {
            "posts": raw.execute("select p.platform, p.native_id, a.handle, p.text, p.score, p.text_hash, "
                                 "o.native_id, p.duplicate_kind, p.similarity, p.minhash, p.types, p.strategies, "
                                 "p.terms, p.language, p.tombstoned_at is not null from posts p "
                                 "left join authors a on a.id = p.author_id "
                                 "left join posts o on o.id = p.duplicate_of order by p.id").fetchall(),
            "authors": raw.execute("select platform, handle, stated_minor, deleted_content from authors "
                                   "order by platform, handle").fetchall(),
            "bands": raw.execute("select b.band, b.key, p.native_id from post_bands b join posts p on p.id = b.post_id "
                                 "order by 1, 2, 3").fetchall(),
            "counts": sorted(raw.execute("select source, stage, outcome, count from run_counts").fetchall()),
        }
    result = summary.platforms[str(source)]
    return tables, {"status": result.status, "detail": result.detail, "info": result.info,
                    "langdetect": summary.langdetect_calls}


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file counts as large, and each worker pool started is recorded (its size)."""
    monkeypatch.setattr(imports, "PARALLEL_BYTES", 0)
    started: list[int] = []

    class RecordedPool(pipeline_module.WorkerPool):
        def __init__(self, config, workers, model=None):  # type: ignore[no-untyped-def]
            started.append(workers)
            super().__init__(config, workers, model)

    monkeypatch.setattr(pipeline_module, "WorkerPool", RecordedPool)
    return started


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_store_what_one_process_stores(tmp_path: Path, pools: list[int], workers: int) -> None:
    source = mixed_file(tmp_path / "mixed.ndjson")
    alone_tables, alone = import_into(tmp_path / "alone.db", source, workers=0)
    assert pools == []
    shared_tables, shared = import_into(tmp_path / "shared.db", source, workers=workers)
    assert pools == [workers]
    for table in alone_tables:
        assert shared_tables[table] == alone_tables[table], table
    assert shared == alone
    # What the file holds made it through, so the comparison compared something.
    posts = {row[1]: row for row in alone_tables["posts"]}
    assert posts["t3_97"][6] == "t3_0" and posts["t3_97"][7] == "exact"
    assert posts["t3_89"][7] == "near" and posts[posts["t3_89"][6]][6] is None  # a copy of an original
    assert posts["t3_50"][14] == 1 and posts["t3_40"][4] == 12  # erased; refreshed by its second sighting
    assert ("reddit", "user501", 1, 0) in alone_tables["authors"]
    problems = alone["info"]["problems"]
    assert [p["where"] for p in problems][:2] == ["line 614", "line 618"]
    assert "not JSON" in problems[0]["problem"] and "created_at" in problems[1]["problem"]
    assert problems[-1]["problem"] == "the last line is cut off"


def test_workers_refuse_a_file_of_no_known_format_as_one_process_does(tmp_path: Path, pools: list[int]) -> None:
    source = tmp_path / "weather.jsonl"
    source.write_text("".join(json.dumps({"city": f"c{n}", "temp": n}) + "\n" for n in range(3000)))
    _, result = import_into(tmp_path / "w.db", source, workers=2)
    assert pools == [2]
    assert result["status"] == "failed"
    assert "none of the first 20 records" in result["detail"] and "plaint-template" in result["detail"]


def test_a_worker_loads_no_database_engine() -> None:
    """Each worker holds its own copy of what it imports: SQLAlchemy would cost every one of them
    about 25 MB for nothing (workers never touch the database)."""
    import subprocess
    import sys

    code = ("import sys, plaint.workers; from plaint.config import default_config; "
            "plaint.workers._start_worker(default_config()); print('sqlalchemy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_one_pool_serves_every_large_file_of_a_run(tmp_path: Path, pools: list[int]) -> None:
    first = mixed_file(tmp_path / "first.ndjson")
    second = tmp_path / "second.ndjson"
    second.write_text("".join(json.dumps(record(20_000 + n, COMPLAINTS[n % 3].format(n=n * 7919)),
                                         ensure_ascii=False) + "\n" for n in range(50)), encoding="utf-8")
    store = Store(Database(f"sqlite:///{tmp_path / 'both.db'}"))
    summary = Pipeline(default_config(), store, workers=2).run(import_sources([first, second]), command="import")
    assert pools == [2]
    assert summary.platforms[str(first)].status == "ok" and summary.platforms[str(second)].info["records"] == 50
    with sqlite3.connect(tmp_path / "both.db") as raw:
        assert raw.execute("select count(*) from posts where native_id like 't3_2____'").fetchone()[0] == 50


def test_a_forgotten_author_is_stored_without_them_through_the_workers(tmp_path: Path, pools: list[int]) -> None:
    from typer.testing import CliRunner

    from plaint.cli import app

    db = tmp_path / "study.db"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(app, ["forget", "reddit:user10", "--db", str(db)]).exit_code == 0
    tables, result = import_into(db, mixed_file(tmp_path / "mixed.ndjson"), workers=2)
    assert pools == [2] and result["status"] == "ok"
    theirs = {f"t3_{n}" for n in range(10, 2 * BLOCK_RECORDS + 700, 700) if n % 10 == 0}  # complaints, kept
    stored = {row[1]: row for row in tables["posts"]}
    assert theirs <= set(stored) and all(stored[native_id][2] is None for native_id in theirs)
    assert not any(handle == "user10" for _, handle, _, _ in tables["authors"])
    assert sum(count for _, stage, _, count in tables["counts"] if stage == "forgotten") == len(theirs)


def test_the_fork_server_loads_what_every_worker_would_load_and_freezes_it() -> None:
    """Workers fork from a server that has loaded langdetect's profiles and the shipped model,
    frozen out of the cycle collector's reach, so the workers share those pages (README:
    Performance) rather than each loading its own."""
    import subprocess
    import sys

    check = ("import gc, plaint.worker_preload; from langdetect import detector_factory; "
             "from plaint.screening.model import packaged_model; "
             "print(detector_factory._factory is not None, packaged_model.cache_info().currsize, "
             "gc.get_freeze_count() > 10000)")
    shown = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True).stdout.split()
    assert shown == ["True", "1", "True"]


def test_a_worker_killed_mid_file_fails_that_file_and_the_run_goes_on(tmp_path: Path, pools: list[int],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker the system kills (out of memory) takes its block with it: the import used to wait
    for it for ever. Now that file fails with a message saying what to do, what was stored is
    kept, and the next file is imported by a new pool."""
    import multiprocessing
    import os
    import signal

    from plaint.collectors.imports import readers

    monkeypatch.setattr(readers, "SPAN_BYTES", 4096)  # a hundred blocks: many still in flight after the kill
    first = mixed_file(tmp_path / "first.ndjson")
    second = tmp_path / "second.ndjson"
    second.write_text("".join(json.dumps(record(20_000 + n, COMPLAINTS[n % 3].format(n=n * 7919)),
                                         ensure_ascii=False) + "\n" for n in range(50)), encoding="utf-8")

    class KillingProgress:
        killed = False

        def query_started(self, *args: object) -> None:
            pass

        def post_seen(self, platform: str, count: int = 1) -> None:
            if not self.killed:
                self.killed = True
                os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)  # type: ignore[arg-type]

    store = Store(Database(f"sqlite:///{tmp_path / 'both.db'}"))
    summary = Pipeline(default_config(), store, progress=KillingProgress(), workers=2).run(
        import_sources([first, second]), command="import")
    assert pools == [2, 2]
    lost = summary.platforms[str(first)]
    assert lost.status == "failed" and "worker process ended" in lost.detail and "--workers" in lost.detail
    assert summary.platforms[str(second)].status == "ok"
    with sqlite3.connect(tmp_path / "both.db") as raw:
        assert raw.execute("select count(*) from posts where native_id like 't3_2____'").fetchone()[0] == 50
        assert raw.execute("select count(*) from posts where native_id not like 't3_2____'").fetchone()[0] > 0
