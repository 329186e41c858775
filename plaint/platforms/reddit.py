"""Reddit: the Data API through PRAW (an OAuth app), and archive dumps of public subreddits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plaint.fields import FieldReader
from plaint.platforms import ARCHIVE_DUMP, Platform

API_ROUTE = "reddit_api"
SITE = "https://www.reddit.com"


@dataclass(frozen=True)
class RedditSettings:
    subreddits: tuple[str, ...] = ()
    general_subreddits: tuple[str, ...] = ()
    sort: str = "new"
    time_filter: str = "all"
    syntax: str = "lucene"
    comments: bool = True
    more_comments: int = 8
    queries: tuple[str, ...] = ()


def read_settings(reader: FieldReader, section: dict[str, Any], where: str) -> RedditSettings:
    return RedditSettings(
        subreddits=reader.strings(section.get("subreddits", []), f"{where}.subreddits"),
        general_subreddits=reader.strings(section.get("general_subreddits", []), f"{where}.general_subreddits"),
        sort=reader.choice(section.get("sort", "new"), f"{where}.sort", ("new", "relevance", "top", "comments", "hot")),
        time_filter=reader.choice(section.get("time_filter", "all"), f"{where}.time_filter",
                                  ("all", "year", "month", "week", "day", "hour")),
        syntax=reader.choice(section.get("syntax", "lucene"), f"{where}.syntax", ("lucene", "cloudsearch", "plain")),
        comments=reader.boolean(section.get("comments", True), f"{where}.comments"),
        more_comments=reader.count(section.get("more_comments", 8), f"{where}.more_comments"),
        queries=reader.strings(section.get("queries", []), f"{where}.queries"),
    )


PLATFORM = Platform(
    name="reddit", order=1, label="Reddit", hosts=("reddit.com",),
    routes=frozenset({API_ROUTE, ARCHIVE_DUMP}), public_routes=frozenset({API_ROUTE, ARCHIVE_DUMP}),
    limits={API_ROUTE: "Reddit's Data API (read-only app): public subreddits only; each search listing ends "
                       "near 1,000 items; search covers posts, and comments come from the matching threads only."},
    not_fetched="plaint reads Reddit through its API (plaint scrape)",
    message_url=SITE + "/message/compose/?to={handle}",
    collector="plaint.collectors.reddit:RedditCollector",
    sweeper="plaint.sweep:reddit_sweeper",
    settings=RedditSettings, read_settings=read_settings,
)
