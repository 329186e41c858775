"""Turning keywords.yaml into the searches each platform runs.

A search engine wants few, broad words; the lexicons decide relevance afterwards. Queries are
split so that none exceeds the platform's length limit (Reddit: 512 characters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from plaint.config import Config

REDDIT_MAX_QUERY = 512


@dataclass(frozen=True)
class Query:
    """One search: `scope` is where it runs (a multireddit), `text` what it asks for, and `since`
    the newest post an earlier run saw for it (collectors that read newest first stop there)."""

    platform: str
    scope: str
    text: str
    since: datetime | None = None

    def __str__(self) -> str:
        """Short enough for a log line or an error message."""
        scope = self.scope if len(self.scope) <= 40 else self.scope[:39] + "…"
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.platform} {scope} [{text}]"


def lucene_term(term: str) -> str:
    return f'"{term}"' if any(ch.isspace() for ch in term) else term


def or_groups(terms: Iterable[str], budget: int) -> list[str]:
    """Join terms with OR into as few groups as fit in `budget` characters each."""
    groups: list[list[str]] = [[]]
    for term in (lucene_term(t) for t in terms):
        candidate = " OR ".join(groups[-1] + [term])
        if groups[-1] and len(candidate) > budget:
            groups.append([])
        groups[-1].append(term)
    return [" OR ".join(group) for group in groups if group]


def reddit_queries(config: Config) -> list[Query]:
    settings = config.reddit
    if settings.queries:
        scope = "+".join(settings.subreddits + settings.general_subreddits) or "all"
        return [Query("reddit", scope, text) for text in settings.queries]
    bias_terms = config.search_terms.get("en", ())
    queries: list[Query] = []
    if settings.subreddits:
        scope = "+".join(settings.subreddits)
        queries += [Query("reddit", scope, group) for group in or_groups(bias_terms, REDDIT_MAX_QUERY)]
    if settings.general_subreddits:
        scope = "+".join(settings.general_subreddits)
        apps = f"({' OR '.join(lucene_term(a) for a in config.apps if a.isascii())})"
        budget = REDDIT_MAX_QUERY - len(apps) - len(" AND ()")
        queries += [Query("reddit", scope, f"{apps} AND ({group})") for group in or_groups(bias_terms, budget)]
    return queries


def tiktok_queries(config: Config) -> list[Query]:
    """One query: the keywords, over the last `days` days (split into windows when searched)."""
    return [Query("tiktok", f"last {config.tiktok.days} days", " OR ".join(tiktok_bias_terms(config)))]


def tiktok_windows(config: Config, today: date, since: datetime | None = None) -> list[tuple[date, date]]:
    """Windows of at most 30 days, newest first, back to `days` ago or to the day of `since`."""
    settings = config.tiktok
    start_of_search = today - timedelta(days=max(settings.days, 1) - 1)
    if since is not None:
        start_of_search = max(start_of_search, since.date())
    windows: list[tuple[date, date]] = []
    end = today
    while end >= start_of_search:
        start = max(start_of_search, end - timedelta(days=settings.window_days - 1))
        windows.append((start, end))
        end = start - timedelta(days=1)
    return windows


def tiktok_bias_terms(config: Config) -> list[str]:
    return [*config.search_terms.get("en", ()), *config.search_terms.get("zh", ())]


def paired_queries(platform: str, topics: tuple[str, ...], explicit: tuple[str, ...], config: Config) -> list[Query]:
    """Zhihu and Weibo search one phrase at a time: each topic with each Chinese search word."""
    if explicit:
        return [Query(platform, "search", text) for text in explicit]
    return [Query(platform, "search", f"{topic} {term}")
            for topic in topics for term in config.search_terms.get("zh", ())]


def douban_queries(config: Config) -> list[Query]:
    return [Query("douban", group, "topic titles matched locally") for group in config.douban.groups]
