"""Storage: SQLAlchemy models, the database, writes (store), reads (readout) and copy detection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # identity.py and sorting.py, which import workers use, must not pull in SQLAlchemy
    from sqlalchemy import Connection

T = TypeVar("T")
# Items per IN (...) clause: far below SQLite's 32,766 bound parameters, even for pairs.
CHUNK = 400


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def placeholder(connection: Connection) -> str:
    """The driver's mark for a parameter in SQL sent through it: sqlite3 takes ?, psycopg %s.
    Lookups of thousands of plain values go that way: SQLAlchemy's handling of each value of an
    IN list cost more than the lookup itself."""
    return "?" if connection.dialect.paramstyle == "qmark" else "%s"


def now() -> datetime:
    """The time rows are stamped with: always timezone-aware, in UTC."""
    return datetime.now(UTC)
