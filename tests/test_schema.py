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
        with pytest.raises(LockHeld):
            with RunLock(url, ("reddit",)):
                pass
    with RunLock(url, ("reddit",)):  # released when the holder ends
        pass
