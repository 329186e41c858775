"""What an import format is: which records it recognises, and how it maps them to Posts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plaint.post import Post, Provenance


@dataclass(frozen=True)
class ImportFormat:
    name: str  # shown to the researcher: "the file was read as <name>"
    description: str
    platform: str
    containers: tuple[str, ...]  # which readers may carry it: ndjson, csv, json
    matches: Callable[[dict[str, Any]], bool]
    to_posts: Callable[[dict[str, Any], Provenance], list[Post]]
    route: str = "import"
