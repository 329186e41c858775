"""Opening the database: a SQLite file by default, any SQLAlchemy URL for a team."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from plaint.errors import ConfigError
from plaint.storage import schema

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


def describe(url: str) -> str:
    """Where the data is, for messages: a file path, or the URL without its password."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, ModuleNotFoundError) as exc:
            raise ConfigError(f"database {describe(url)}: cannot open ({exc})") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            schema.upgrade(self.engine)
        except DatabaseError as exc:
            raise ConfigError(f"database {describe(url)}: cannot open ({exc.orig})") from None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives any crash of plaint intact; only a power cut can lose the
    # last batches (the next run collects them again). FULL would sync at every batch's commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 32 MB of page cache (the default is 2 MB): the copy check looks up band keys at random in an
    # index that an import of a million posts grows to over a hundred megabytes.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
