"""Storage: SQLAlchemy models, the database, writes (store), reads (readout) and copy detection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # identity.py and sorting.py, which import workers use, must not pull in SQLAlchemy
    from sqlalchemy import Connection, Table

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


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same columns) in one statement sent through the driver, each
    value made ready by the dialect's own bind processor for its column, so what is stored is
    what SQLAlchemy's insert stores. An import inserts tens of thousands of posts and authors:
    SQLAlchemy's handling of each row's parameters cost more than the insert itself."""
    if not rows:
        return
    names = list(rows[0])
    defaulted = [column.name for column in table.c if column.default is not None and column.name not in names]
    if defaulted:  # SQLAlchemy would fill these in; the driver would leave them empty
        raise ValueError(f"insert_rows into {table.name}: no value for {', '.join(defaulted)}")
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    mark = placeholder(connection)
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
                 f"VALUES ({', '.join([mark] * len(names))})")
    values_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    prepared = [tuple(value if process is None else process(value)
                      for value, process in zip(values_of(row), processors, strict=True)) for row in rows]
    connection.exec_driver_sql(statement, prepared)


def now() -> datetime:
    """The time rows are stamped with: always timezone-aware, in UTC."""
    return datetime.now(UTC)
