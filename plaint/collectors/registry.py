"""Which platforms `plaint scrape` can search, and how each collector is built."""

from __future__ import annotations

from collections.abc import Callable

from plaint.collectors import Collector
from plaint.collectors.douban import DoubanCollector
from plaint.collectors.reddit import RedditCollector
from plaint.collectors.tiktok import TikTokCollector
from plaint.collectors.weibo import WeiboCollector
from plaint.collectors.zhihu import ZhihuCollector
from plaint.config import Config
from plaint.errors import ConfigError

# Xiaohongshu, Tieba and Douyin have no route a tool may search: they come in by `plaint import`.
COLLECTORS: dict[str, Callable[[Config], Collector]] = {
    "reddit": RedditCollector.from_environment,
    "tiktok": TikTokCollector.from_environment,
    "zhihu": ZhihuCollector.from_environment,
    "weibo": WeiboCollector.from_environment,
    "douban": DoubanCollector.from_environment,
}


def collector_sources(config: Config, platforms: list[str] | None = None) -> dict[str, Callable[[], Collector]]:
    """Factories for the chosen platforms (all by default); building one may raise CollectorUnavailable."""
    chosen = platforms or list(COLLECTORS)
    unknown = [p for p in chosen if p not in COLLECTORS]
    if unknown:
        raise ConfigError(f"no collector for {', '.join(unknown)}; plaint can search: {', '.join(COLLECTORS)}")
    return {name: (lambda name=name: COLLECTORS[name](config)) for name in chosen}
