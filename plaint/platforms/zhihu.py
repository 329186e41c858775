"""Zhihu: the Zhihu Open Platform's search (a personal access secret), ten results a call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaint.fields import FieldReader
from plaint.platforms import Platform

API_ROUTE = "zhihu_open_api"


@dataclass(frozen=True)
class ZhihuSettings:
    topics: tuple[str, ...] = ("AI伴侣", "AI男友", "星野", "筑梦岛", "猫箱", "Character.AI")
    queries: tuple[str, ...] = ()
    interval: float = 1.0


def read_settings(reader: FieldReader, section: dict[str, Any], where: str) -> ZhihuSettings:
    return ZhihuSettings(
        topics=reader.strings(section.get("topics", list(ZhihuSettings.topics)), f"{where}.topics"),
        queries=reader.strings(section.get("queries", []), f"{where}.queries"),
        interval=reader.seconds(section.get("interval", 1.0), f"{where}.interval", 0.0),
    )


PLATFORM = Platform(
    name="zhihu", order=3, label="Zhihu", hosts=("zhihu.com",), routes=frozenset({API_ROUTE}),
    limits={API_ROUTE: "Zhihu Open Platform search: at most 10 results a call, within the daily quota."},
    not_fetched="Zhihu's pages need a login; plaint reads Zhihu through its Open Platform",
    collector="plaint.collectors.zhihu:ZhihuCollector",
    settings=ZhihuSettings, read_settings=read_settings,
)
