"""Opening the database: a SQLite file by default, any SQLAlchemy URL for a team."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from plaint.errors import ConfigError, PlaintError
from plaint.storage import schema
from plaint.storage.failures import StorageError, describe, watch

__all__ = ["Database", "StorageError", "database_url", "describe", "sqlite_path"]

DEFAULT_FILE = "plaint.db"


def database_url(value: str | None = None) -> str:
    """`--db` or `$PLAINT_DB` (a path or a SQLAlchemy URL), else ./plaint.db."""
    value = value or os.environ.get("PLAINT_DB") or DEFAULT_FILE
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    if not path.parent.is_dir():
        raise ConfigError(f"database {value}: the folder {path.parent} does not exist")
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL made by `database_url`, else None."""
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


class Database:
    """An open database, brought to the current schema.

    `create=False` is for commands that only make sense on a database that holds something
    (stats, candidates, export, ...): a path with no file there, an empty file or a database
    without plaint's tables is refused, so a mistyped --db never leaves an empty database behind.
    A command that stores posts (`create=True`) makes a new database in a missing or empty file;
    `was_empty` then says the file was there with nothing in it."""

    def __init__(self, url: str, create: bool = True) -> None:
        self.url = url
        path = sqlite_path(url)
        self.was_empty = bool(path and path.is_file() and path.stat().st_size == 0)
        if path is not None and not create:
            _check_existing(path)
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, ModuleNotFoundError) as exc:
            raise ConfigError(f"database {describe(url)}: cannot open ({exc})") from None
        watch(self.engine, url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if not create and schema.current(self.engine) is None:
            with self.engine.connect() as connection:
                schema.refuse_foreign_tables(connection)
            raise ConfigError(f"{describe(url)} holds no plaint database yet; {_HOW_TO_MAKE}")
        schema.upgrade(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def make_room(self) -> None:
        """After a write failed for want of space: move SQLite's write-ahead log into the database
        file and truncate it, which frees the log's space for a small write (a run's status)."""
        if self.engine.dialect.name == "sqlite":
            with contextlib.suppress(PlaintError), self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()


_HOW_TO_MAKE = ("plaint import, scrape or add makes one as it stores posts (or plaint db upgrade, an empty one); "
                "is --db (or $PLAINT_DB) the file you meant?")


def _check_existing(path: Path) -> None:
    if not path.exists():
        raise ConfigError(f"no database at {path}; {_HOW_TO_MAKE}")
    if path.is_dir():
        raise ConfigError(f"{path} is a folder, not a database file; name the .db file in it")
    if path.stat().st_size == 0:
        raise ConfigError(f"{path} is an empty file (0 bytes), not a plaint database; {_HOW_TO_MAKE}")


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives any crash of plaint intact; only a power cut can lose the
    # last batches (the next run collects them again). FULL would sync at every batch's commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 8 MB of page cache (the default is 2 MB): the copy check looks up band keys at random in an
    # index that an import of a million posts grows to over a hundred megabytes. 32 MB was no
    # faster on the million-line benchmark (pages missed come from the system's file cache), and
    # kept 25 MB more in the process that writes (issue 17: memory).
    cursor.execute("PRAGMA cache_size=-8192")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
