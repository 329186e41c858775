"""Douban: the topic lists of public groups the researcher names, keywords matched locally.

`/search` and `/group/search` are disallowed by robots.txt; plaint waits 5 s or more between requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plaint.fields import FieldReader
from plaint.platforms import ADD_URL, PageReader, Platform

GROUP_ROUTE = "douban_group_pages"
SITE = "https://www.douban.com"
TOPIC_PATH = re.compile(r"^/group/topic/(\d+)")


@dataclass(frozen=True)
class DoubanSettings:
    groups: tuple[str, ...] = ()
    pages: int = 20  # 25 topics a page: about the 500 newest topics of each group
    interval: float = 5.0


def read_settings(reader: FieldReader, section: dict[str, Any], where: str) -> DoubanSettings:
    return DoubanSettings(
        groups=reader.strings(section.get("groups", []), f"{where}.groups"),
        pages=reader.count(section.get("pages", 20), f"{where}.pages"),
        interval=reader.seconds(section.get("interval", 5.0), f"{where}.interval", 5.0),
    )


PLATFORM = Platform(
    name="douban", order=5, label="Douban", hosts=("douban.com",), routes=frozenset({GROUP_ROUTE, ADD_URL}),
    limits={GROUP_ROUTE: "Douban: only the curated public groups, and about the 500 newest topics of each; "
                         "Douban's search is closed to tools by robots.txt."},
    page=PageReader("www.douban.com", TOPIC_PATH, "plaint.collectors.douban:parse_topic"),
    thread_url=SITE + "/group/topic/{}/",
    collector="plaint.collectors.douban:DoubanCollector",
    sweeper="plaint.sweep:page_sweeper",
    settings=DoubanSettings, read_settings=read_settings,
)
