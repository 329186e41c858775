"""TikTok: the Research API (an approved academic project's client credentials)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaint.fields import FieldReader
from plaint.platforms import Platform

API_ROUTE = "tiktok_research_api"


@dataclass(frozen=True)
class TikTokSettings:
    days: int = 90  # how far back a full run searches
    window_days: int = 30  # the Research API's longest window
    regions: tuple[str, ...] = ()
    comments: bool = True
    daily_requests: int = 1000
    interval: float = 1.0


def read_settings(reader: FieldReader, section: dict[str, Any], where: str) -> TikTokSettings:
    return TikTokSettings(
        days=reader.count(section.get("days", 90), f"{where}.days"),
        window_days=min(30, reader.count(section.get("window_days", 30), f"{where}.window_days") or 30),
        regions=reader.strings(section.get("regions", []), f"{where}.regions"),
        comments=reader.boolean(section.get("comments", True), f"{where}.comments"),
        daily_requests=reader.count(section.get("daily_requests", 1000), f"{where}.daily_requests"),
        interval=reader.seconds(section.get("interval", 1.0), f"{where}.interval", 0.0),
    )


PLATFORM = Platform(
    name="tiktok", order=2, label="TikTok", hosts=("tiktok.com",), routes=frozenset({API_ROUTE}),
    limits={API_ROUTE: "TikTok Research API: queries run in windows of at most 30 days; comment "
                       "records carry no author; 1,000 requests and 100,000 records a day."},
    not_fetched="TikTok's content is open to tools only through the Research API",
    collector="plaint.collectors.tiktok:TikTokCollector",
    sweeper="plaint.sweep:tiktok_sweeper",
    settings=TikTokSettings, read_settings=read_settings,
)
