"""Collectors: one module per platform. Each turns a platform's answers into `Post`s and knows
nothing of filters or storage. The contract is `queries()` and `search(query) -> Iterator[Post]`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from plaint.post import Post
from plaint.queries import Query


class Collector(Protocol):
    platform: str
    # Limits met while searching, in words a methods section can use ("listing cap reached").
    warnings: list[str]

    def queries(self) -> list[Query]: ...

    def search(self, query: Query) -> Iterator[Post]: ...
