"""Which platforms `plaint scrape` can search, and how each collector is built."""

from __future__ import annotations

from collections.abc import Callable

from plaint.collectors import Collector
from plaint.collectors.reddit import RedditCollector
from plaint.config import Config
from plaint.errors import ConfigError

COLLECTORS: dict[str, Callable[[Config], Collector]] = {
    "reddit": RedditCollector.from_environment,
}


def collector_sources(config: Config, platforms: list[str] | None = None) -> dict[str, Callable[[], Collector]]:
    """Factories for the chosen platforms (all by default); building one may raise CollectorUnavailable."""
    chosen = platforms or list(COLLECTORS)
    unknown = [p for p in chosen if p not in COLLECTORS]
    if unknown:
        raise ConfigError(f"no collector for {', '.join(unknown)}; plaint can search: {', '.join(COLLECTORS)}")
    return {name: (lambda name=name: COLLECTORS[name](config)) for name in chosen}
