"""Zhihu web API answers and articles saved as JSON (a browser capture of `/api/v4/answers/<id>`,
or a search_v3 response with its `data[].object`s)."""

from __future__ import annotations

from typing import Any

from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.zhihu import map_api_object
from plaint.post import Post, Provenance


def _objects(record: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(record.get("data"), list):
        return [item.get("object") or item for item in record["data"] if isinstance(item, dict)]
    return [record]


def api_objects(record: dict[str, Any], provenance: Provenance) -> list[Post]:
    return [post for obj in _objects(record) if (post := map_api_object(obj, provenance)) is not None]


def _matches(record: dict[str, Any]) -> bool:
    return any(isinstance(obj, dict) and obj.get("type") in ("answer", "article") and "content" in obj
               and ("question" in obj or "title" in obj) for obj in _objects(record))


FORMATS = [
    ImportFormat("zhihu-api-objects", "Zhihu web API answers/articles (JSON capture)", "zhihu", ("json", "ndjson"),
                 _matches, api_objects),
]
