"""Loading rows by their (platform, native id) key, fast: a batch asks for thousands at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plaint.storage import chunks, placeholder
from plaint.storage.models import PostRow

Key = tuple[str, str]  # (platform, native id or handle)


def rows_by_key(session: Session, model: Any, id_column: Any, keys: Sequence[Key], *columns: Any) -> dict[Key, Any]:
    """Rows of `model` (or just these plain columns of them, platform and id among them, read
    through the driver) by (platform, id), loaded as `platform = ? AND id IN (...)` per platform:
    that is served by the unique index, where SQLite scans for a row-value `(platform, id) IN (...)`."""
    grouped: dict[str, set[str]] = {}
    for platform, value in keys:
        grouped.setdefault(platform, set()).add(value)
    rows: dict[Key, Any] = {}
    connection = session.connection()
    mark = placeholder(connection)
    names = ", ".join(column.expression.name for column in columns)
    for platform, values in grouped.items():
        for chunk in chunks(sorted(values)):
            found: Iterable[Any]
            if columns:
                found = connection.exec_driver_sql(
                    f"SELECT {names} FROM {model.__tablename__} WHERE platform = {mark} "
                    f"AND {id_column.expression.name} IN ({', '.join([mark] * len(chunk))})", (platform, *chunk))
            else:
                found = session.scalars(select(model).where(model.platform == platform, id_column.in_(chunk)))
            rows.update({(r.platform, getattr(r, id_column.key)): r for r in found})
    return rows


def stored_posts(session: Session, keys: Sequence[Key]) -> dict[Key, PostRow]:
    """The stored posts with these keys. Most posts of an import are new: which are stored is
    asked first, cheaply, and only those are loaded as rows."""
    present = rows_by_key(session, PostRow, PostRow.native_id, keys, PostRow.platform, PostRow.native_id)
    return rows_by_key(session, PostRow, PostRow.native_id, list(present)) if present else {}
