"""What to tell a researcher when the database itself fails: a full disk, a damaged file, a
read-only folder, a server that does not answer. One line that names the database and says what
to do, in place of the driver's traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext, make_url

from plaint.errors import PlaintError


class StorageError(PlaintError):
    """The database cannot be opened, read or written; the message says why and what to do."""


def describe(url: str) -> str:
    """The database, for messages: a SQLite file's path, or the URL without its password."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    return make_url(url).render_as_string(hide_password=True)


def explain(error: BaseException, url: str) -> StorageError | None:
    """The error in words, or None for one that is not about the database being usable (a bug,
    a constraint), which is left as it is."""
    if isinstance(error, sqlite3.Error):
        return _sqlite(error, describe(url))
    if isinstance(error, OSError) and url.startswith("sqlite:///"):
        return _file(error, describe(url))
    module = type(error).__module__ or ""
    if module.startswith("psycopg") and type(error).__name__ == "OperationalError":
        return StorageError(f"cannot reach the PostgreSQL database {describe(url)}: {_first_line(error)}; check that "
                            "the server runs and the URL (--db or $PLAINT_DB) is right")
    return None


def watch(engine: Engine, url: str) -> None:
    """Have every driver error of `engine` that `explain` knows raised as a StorageError."""

    @event.listens_for(engine, "handle_error")
    def _explained(context: ExceptionContext) -> None:
        found = explain(context.original_exception, url)
        if found is not None:
            raise found from None


def _sqlite(error: sqlite3.Error, path: str) -> StorageError | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    folder = str(Path(path).parent)
    if name == "SQLITE_FULL":
        return StorageError(f"the disk holding {path} is full (database or disk is full); free some space and "
                            "run again")
    if name.startswith("SQLITE_IOERR"):
        return StorageError(f"cannot write {path} (disk I/O error, {name}): the disk may be full, over its quota or "
                            "failing; free some space or check the disk, and run again")
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return StorageError(f"{path} is damaged or is not a SQLite database ({error}); plaint does not repair it: "
                            "restore it from a backup, or give --db a new file")
    if name.startswith("SQLITE_READONLY") or (name == "SQLITE_CANTOPEN" and not os.access(folder, os.W_OK)):
        return StorageError(f"cannot write {path} or beside it ({error}): the file or the folder {folder} is "
                            "read-only, and SQLite writes its -wal and -shm files there even to read; copy the "
                            "database to a folder you can write, or run where you can")
    if name == "SQLITE_CANTOPEN":
        return StorageError(f"cannot open {path} ({error}); check that it is a file you may read and write")
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return StorageError(f"{path} is busy ({error}): another program holds it; try again when it is done")
    return None


def _file(error: OSError, path: str) -> StorageError:
    return StorageError(f"cannot write beside {path} ({error.strerror or error}: {error.filename}); the folder "
                        "must be writable, as plaint keeps its run lock and SQLite its -wal file there")


def _first_line(error: BaseException) -> str:
    return " ".join(str(error).split("\n", 1)[0].split())
