"""Storage: SQLAlchemy models, the database, writes (store), reads (readout) and copy detection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")
# Items per IN (...) clause: far below SQLite's 32,766 bound parameters, even for pairs.
CHUNK = 400


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
