"""The collectors `plaint scrape` can build: those of the platforms whose definition names one
(plaint/platforms). Xiaohongshu, Tieba and Douyin have no route a tool may search: they come in
by `plaint import`."""

from __future__ import annotations

from collections.abc import Callable

from plaint import platforms
from plaint.collectors import Collector
from plaint.config import Config
from plaint.errors import ConfigError


def collector_sources(config: Config, chosen: list[str] | None = None) -> dict[str, Callable[[], Collector]]:
    """Factories for the chosen platforms (all searchable by default); building one may raise
    CollectorUnavailable (no credentials, nothing configured)."""
    searchable = platforms.searchable()
    names = chosen or list(searchable)
    unknown = [name for name in names if name not in searchable]
    if unknown:
        raise ConfigError(f"no collector for {', '.join(unknown)}; plaint can search: {', '.join(searchable)}")
    return {name: _factory(searchable[name], config) for name in names}


def _factory(platform: platforms.Platform, config: Config) -> Callable[[], Collector]:
    def build() -> Collector:
        assert platform.collector is not None
        collector: Collector = platforms.load(platform.collector).from_environment(config)
        return collector

    return build
