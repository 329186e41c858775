"""Weibo: the official open API where the researcher has a grant; otherwise import.

The m.weibo.cn web search needs a login cookie and robots.txt disallows it: plaint never reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaint.fields import FieldReader
from plaint.platforms import Platform

API_ROUTE = "weibo_open_api"


@dataclass(frozen=True)
class WeiboSettings:
    endpoint: str = "https://api.weibo.com/2/search/topics.json"
    topics: tuple[str, ...] = ("AI伴侣", "AI男友", "星野", "筑梦岛", "猫箱")
    queries: tuple[str, ...] = ()
    pages: int = 5
    interval: float = 1.0


def read_settings(reader: FieldReader, section: dict[str, Any], where: str) -> WeiboSettings:
    return WeiboSettings(
        endpoint=str(section.get("endpoint", WeiboSettings.endpoint)),
        topics=reader.strings(section.get("topics", list(WeiboSettings.topics)), f"{where}.topics"),
        queries=reader.strings(section.get("queries", []), f"{where}.queries"),
        pages=reader.count(section.get("pages", 5), f"{where}.pages"),
        interval=reader.seconds(section.get("interval", 1.0), f"{where}.interval", 0.0),
    )


PLATFORM = Platform(
    name="weibo", order=4, label="Weibo", hosts=("weibo.com", "weibo.cn"), routes=frozenset({API_ROUTE}),
    limits={API_ROUTE: "Weibo open API: only what the researcher's API grant allows."},
    not_fetched="Weibo's pages need a login cookie (and robots.txt disallows its web search)",
    collector="plaint.collectors.weibo:WeiboCollector",
    settings=WeiboSettings, read_settings=read_settings,
)
