"""Collectors: one module per platform. Each turns a platform's answers into `Post`s and knows
nothing of filters or storage. The contract is `queries()` and `search(query) -> Iterator[Post]`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, runtime_checkable

from plaint.post import Post
from plaint.queries import Query


class Collector(Protocol):
    platform: str
    # Limits met while searching, in words a methods section can use ("listing cap reached").
    warnings: list[str]

    def queries(self) -> list[Query]: ...

    def search(self, query: Query) -> Iterator[Post]: ...


@runtime_checkable
class BlockSource(Protocol):
    """A collector whose records can be mapped away from it, in worker processes: a file import.

    `search` does all of this in-process; the pipeline may instead take `blocks`, have each mapped
    and filtered by a worker (with a pickled `mapper`, whose `map_block` returns a MappedBlock),
    and hand each mapped block back through `absorb`, then call `finish`."""

    strict: bool
    mapper: Any

    @property
    def large(self) -> bool: ...

    def blocks(self, query: Query | None = None) -> Iterator[Any]: ...

    def absorb(self, mapped: Any) -> list[Post]: ...

    def finish(self) -> None: ...
