"""The schema is made only by migrations, matches the models, and the run lock works on both kinds
of database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from plaint.cli import app
from plaint.runcontrol import LockHeld, RunLock
from plaint.storage.database import Database
from plaint.storage.models import Base
from plaint.storage.schema import current, head


def test_the_migrations_make_exactly_the_models_schema(database: Database) -> None:
    assert current(database.engine) == head()
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_db_upgrade_is_safe_to_repeat(tmp_path: Path) -> None:
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--db", str(tmp_path / "team.db")])
        assert result.exit_code == 0 and f"schema at revision {head()}" in result.output


def test_a_database_of_the_first_schema_is_upgraded_with_its_data(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from plaint.storage.schema import _config

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0001")
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("insert into runs (id, command, started_at, status, platforms, warnings, tool_version) "
                    "values (1, 'import', '2026-11-01 00:00:00', 'ok', '{}', '[]', '0.1')")
        raw.execute("insert into posts (id, platform, native_id, kind, text, visibility, missing, types, strategies, "
                    "terms, route, fetched_at, tool_version, first_seen, last_seen) values (1, 'reddit', 't3_a', "
                    "'post', 'x', 'public', '[]', '[]', '[]', '{}', 'import', '2026-11-01 00:00:00', '0.1', "
                    "'2026-11-01 00:00:00', '2026-11-01 00:00:00')")
        raw.executemany("insert into post_bands (key, band, post_id) values (?, ?, 1)",
                        [(9000 + b, b) for b in range(20)])
    database = Database(f"sqlite:///{path}")  # opening upgrades it
    assert current(database.engine) == head()
    database.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("select count(*), min(band), max(band) from post_bands "
                           "where post_id = 1").fetchone() == (20, 0, 19)
        assert "WITHOUT ROWID" in raw.execute("select sql from sqlite_master where name = 'post_bands'").fetchone()[0]


def test_authors_forgotten_before_the_list_existed_are_on_it_after_the_upgrade(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from plaint.storage.schema import _config

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0002")
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.executemany("insert into contact_events (author_key, status, note, at) values (?, ?, ?, ?)", [
            ("a_forgotten", "do-not-contact", "removed at the author's request (plaint forget)", "2026-11-02 00:00:00"),
            ("a_forgotten", "do-not-contact", "removed at the author's request (plaint forget)", "2026-11-03 00:00:00"),
            ("a_only_dnc", "do-not-contact", "asked us not to write", "2026-11-02 00:00:00")])
    Database(f"sqlite:///{path}").close()  # opening upgrades it
    with sqlite3.connect(path) as raw:
        assert raw.execute("select author_key, key_check, forgotten_at from forgotten_authors").fetchall() == [
            ("a_forgotten", None, "2026-11-02 00:00:00")]


def test_a_database_no_migration_made_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("create table notes (text)")
    result = CliRunner().invoke(app, ["stats", "--db", str(other)])
    assert result.exit_code == 2 and "migrations did not make" in result.output
    with sqlite3.connect(other) as raw:
        assert [r[0] for r in raw.execute("select name from sqlite_master where type = 'table'")] == ["notes"]


def test_the_run_lock_on_either_database(database: Database) -> None:
    url = database.url
    with RunLock(url, ("reddit",)):
        if url.startswith("postgresql"):
            with RunLock(url, ("tiktok",)):  # another platform may write at once on a server database
                pass
        with pytest.raises(LockHeld), RunLock(url, ("reddit",)):
            pass
    with RunLock(url, ("reddit",)):  # released when the holder ends
        pass


def test_two_platforms_written_at_once(database: Database, tmp_path: Path) -> None:
    """Two runs of different platforms writing to one server database at the same time (on SQLite
    the run lock serialises them; on PostgreSQL they truly overlap)."""
    import json
    import threading

    from plaint.collectors.imports import import_sources
    from plaint.config import default_config
    from plaint.pipeline import Pipeline
    from plaint.storage.store import Store

    if not database.url.startswith("postgresql"):
        pytest.skip("SQLite takes one writer at a time")
    files = {}
    for platform in ("weibo", "douban"):
        path = tmp_path / f"{platform}.jsonl"
        path.write_text("".join(json.dumps({"platform": platform, "native_id": f"{platform}-{i}", "author": f"u{i}",
                                            "text": f"星野的AI男友说女生就该听话，太厌女了，"
                                                    f"第{i}次重新生成。编号{i * 7919}"},
                                           ensure_ascii=False) + "\n" for i in range(400)), encoding="utf-8")
        files[platform] = path
    results = {}

    def run(platform: str) -> None:
        results[platform] = Pipeline(default_config(), Store(Database(database.url))).run(
            import_sources([files[platform]]), command="import")

    threads = [threading.Thread(target=run, args=(p,)) for p in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status == "ok" for r in results.values())
    with database.engine.connect() as connection:
        per_platform = dict(connection.exec_driver_sql("select platform, count(*) from posts "
                                                       "group by platform").fetchall())
        authors = connection.exec_driver_sql("select count(*) from authors").scalar()
    assert per_platform == {"weibo": 400, "douban": 400} and authors == 800
